"""The 党章知识竞赛 (五.1(4)二): the question bank workbook, timed attempts, scores and the
per-unit ranking.

The workbook has one sheet, 题库, with Chinese headers in row 1 (the file format, never
translated). Import checks every row before writing anything; if any row is wrong it
raises `WorkbookError` listing every problem with its row and column and writes nothing
(the house style of `vanguard.orgs.excel`). A successful import replaces the quiz's
questions, which is allowed only until the first attempt.

A single-choice question scores its points for the right letter; a multiple-choice one only
for exactly the right set of letters (no partial marks). Each member's result is their
best attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history

from vanguard.campaigns.models import Enrollment
from vanguard.campaigns.units import sum_by_unit, units_by_org
from vanguard.orgs.excel import ImportProblem, WorkbookError
from vanguard.orgs.models import Member, paths_overlap
from vanguard.reports.sheets import Bounds, SheetRefused, bounded_rows, load_bounded
from vanguard.study.models import Question, QuestionKind, Quiz, QuizAttempt

# --- The file format ----------------------------------------------------------------

SHEET = "题库"
HELP_SHEET = "说明"
KIND = "题型"
TEXT = "题目"
OPTION_LETTERS = "ABCDEF"
OPTIONS = tuple(f"选项{letter}" for letter in OPTION_LETTERS)
ANSWER = "答案"
POINTS = "分值"
EXPLANATION = "解析"
HEADERS = (KIND, TEXT, *OPTIONS, ANSWER, POINTS, EXPLANATION)
REQUIRED_HEADERS = (KIND, TEXT, OPTIONS[0], OPTIONS[1], ANSWER)
KIND_LABELS = {QuestionKind.SINGLE: "单选", QuestionKind.MULTIPLE: "多选"}
KIND_ALIASES = {"单选": "single", "单选题": "single", "多选": "multiple", "多选题": "multiple"}
EXAMPLE_PREFIX = "示例"
TEMPLATE_FILENAME = "党章知识竞赛-题库模板.xlsx"
MAX_FILE_MB = 5
MAX_ROWS = 2000
MAX_POINTS = Decimal(100)
EXAMPLES = (
    ("单选", "示例：党的最高领导机关是？", "党的全国代表大会和它所产生的中央委员会", "中央政治局",
     "中央书记处", "", "", "", "A", 2, ""),
    ("多选", "示例：党员的义务包括哪些？", "认真学习", "贯彻执行党的基本路线",
     "坚持党和人民的利益高于一切", "", "", "", "ABC", 3, ""),
)  # fmt: skip
_ANSWER_SEPARATORS = re.compile(r"[\s,，、;；]+")

# Answers this long after the deadline are still taken (the page submits itself at the
# deadline; the request may take a moment to arrive).
SUBMIT_GRACE = timedelta(seconds=30)


# --- Import -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Parsed:
    kind: str
    text: str
    options: list[str]
    answer: str
    points: Decimal
    explanation: str


class _RowReader:
    def __init__(self):
        self.problems: list[ImportProblem] = []

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(SHEET, row, column, message))

    def read(self, number: int, cells: dict[str, Any]) -> _Parsed | None:
        before = len(self.problems)
        kind_text = _text(cells.get(KIND))
        kind = KIND_ALIASES.get(kind_text)
        if not kind_text:
            self.problem(number, KIND, _("This value is required."))
        elif kind is None:
            self.problem(
                number,
                KIND,
                _("Unknown value “%(value)s”; allowed: %(allowed)s.")
                % {"value": kind_text, "allowed": " / ".join(KIND_LABELS.values())},
            )
        text = _text(cells.get(TEXT))
        if not text:
            self.problem(number, TEXT, _("This value is required."))
        options = self.options(number, cells)
        answer = self.answer(number, cells, kind, options)
        points = self.points(number, cells)
        if len(self.problems) > before:
            return None
        return _Parsed(kind, text, options, answer, points, _text(cells.get(EXPLANATION)))

    def options(self, number: int, cells: dict[str, Any]) -> list[str]:
        values = [_text(cells.get(column)) for column in OPTIONS]
        last = max((i for i, value in enumerate(values) if value), default=-1)
        for index in range(last + 1):
            if not values[index]:
                message = _("Options must be filled from A on without gaps.")
                self.problem(number, OPTIONS[index], message)
        if last < 1:
            self.problem(number, OPTIONS[1], _("A question needs at least two options."))
        return values[: last + 1]

    def answer(self, number: int, cells, kind: str | None, options: list[str]) -> str:
        raw = _ANSWER_SEPARATORS.sub("", _text(cells.get(ANSWER))).upper()
        raw = raw.translate({ord(c): ord(c) - 0xFEE0 for c in "ＡＢＣＤＥＦ"})
        if not raw:
            self.problem(number, ANSWER, _("This value is required."))
            return ""
        letters = sorted(set(raw))
        wrong = [c for c in letters if c not in OPTION_LETTERS[: len(options)]]
        if wrong:
            self.problem(
                number,
                ANSWER,
                _("“%(value)s” is not an option of this question (options: %(letters)s).")
                % {"value": "".join(wrong), "letters": OPTION_LETTERS[: max(len(options), 1)]},
            )
        elif kind == QuestionKind.SINGLE and len(letters) != 1:
            self.problem(number, ANSWER, _("A single-choice question has exactly one answer."))
        elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
            self.problem(number, ANSWER, _("A multiple-choice question has at least two answers."))
        return "".join(letters)

    def points(self, number: int, cells) -> Decimal:
        raw = _text(cells.get(POINTS))
        if not raw:
            return Decimal(1)
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not 0 < value <= MAX_POINTS or value % Decimal("0.1"):
            self.problem(
                number,
                POINTS,
                _("“%(value)s” is not a score; write a number above 0 and at most %(max)s.")
                % {"value": raw, "max": MAX_POINTS},
            )
            return Decimal(1)
        return value


def read_questions(file: IO[bytes]) -> list[_Parsed]:
    """The questions of the workbook, or WorkbookError with every problem found."""
    try:
        workbook = load_bounded(file)
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise WorkbookError([_file_problem(_not_xlsx())]) from error
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = bounded_rows(sheet, Bounds(rows=MAX_ROWS))
        header = [_text(value) for value in next(rows, ()) or ()]
        missing = [column for column in REQUIRED_HEADERS if column not in header]
        if missing:
            raise WorkbookError(
                [ImportProblem(SHEET, 1, column, _missing_column()) for column in missing]
            )
        columns = {name: header.index(name) for name in HEADERS if name in header}
        return _read_rows(rows, columns)
    except WorkbookError:
        raise
    except SheetRefused as error:
        raise WorkbookError([_file_problem(str(error))]) from error
    except Exception as error:  # a damaged sheet inside a valid zip
        raise WorkbookError([_file_problem(_not_xlsx())]) from error
    finally:
        workbook.close()


def _read_rows(rows, columns: dict[str, int]) -> list[_Parsed]:
    reader = _RowReader()
    parsed: list[_Parsed] = []
    first_rows: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        if _text(cells.get(TEXT)).startswith(EXAMPLE_PREFIX):
            continue
        if len(parsed) + len(reader.problems) >= MAX_ROWS:
            message = _("Too many rows: a sheet may have at most %(max)s rows.") % {"max": MAX_ROWS}
            reader.problem(number, "", message)
            break
        text = _text(cells.get(TEXT))
        if text and text in first_rows:
            reader.problem(
                number,
                TEXT,
                _("The same question is already on row %(row)s.") % {"row": first_rows[text]},
            )
            continue
        if text:
            first_rows[text] = number
        question = reader.read(number, cells)
        if question is not None:
            parsed.append(question)
    if reader.problems:
        raise WorkbookError(reader.problems)
    if not parsed:
        raise WorkbookError([_file_problem(_("The workbook has no questions to import."))])
    return parsed


def _missing_column() -> str:
    return _("This column is missing from the header row.")


def _file_problem(message: str) -> ImportProblem:
    return ImportProblem(sheet="", row=None, column="", message=message)


def _not_xlsx() -> str:
    return _("The file is not a valid Excel workbook (.xlsx).")


def import_questions(quiz: Quiz, file: IO[bytes]) -> int:
    """Replace the quiz's questions with the workbook's; return how many were imported."""
    if quiz.attempts.exists():
        raise WorkbookError(
            [_file_problem(_("Members have already taken this quiz: its questions are fixed."))]
        )
    parsed = read_questions(file)
    with transaction.atomic():
        quiz.questions.all().delete()
        bulk_create_with_history(
            [
                Question(
                    quiz=quiz,
                    number=number,
                    kind=q.kind,
                    text=q.text,
                    options=q.options,
                    answer=q.answer,
                    points=q.points,
                    explanation=q.explanation,
                )
                for number, q in enumerate(parsed, start=1)
            ],
            Question,
        )
    return len(parsed)


def write_template(file: IO[bytes]) -> None:
    """The blank workbook: headers, two grey example rows, and 说明."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for example in EXAMPLES:
        sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font = Font(color="FF999999", italic=True)
    for index, width in enumerate((8, 50, 24, 24, 24, 24, 16, 16, 8, 8, 30), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(HELP_SHEET)
    for line in (
        _("Question type: %(single)s or %(multiple)s.")
        % {"single": KIND_LABELS["single"], "multiple": KIND_LABELS["multiple"]},
        _("Options: at least A and B, filled from A on without gaps; at most six (A–F)."),
        _("Answer: the letters of the right options, such as A or ACD."),
        _("Points: a number above 0; empty means 1."),
        _("Rows whose question starts with %(prefix)s are examples: import skips them.")
        % {"prefix": EXAMPLE_PREFIX},
        _(
            "Import checks every row first: if any row is wrong, nothing is written and every "
            "problem is listed with its row and column."
        ),
    ):
        notes.append((line,))
    notes.column_dimensions["A"].width = 100
    workbook.save(file)


# --- Attempts -----------------------------------------------------------------------


class QuizRefused(Exception):
    """Why a member cannot start or submit; the message is for the member to read."""


def takes_part(quiz: Quiz, member: Member) -> bool:
    return member.organization.is_in_subtree_of(quiz.organization)


def current_attempt(quiz: Quiz, member: Member, now: datetime) -> QuizAttempt | None:
    """The member's attempt still running, if any."""
    return (
        quiz.attempts.filter(
            member=member, submitted_at__isnull=True, deadline__gte=now - SUBMIT_GRACE
        )
        .order_by("-number")
        .first()
    )


def start_attempt(quiz: Quiz, member: Member, *, now: datetime | None = None) -> QuizAttempt:
    """Start (or resume) the member's attempt; QuizRefused says why not."""
    now = now or timezone.now()
    if not takes_part(quiz, member):
        raise QuizRefused(
            _("This quiz is for the members of %(unit)s.") % {"unit": quiz.organization.name}
        )
    if now < quiz.opens_at:
        raise QuizRefused(_("The quiz has not opened yet."))
    if now > quiz.closes_at:
        raise QuizRefused(_("The quiz has closed."))
    running = current_attempt(quiz, member, now)
    if running is not None:
        return running
    questions = list(quiz.questions.values_list("points", flat=True))
    if not questions:
        raise QuizRefused(_("The quiz has no questions yet."))
    taken = quiz.attempts.filter(member=member).count()
    if taken >= quiz.max_attempts:
        raise QuizRefused(_("You have used all your attempts at this quiz."))
    deadline = min(now + timedelta(minutes=quiz.time_limit_minutes), quiz.closes_at)
    return QuizAttempt.objects.create(
        quiz=quiz,
        member=member,
        number=taken + 1,
        started_at=now,
        deadline=deadline,
        max_score=sum(questions, Decimal(0)),
    )


def score(questions, answers: dict[str, str]) -> Decimal:
    total = Decimal(0)
    for question in questions:
        given = "".join(sorted(set(answers.get(str(question.pk), ""))))
        if given == question.answer:
            total += question.points
    return total


def submit_attempt(
    attempt: QuizAttempt, answers: dict[str, str], *, now: datetime | None = None
) -> QuizAttempt:
    """Score the attempt. Answers that arrive after the deadline are refused (QuizRefused)
    and the attempt is closed with no score for them."""
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        raise QuizRefused(_("This attempt has already been submitted."))
    if now > attempt.deadline + SUBMIT_GRACE:
        _close_unanswered(QuizAttempt.objects.filter(pk=attempt.pk))
        raise QuizRefused(_("Time was up: answers sent after the time limit are not accepted."))
    questions = list(attempt.quiz.questions.all())
    known = {str(q.pk) for q in questions}
    attempt.answers = {key: value for key, value in answers.items() if key in known and value}
    attempt.score = score(questions, attempt.answers)
    attempt.submitted_at = now
    attempt.save()
    return attempt


def close_expired(quiz: Quiz, *, now: datetime | None = None) -> int:
    """Attempts whose time ran out unsubmitted score zero. One query."""
    now = now or timezone.now()
    expired = quiz.attempts.filter(submitted_at__isnull=True, deadline__lt=now - SUBMIT_GRACE)
    return _close_unanswered(expired)


def _close_unanswered(attempts) -> int:
    return attempts.update(submitted_at=F("deadline"), score=Decimal(0), answers={})


# --- Results ------------------------------------------------------------------------


def best_score_expression(quiz: Quiz) -> Subquery:
    best = (
        QuizAttempt.objects.filter(quiz=quiz, member=OuterRef("pk"), score__isnull=False)
        .order_by("-score")
        .values("score")[:1]
    )
    return Subquery(best)


def participants(quiz: Quiz):
    """The members taking part (the subtree of the organisation running the quiz)."""
    return Member.objects.within(quiz.organization)


def ranking_enrollments(quiz: Quiz) -> list[Enrollment]:
    path = quiz.organization.path
    return [
        e
        for e in Enrollment.objects.filter(campaign=quiz.campaign).select_related("organization")
        if paths_overlap(e.organization.path, path)
    ]


@dataclass(frozen=True)
class UnitResult:
    enrollment: Enrollment
    members: int
    participants: int
    average: Decimal | None
    top: Decimal | None

    @property
    def participation(self) -> float:
        return self.participants / self.members if self.members else 0.0


def _one_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def unit_ranking(quiz: Quiz) -> list[UnitResult]:
    """Enrolled units ranked by their members' average best score (those who took part),
    then by participation. Two queries."""
    enrollments = {e.pk: e for e in ranking_enrollments(quiz)}
    if not enrollments:
        return []
    units = units_by_org(enrollments.values())
    rows = (
        participants(quiz)
        .filter(organization__in=list(units))
        .annotate(best=best_score_expression(quiz))
        .order_by()
        .values("organization")
        .annotate(
            members=Count("pk"),
            took_part=Count("pk", filter=Q(best__isnull=False)),
            total=Sum("best"),
            top=Max("best"),
        )
    )
    tops: dict[int, Decimal | None] = {}
    for row in rows:  # members of sub-organisations count for their enrolled unit
        unit = units[row["organization"]]
        if row["top"] is not None and (tops.get(unit) is None or row["top"] > tops[unit]):
            tops[unit] = row["top"]
    totals = sum_by_unit(rows, units, ["members", "took_part", "total"])
    results = [
        UnitResult(
            enrollments[unit],
            row["members"],
            row["took_part"],
            _one_decimal(row["total"] / row["took_part"]) if row["took_part"] else None,
            tops.get(unit),
        )
        for unit, row in totals.items()
    ]
    return sorted(
        results,
        key=lambda r: (r.average is None, -(r.average or 0), -r.participation, r.enrollment.pk),
    )


def top_members(quiz: Quiz, limit: int = 20):
    return (
        participants(quiz)
        .annotate(best=best_score_expression(quiz))
        .filter(best__isnull=False)
        .select_related("organization")
        .order_by("-best", "code")[:limit]
    )
