"""党章知识竞赛: the question bank imported from Excel all-or-nothing, timed attempts,
scores, and the per-unit ranking."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.conftest import make_member
from tests.reports.helpers import job_of
from vanguard.orgs.excel import WorkbookError
from vanguard.study import quiz as quizzes
from vanguard.study.models import Question, Quiz, QuizAttempt

GOOD_ROWS = [
    [
        "单选",
        "党的最高领导机关是？",
        "全国代表大会和中央委员会",
        "中央政治局",
        "",
        "",
        "",
        "",
        "A",
        2,
        "",
    ],
    [
        "多选",
        "党的纪律处分包括？",
        "警告",
        "严重警告",
        "开除党籍",
        "罚款",
        "",
        "",
        "A，B、c",
        "",
        "",
    ],
]


def workbook(rows, headers=quizzes.HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = quizzes.SHEET
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    return file


@pytest.fixture
def quiz(campaign, tree):
    now = timezone.now()
    return Quiz.objects.create(
        campaign=campaign,
        organization=tree["root"],
        title="党章知识竞赛",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        time_limit_minutes=20,
    )


def test_import_reads_both_kinds(quiz):
    assert quizzes.import_questions(quiz, workbook(GOOD_ROWS)) == 2
    single, multiple = quiz.questions.order_by("number")
    assert (single.kind, single.answer, single.points, single.options[1]) == (
        "single",
        "A",
        Decimal(2),
        "中央政治局",
    )
    assert (multiple.kind, multiple.answer, multiple.points, len(multiple.options)) == (
        "multiple",
        "ABC",
        Decimal(1),
        4,
    )


def test_bad_rows_are_all_reported_with_row_and_column_and_nothing_is_written(quiz):
    rows = [
        GOOD_ROWS[0],
        ["判断", "题型不对", "对", "错", "", "", "", "", "A", "", ""],  # row 3
        ["单选", "", "甲", "乙", "", "", "", "", "A", "", ""],  # row 4: no question
        ["单选", "只有一个选项", "甲", "", "", "", "", "", "A", "", ""],  # row 5
        ["单选", "选项有空缺", "甲", "", "丙", "", "", "", "A", "", ""],  # row 6
        ["单选", "答案不在选项里", "甲", "乙", "", "", "", "", "D", "", ""],  # row 7
        ["单选", "单选两个答案", "甲", "乙", "", "", "", "", "AB", "", ""],  # row 8
        ["多选", "多选一个答案", "甲", "乙", "丙", "", "", "", "A", "", ""],  # row 9
        ["单选", "分值不对", "甲", "乙", "", "", "", "", "A", "-1", ""],  # row 10
        ["单选", "党的最高领导机关是？", "甲", "乙", "", "", "", "", "A", "", ""],  # row 11: repeat
    ]
    with pytest.raises(WorkbookError) as error:
        quizzes.import_questions(quiz, workbook(rows))

    places = [(p.row, p.column) for p in error.value.problems]
    assert places == [
        (3, "题型"),
        (4, "题目"),
        (5, "选项B"),
        (6, "选项B"),
        (7, "答案"),
        (8, "答案"),
        (9, "答案"),
        (10, "分值"),
        (11, "题目"),
    ]
    assert not Question.objects.exists()


def test_missing_columns_and_non_excel_files(quiz):
    with pytest.raises(WorkbookError) as error:
        quizzes.import_questions(quiz, workbook([], headers=["题型", "题目", "选项A"]))
    assert {p.column for p in error.value.problems} == {"选项B", "答案"}
    with pytest.raises(WorkbookError, match="not a valid Excel"):
        quizzes.import_questions(quiz, io.BytesIO(b"not a workbook"))
    with pytest.raises(WorkbookError, match="no questions"):
        quizzes.import_questions(quiz, workbook([]))


def test_the_template_imports_nothing_but_is_valid(quiz):
    file = io.BytesIO()
    quizzes.write_template(file)
    file.seek(0)
    with pytest.raises(WorkbookError, match="no questions"):  # only example rows
        quizzes.import_questions(quiz, file)


def test_import_is_refused_once_members_have_attempted(quiz, personas):
    quizzes.import_questions(quiz, workbook(GOOD_ROWS))
    quizzes.start_attempt(quiz, personas["bob"].member)
    with pytest.raises(WorkbookError, match="already taken"):
        quizzes.import_questions(quiz, workbook(GOOD_ROWS[:1]))
    assert quiz.questions.count() == 2


def test_import_page_lists_the_problems(login, personas, quiz):
    bad = workbook([["单选", "缺答案", "甲", "乙", "", "", "", "", "", "", ""]])
    bad.name = "题库.xlsx"
    client = login(personas["office"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("study:quiz-import", args=[quiz.pk]), {"file": bad}, HTTP_ACCEPT_LANGUAGE="en"
        )
    job = job_of(response)
    assert job.status == job.Status.FAILED and not quiz.questions.exists()
    assert [problem["row"] for problem in job.result["problems"]] == [2]
    page = client.get(response.url).content.decode()
    assert 'id="import-problems"' in page and "答案" in page and "题库.xlsx" in page


def test_import_page_imports_in_the_worker(login, personas, quiz):
    good = workbook(GOOD_ROWS)
    good.name = "题库.xlsx"
    client = login(personas["office"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("study:quiz-import", args=[quiz.pk]), {"file": good})
    job = job_of(response)
    assert job.status == job.Status.DONE and quiz.questions.count() == 2
    assert job.result["next_url"] == reverse("study:quiz", args=[quiz.pk])


# -- attempts ------------------------------------------------------------------------------


@pytest.fixture
def bank(quiz):
    quizzes.import_questions(quiz, workbook(GOOD_ROWS))
    return quiz


def answers_for(quiz, single, multiple):
    first, second = quiz.questions.order_by("number")
    return {str(first.pk): single, str(second.pk): multiple}


def test_a_timed_attempt_is_scored(bank, personas):
    member = personas["bob"].member
    attempt = quizzes.start_attempt(bank, member)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=20)
    assert attempt.max_score == Decimal(3)

    quizzes.submit_attempt(attempt, answers_for(bank, "A", "CBA"))
    assert attempt.score == Decimal(3)


def test_multiple_choice_scores_only_the_exact_set(bank, personas):
    attempt = quizzes.start_attempt(bank, personas["bob"].member)
    quizzes.submit_attempt(attempt, answers_for(bank, "B", "AB"))
    assert attempt.score == 0


def test_answers_after_the_time_limit_are_refused(bank, personas):
    attempt = quizzes.start_attempt(bank, personas["bob"].member)
    late = attempt.deadline + quizzes.SUBMIT_GRACE + timedelta(seconds=1)
    with pytest.raises(quizzes.QuizRefused, match="Time was up"):
        quizzes.submit_attempt(attempt, answers_for(bank, "A", "ABC"), now=late)
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.submitted_at == attempt.deadline


def test_an_expired_attempt_scores_zero_and_uses_up_the_attempt(bank, personas):
    member = personas["bob"].member
    attempt = quizzes.start_attempt(bank, member)
    later = attempt.deadline + timedelta(minutes=5)
    assert quizzes.close_expired(bank, now=later) == 1
    with pytest.raises(quizzes.QuizRefused, match="all your attempts"):
        quizzes.start_attempt(bank, member, now=later)


def test_a_second_submission_is_refused(bank, personas):
    attempt = quizzes.start_attempt(bank, personas["bob"].member)
    quizzes.submit_attempt(attempt, answers_for(bank, "A", "ABC"))
    with pytest.raises(quizzes.QuizRefused, match="already been submitted"):
        quizzes.submit_attempt(attempt, answers_for(bank, "B", "AB"))


def test_starting_twice_resumes_the_running_attempt(bank, personas):
    member = personas["bob"].member
    assert quizzes.start_attempt(bank, member) == quizzes.start_attempt(bank, member)


def test_quiz_outside_its_window_or_unit_is_refused(quiz, bank, personas, tree):
    member = personas["bob"].member
    with pytest.raises(quizzes.QuizRefused, match="not opened"):
        quizzes.start_attempt(bank, member, now=bank.opens_at - timedelta(minutes=1))
    with pytest.raises(quizzes.QuizRefused, match="closed"):
        quizzes.start_attempt(bank, member, now=bank.closes_at + timedelta(minutes=1))
    bank.organization = tree["B"]
    bank.save()
    with pytest.raises(quizzes.QuizRefused, match=tree["B"].name):
        quizzes.start_attempt(bank, member)


def test_deadline_never_passes_the_closing_time(bank, personas):
    start = bank.closes_at - timedelta(minutes=5)
    attempt = quizzes.start_attempt(bank, personas["bob"].member, now=start)
    assert attempt.deadline == bank.closes_at


def test_member_takes_the_quiz_through_the_pages(login, bank, personas):
    client = login(personas["bob"])
    response = client.post(reverse("study:quiz-start", args=[bank.pk]))
    attempt = QuizAttempt.objects.get()
    assert response.url == reverse("study:attempt", args=[attempt.pk])
    page = client.get(response.url)
    assert 'id="countdown"' in page.content.decode()

    first, second = bank.questions.order_by("number")
    client.post(response.url, {f"q-{first.pk}": "A", f"q-{second.pk}": ["A", "B", "C"]})
    attempt.refresh_from_db()
    assert attempt.score == Decimal(3)
    assert login(personas["alice"]).get(response.url).status_code == 404  # not hers


def test_ranking_per_unit(bank, personas, enrollments, tree):
    # given two members of A (averaging 2) and one of B (scoring 3)
    bob = personas["bob"].member
    a_two = make_member(tree["A"], "A-050", "甲五十")
    b_one = tree["B"].members.get()
    for member, single, multiple in [(bob, "A", "AB"), (a_two, "B", "ABC"), (b_one, "A", "ABC")]:
        quizzes.submit_attempt(
            quizzes.start_attempt(bank, member), answers_for(bank, single, multiple)
        )

    ranking = quizzes.unit_ranking(bank)

    assert [
        (r.enrollment.organization.code, r.average, r.participants, r.members) for r in ranking
    ] == [
        ("B", Decimal("3.0"), 1, 1),
        ("A", Decimal("1.5"), 2, 2),
    ]
    assert quizzes.top_members(bank)[0].name == b_one.name
