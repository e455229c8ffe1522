"""Campaign templates: a campaign's rules, declared in a TOML file.

A template names the campaign's phases and their steps, its thresholds (with variants
per unit category and member group) and its vocabularies (session kinds, materials,
五个一, opinion channels, appraisal grades …). `load_template` reads and checks a file;
every problem found is collected and raised together as one `TemplateError`, so a bad
template loads nothing. A campaign stores `template.to_dict()` as its snapshot and
rebuilds it with `CampaignTemplate.from_dict`, so its rules do not change when the file
does. The format is documented in docs/campaign-templates.md.

Pure Python: no models, only Django's translation functions for the messages.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
import json
import re
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from vanguard.core import registry

SHIPPED_TEMPLATES_DIR = Path(__file__).resolve().parent / "definitions"
# Survey validity when a template (or an older snapshot) does not set it.
DEFAULT_MIN_RESPONSE_RATE = 0.5
DEFAULT_MIN_RESPONDENTS = 10
DEFAULT_MIN_GROUP_SIZE = 5


def _number(value: float) -> str:
    """50.0 → "50", 62.5 → "62.5"."""
    return f"{value:g}"


SNAPSHOT_NAME = "<snapshot>"


# --- The template, as the rest of the code sees it ---------------------------------


@dataclass(frozen=True)
class StepDef:
    code: str
    title: str
    notice_ref: str
    description: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhaseDef:
    code: str
    title: str
    order: int
    duration_days: int
    notice_ref: str
    steps: tuple[StepDef, ...] = ()


@dataclass(frozen=True)
class VocabularyItem:
    code: str
    title: str


@dataclass(frozen=True)
class SessionKind(VocabularyItem):
    counts_for_step: str | None = None  # a session of this kind is evidence of that step


@dataclass(frozen=True)
class Material(VocabularyItem):
    kind: str  # one of MATERIAL_KINDS


@dataclass(frozen=True)
class FiveOne(VocabularyItem):
    needs_partner: bool = False  # the member names a person (a student, an activist …)


@dataclass(frozen=True)
class LeaderVisitKind(VocabularyItem):
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpinionChannel(VocabularyItem):
    public: bool = False  # reachable by the public on the portal


@dataclass(frozen=True)
class AppraisalGrade(VocabularyItem):
    order: int  # 1 is the best grade


@dataclass(frozen=True)
class CommendationKind(VocabularyItem):
    subject: str  # one of COMMENDATION_SUBJECTS


@dataclass(frozen=True)
class GroupMatch:
    """Which members a 分类指导 group takes, from member data (三.5). Every key given must
    hold; an empty match takes everyone (a catch-all, listed last)."""

    categories: tuple[str, ...] = ()  # the member's unit category is one of these
    posts: tuple[str, ...] = ()  # the member's post kind (orgs.PostKind) is one of these
    leader_cadre: bool | None = None
    retired: bool | None = None

    def matches(
        self, *, category: str | None, post: str, leader_cadre: bool, retired: bool
    ) -> bool:
        return (
            (not self.categories or category in self.categories)
            and (not self.posts or post in self.posts)
            and (self.leader_cadre is None or self.leader_cadre == leader_cadre)
            and (self.retired is None or self.retired == retired)
        )


@dataclass(frozen=True)
class GroupStep(VocabularyItem):
    """A step only the members of one group take (三.5 分类指导: 采取不同的教育方法), each
    member for themself, by the end of `phase` (e.g. a leader cadre's 讲一次党课)."""

    phase: str
    notice_ref: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class MemberGroup(VocabularyItem):
    """A member group. With `match` it is a 分类指导 group (三.5): each member is in exactly
    one of them — the one the unit set, else the first in file order whose match fits —
    and it carries the group's 先进性 requirements, education methods and focus, and the
    五个一 items its members are held to (None: all of them). Without `match` it is one of
    the built-in groups (`formal`, `probationary`, `leader_cadre`) that a member may be in
    besides."""

    match: GroupMatch | None = None
    notice_ref: str | None = None
    requirements: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    five_ones: tuple[str, ...] | None = None
    # Steps that differ for the group: the template's steps that do not apply to its
    # members, and the steps its members take besides (member by member).
    skip_steps: tuple[str, ...] = ()
    steps: tuple[GroupStep, ...] = ()


@dataclass(frozen=True)
class LeaderDuty(VocabularyItem):
    """An item of the leaders' 三先 or of the 市委“十个一”规定 (三.4) that each leader cadre
    records with evidence; `kind` groups the items on the page."""

    kind: str
    description: str | None = None
    due_phase: str | None = None  # a phase code: due by its end (default the last phase)


@dataclass(frozen=True)
class SituationRule:
    """五.1(1) 摸清问题: the unit's profile and its 突出问题 (the `[situation]` table)."""

    step: str  # the step done when the profile is confirmed and the problems recorded
    age_bands: tuple[int, ...]  # upper bounds of the age bands, ascending
    entered: tuple[VocabularyItem, ...]  # what the unit enters (not computed)
    min_problems: int = 1
    notice_ref: str | None = None


@dataclass(frozen=True)
class MeetingRule:
    """五.2(3) 在谈心活动的基础上召开专题组织生活会 (the `[org_life_meeting]` table): the
    meeting is premature when held before every member's talk (and 党性分析) is done."""

    after_talks: bool = True
    after_self_analysis: bool = True
    notice_ref: str | None = None


@dataclass(frozen=True)
class SummaryRule:
    """阶段总结与转段验收 (the `[summaries]` table, module `summaries`): with
    `approval_required`, a unit's next phase counts as started only once the summary of the
    phase before it is approved (`campaigns.phases`)."""

    approval_required: bool = False
    notice_ref: str | None = None


@dataclass(frozen=True)
class BriefRule:
    """简报、信息报送 (the `[briefs]` table, module `briefs`): `min_per_phase` accepted
    briefs a unit sends in each of its phases (None: no minimum)."""

    min_per_phase: int | None = None
    notice_ref: str | None = None


@dataclass(frozen=True)
class BatchHint:
    title: str
    starts: str  # YYYY-MM
    ends: str  # YYYY-MM
    scope: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Duration:
    """A length as a notice says it: "3 months" (calendar months) or "90 days".

    Both ends of a period count (1 January – 31 March is 90 days). A period from `start`
    lasts `n` months when it reaches the day before the same day `n` months later
    (07-01 → 09-30 is 3 months, 07-01 → 09-29 is not); when that month has no such day
    (08-31 + 1 month), the month's last day is enough (08-31 → 09-30).
    """

    amount: int
    unit: str  # "days" or "months"

    @classmethod
    def parse(cls, value: Any) -> Duration | None:
        """A duration from the template's text, or from a number of days (the older
        `min_concentrated_days`); None when the value is not one."""
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value, "days") if value > 0 else None
        if not isinstance(value, str):
            return None
        found = _DURATION_RE.fullmatch(value.strip())
        if found is None or int(found["amount"]) <= 0:
            return None
        unit = "months" if found["unit"] in ("month", "months", "个月", "月") else "days"
        return cls(int(found["amount"]), unit)

    def last_day(self, start: datetime.date) -> datetime.date:
        """The first day on which a period begun on `start` has lasted this long."""
        if self.unit == "days":
            return start + datetime.timedelta(days=self.amount - 1)
        month_index = start.month - 1 + self.amount
        year, month = start.year + month_index // 12, month_index % 12 + 1
        days_in_month = _days_in_month(year, month)
        if start.day > days_in_month:  # no corresponding day: the month's last day
            return datetime.date(year, month, days_in_month)
        return datetime.date(year, month, start.day) - datetime.timedelta(days=1)

    def reached(self, start: datetime.date, end: datetime.date) -> bool:
        return end >= self.last_day(start)

    def label(self) -> str:
        """As users read it: 3个月, 90天."""
        if self.unit == "months":
            return ngettext("%(count)s month", "%(count)s months", self.amount) % {
                "count": self.amount
            }
        return ngettext("%(count)s day", "%(count)s days", self.amount) % {"count": self.amount}

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


def _days_in_month(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


_DURATION_RE = re.compile(r"(?P<amount>\d+)\s*(?P<unit>days?|months?|天|个月|月)")


@dataclass(frozen=True)
class Variant:
    """Threshold overrides for a unit category and/or a member group."""

    category: str | None
    group: str | None
    values: dict[str, Any]

    def matches(self, category: str | None, groups: set[str]) -> bool:
        category_ok = self.category is None or self.category == category
        group_ok = self.group is None or self.group in groups
        return category_ok and group_ok

    def to_dict(self) -> dict[str, Any]:
        match = {"category": self.category, "group": self.group}
        return {"match": {k: v for k, v in match.items() if v is not None}, **self.values}


@dataclass(frozen=True)
class SurveyQuestion(VocabularyItem):
    notice_ref: str = ""


@dataclass(frozen=True)
class SatisfactionRule:
    options: tuple[VocabularyItem, ...]
    dissatisfied: tuple[str, ...]
    redo_when: str
    majority: str
    methods: tuple[str, ...]
    combine: str
    # The phases whose steps a remedial cycle (补课) redoes; empty means the last phase.
    redo_phases: tuple[str, ...] = ()
    # The graded questions asked beside the overall rating, and their grades (best first).
    questions: tuple[SurveyQuestion, ...] = ()
    grades: tuple[VocabularyItem, ...] = ()
    # A survey is valid (judged at all) only with at least this share of the invited
    # answering and at least this many respondents; below either it is 无效.
    min_response_rate: float = DEFAULT_MIN_RESPONSE_RATE
    min_respondents: int = DEFAULT_MIN_RESPONDENTS
    # k-anonymity: no result is shown for a group (or a survey) with fewer responses.
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE

    def invalid_reason(self, responses: int, invited: int) -> str:
        """Why a survey with `responses` of `invited` is not valid, or "" when it is.
        At the minimum exactly, it is valid."""
        reasons = []
        if responses < self.min_respondents:
            reasons.append(
                _("%(responses)s respondents, fewer than the minimum of %(minimum)s")
                % {"responses": responses, "minimum": self.min_respondents}
            )
        if not invited or responses < self.min_response_rate * invited:
            rate = 100 * responses / invited if invited else 0
            reasons.append(
                _(
                    "response rate %(rate).1f%% (%(responses)s of %(invited)s invited), below the "
                    "minimum of %(minimum)s%%"
                )
                % {
                    "rate": rate,
                    "responses": responses,
                    "invited": invited,
                    "minimum": _number(100 * self.min_response_rate),
                }
            )
        return "；".join(reasons)

    def label(self, code: str) -> str:
        return _find(self.options, code, "satisfaction.options").title

    def redo_required(self, counts: Mapping[str, int]) -> bool:
        """Whether a unit must redo (补课), given valid responses counted per option.

        Representatives' and sampled responses are pooled; "majority" is strictly more
        than half of the valid responses.
        """
        unknown = set(counts) - {option.code for option in self.options}
        if unknown:
            raise KeyError(sorted(unknown))
        total = sum(counts.values())
        dissatisfied = sum(counts.get(code, 0) for code in self.dissatisfied)
        return dissatisfied * 2 > total


@dataclass(frozen=True)
class CampaignTemplate:
    code: str
    title: str
    source: str
    phases: tuple[PhaseDef, ...]
    thresholds: dict[str, Any]
    variants: tuple[Variant, ...]
    session_kinds: tuple[SessionKind, ...]
    materials: tuple[Material, ...]
    five_ones: tuple[FiveOne, ...]
    leader_visit_kinds: tuple[LeaderVisitKind, ...]
    opinion_channels: tuple[OpinionChannel, ...]
    appraisal_grades: tuple[AppraisalGrade, ...]
    commendation_kinds: tuple[CommendationKind, ...]
    mechanisms: tuple[VocabularyItem, ...]
    unit_categories: tuple[VocabularyItem, ...]
    member_groups: tuple[MemberGroup, ...]
    satisfaction: SatisfactionRule
    batches_hint: tuple[BatchHint, ...] = ()
    # Issue 20 (五.1(4), 五.3(3)): optional parts; an empty vocabulary means the part is
    # absent from the campaign.
    writing_kinds: tuple[VocabularyItem, ...] = ()
    lecture_kinds: tuple[VocabularyItem, ...] = ()
    training_tracks: tuple[VocabularyItem, ...] = ()
    post_grades: tuple[VocabularyItem, ...] = ()
    teacher_roles: tuple[VocabularyItem, ...] = ()
    # {event code: lead days (() = the event's defaults), None = off}; None when the
    # template has no [notifications] table (every event on, with its defaults).
    notifications: dict[str, tuple[int, ...] | None] | None = None
    # The campaign's own words (`[texts]`): the site's tagline, the public introduction,
    # the survey's overall question …; a text the template leaves out is the neutral default.
    texts: dict[str, str] = dataclasses.field(default_factory=dict)
    # The organisation kinds that may be enrolled (`[campaign] enrollable_kinds`); empty:
    # every kind but the committee (the original rule).
    enrollable_kinds: tuple[str, ...] = ()
    # The enabled modules (`[modules] enabled`); None: the template has no [modules]
    # table, so the original set (`registry.default_module_codes()`) is on.
    modules: tuple[str, ...] | None = None

    @property
    def enabled_modules(self) -> tuple[str, ...]:
        if self.modules is None:
            return registry.default_module_codes()
        return self.modules

    def enrolls_kind(self, kind: str) -> bool:
        """Whether an organisation of this kind (orgs.OrgKind) may be enrolled: the kinds the
        template lists, or every kind but the committee when it lists none (a school set up
        as a 党委 is enrolled when the template lists "committee")."""
        if self.enrollable_kinds:
            return kind in self.enrollable_kinds
        return kind != "committee"

    def text(self, name: str) -> str:
        """The campaign's own wording for `name` (a key of `TEXTS`), or "" when the template
        leaves it to the engine's neutral default."""
        if name not in TEXTS:
            raise KeyError(name)
        return self.texts.get(name, "")

    def has_module(self, code: str) -> bool:
        """Whether the module `code` is on in this campaign (issue 16's module contract)."""
        return code in self.enabled_modules

    # The notice's clause each compliance rule enforces (rule code → clause), for rules
    # not tied to one step; a step's own `notice_ref` is cited for its findings.
    notice_refs: Mapping[str, str] = dataclasses.field(default_factory=dict)
    leader_duties: tuple[LeaderDuty, ...] = ()
    situation: SituationRule | None = None
    org_life_meeting: MeetingRule | None = None
    summaries: SummaryRule | None = None
    briefs: BriefRule | None = None

    def guidance_groups(self) -> tuple[MemberGroup, ...]:
        """The 分类指导 groups (三.5): the member groups with a `match`, in file order."""
        return tuple(group for group in self.member_groups if group.match is not None)

    def guidance_group(
        self, *, category: str | None, post: str, leader_cadre: bool, retired: bool
    ) -> MemberGroup | None:
        """The first 分类指导 group whose match fits a member's data, or None."""
        for group in self.guidance_groups():
            if group.match is not None and group.match.matches(
                category=category, post=post, leader_cadre=leader_cadre, retired=retired
            ):
                return group
        return None

    def member_group(self, code: str) -> MemberGroup:
        return _find(self.member_groups, code, "member_groups")

    def redo_steps(self) -> list[str]:
        """The step codes a remedial cycle (补课) reopens by default."""
        codes = self.satisfaction.redo_phases or (self.phases[-1].code,)
        return [step.code for code in codes for step in self.phase(code).steps]

    def phase(self, code: str) -> PhaseDef:
        return _find(self.phases, code, "phases")

    def step(self, code: str) -> StepDef:
        for _phase, step in self.steps():
            if step.code == code:
                return step
        raise KeyError(code)

    def steps(self) -> list[tuple[PhaseDef, StepDef]]:
        return [(phase, step) for phase in self.phases for step in phase.steps]

    def threshold(
        self, name: str, *, category: str | None = None, groups: Iterable[str] = ()
    ) -> Any:
        """The threshold's value for a unit category and the member's groups.

        Variants apply in file order and later matches win; a variant naming both a
        category and a group matches only when both match.
        """
        value = self.thresholds[name]
        group_set = {groups} if isinstance(groups, str) else set(groups)
        for variant in self.variants:
            if name in variant.values and variant.matches(category, group_set):
                value = variant.values[name]
        return value

    def min_concentrated(
        self, *, category: str | None = None, groups: Iterable[str] = ()
    ) -> Duration:
        """The shortest concentrated period for a unit category (and member groups):
        `min_concentrated` ("3 months", "90 days") or the older `min_concentrated_days`,
        whichever the template (or a matching variant, later ones winning) gives."""
        value = self.thresholds.get("min_concentrated", self.thresholds.get(_OLD_MINIMUM))
        group_set = {groups} if isinstance(groups, str) else set(groups)
        for variant in self.variants:
            if variant.matches(category, group_set):
                for name in ("min_concentrated", _OLD_MINIMUM):
                    if name in variant.values:
                        value = variant.values[name]
        duration = Duration.parse(value)
        assert duration is not None, "the template's check refuses an invalid duration"
        return duration

    def phase_duration_bounds(
        self, code: str, *, category: str | None = None, groups: Iterable[str] = ()
    ) -> tuple[float, float]:
        """Shortest and longest length in days (both ends counted) that earn no warning."""
        nominal = self.phase(code).duration_days
        tolerance = self.threshold("phase_duration_tolerance", category=category, groups=groups)
        return nominal * (1 - tolerance), nominal * (1 + tolerance)

    def vocabulary(self, name: str) -> tuple[VocabularyItem, ...]:
        if name not in VOCABULARIES:
            raise KeyError(name)
        items: tuple[VocabularyItem, ...] = getattr(self, name)
        return items

    def label(self, vocabulary_name: str, code: str) -> str:
        return _find(self.vocabulary(vocabulary_name), code, vocabulary_name).title

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot, in the shape of the TOML file."""
        campaign: dict[str, Any] = {"code": self.code, "title": self.title, "source": self.source}
        if self.enrollable_kinds:
            campaign["enrollable_kinds"] = list(self.enrollable_kinds)
        return {
            "campaign": {**campaign, "batches_hint": _plain(self.batches_hint)},
            "phases": _plain(self.phases),
            "thresholds": {
                **self.thresholds,
                "variants": [variant.to_dict() for variant in self.variants],
            },
            **{name: _plain(getattr(self, name)) for name in VOCABULARIES},
            "satisfaction": _plain(self.satisfaction),
            **(
                {}
                if self.notifications is None
                else {
                    "notifications": {
                        code: False if leads is None else (list(leads) or True)
                        for code, leads in self.notifications.items()
                    }
                }
            ),
            **({"texts": dict(self.texts)} if self.texts else {}),
            **({} if self.modules is None else {"modules": {"enabled": list(self.modules)}}),
            "notice_refs": dict(self.notice_refs),
            **{
                name: _plain(getattr(self, name))
                for name in _OPTIONAL_TABLES
                if getattr(self, name) is not None
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str = SNAPSHOT_NAME) -> CampaignTemplate:
        """Rebuild a template from `to_dict()`'s output, checked as a file would be."""
        return _check_and_build(data, name)

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> CampaignTemplate:
        """`from_dict` of a campaign's stored snapshot, parsed once per process (and
        language): every request loads its campaign afresh, and a page asked it two or three
        times (≈ 1.5 ms each). Templates are frozen; a changed snapshot is parsed anew."""
        key = (_digest(data), translation.get_language())
        template = _PARSED.get(key)
        if template is None:
            template = _PARSED[key] = cls.from_dict(data)
            while len(_PARSED) > PARSED_KEPT:
                _PARSED.popitem(last=False)
        else:
            _PARSED.move_to_end(key)
        return template


PARSED_KEPT = 32  # parsed snapshots kept per process (campaigns × languages)
_PARSED: OrderedDict[tuple[str, str | None], CampaignTemplate] = OrderedDict()


def _digest(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_Item = TypeVar("_Item", bound=_Coded)


def _find(items: Iterable[_Item], code: str, where: str) -> _Item:
    for item in items:
        if item.code == code:
            return item
    raise KeyError(f"{where}: {code}")


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and dicts as JSON values; None fields are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --- Problems ----------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateProblem:
    file: str
    key: str  # dotted path with 1-based indices, e.g. phases[2].steps[1].code
    message: str

    def __str__(self) -> str:
        if not self.key:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.key}: {self.message}"


class TemplateError(Exception):
    """A template with problems; `problems` lists every one found."""

    def __init__(self, problems: Iterable[TemplateProblem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


# --- Loading -----------------------------------------------------------------------


def shipped_template_path(code: str) -> Path:
    if not _CODE_RE.fullmatch(code):
        raise ValueError(code)
    path = SHIPPED_TEMPLATES_DIR / f"{code}.toml"
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def shipped_template_codes() -> list[str]:
    return sorted(path.stem for path in SHIPPED_TEMPLATES_DIR.glob("*.toml"))


def load_template(path: str | Path) -> CampaignTemplate:
    filename = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(
            [TemplateProblem(filename, "", _("the file is not valid UTF-8 text"))]
        ) from None
    return parse_template(text, filename)


def parse_template(text: str, filename: str) -> CampaignTemplate:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError([_syntax_problem(error, filename)]) from None
    return _check_and_build(document, filename)


_LOCATION_RE = re.compile(r"^(?P<detail>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _syntax_problem(error: tomllib.TOMLDecodeError, filename: str) -> TemplateProblem:
    found = _LOCATION_RE.match(str(error))
    if found is None:
        message = _("TOML syntax error: %(detail)s") % {"detail": str(error)}
    else:
        message = _("TOML syntax error at line %(line)s, column %(column)s: %(detail)s") % {
            "line": found["line"],
            "column": found["column"],
            "detail": found["detail"],
        }
    return TemplateProblem(filename, "", message)


def _check_and_build(document: Mapping[str, Any], filename: str) -> CampaignTemplate:
    checker = _Checker(filename)
    data = _check_document(checker, document)
    if checker.problems:
        raise TemplateError(_in_document_order(checker.problems, document))
    return _build(data)


def _in_document_order(
    problems: list[TemplateProblem], document: Mapping[str, Any]
) -> list[TemplateProblem]:
    """Problems sorted by where their top-level section is in the file (a stable sort)."""
    position = {name: index for index, name in enumerate(document)}

    def section_position(problem: TemplateProblem) -> int:
        section = re.split(r"[.\[]", problem.key, maxsplit=1)[0]
        return position.get(section, len(position))

    return sorted(problems, key=section_position)


# --- The schema --------------------------------------------------------------------

MATERIAL_KINDS = ("basic", "key", "auxiliary")
# The post kinds a member has (orgs.PostKind), the legal values of a group's match.posts.
POST_KINDS = ("teacher", "manager", "staff", "other")
COMMENDATION_SUBJECTS = ("member", "organization")
REDO_WHEN = ("dissatisfied_majority",)
MAJORITIES = ("more_than_half",)
SURVEY_METHODS = ("representatives", "random_sample")
COMBINE = ("pooled",)

_CODE_RE = re.compile(r"[a-z][a-z0-9_-]*")
_MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class _Key:
    kind: str  # code, text, month, duration, int, number, bool, texts (a list of text)
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    nonempty: bool = False  # for texts


_TEXTS = _Key("texts", required=False, default=())
_ITEM = {"code": _Key("code"), "title": _Key("text")}
_CAMPAIGN = {
    "code": _Key("code"),
    "title": _Key("text"),
    "source": _Key("text"),
    # The organisation kinds that may be enrolled (orgs.OrgKind codes); absent: every
    # kind but the committee.
    "enrollable_kinds": _Key("texts", required=False),
}
_BATCH = {
    "title": _Key("text"),
    "starts": _Key("month"),
    "ends": _Key("month"),
    "scope": _Key("text"),
    "categories": _TEXTS,
}
_PHASE = {
    "code": _Key("code"),
    "title": _Key("text"),
    "order": _Key("int"),
    "duration_days": _Key("int"),
    "notice_ref": _Key("text"),
}
_STEP = {
    "code": _Key("code"),
    "title": _Key("text"),
    "notice_ref": _Key("text"),
    "description": _Key("text"),
    "evidence": _TEXTS,
}
_OLD_MINIMUM = "min_concentrated_days"  # a number of days, before "3 months" could be said
THRESHOLDS = {
    "min_study_hours": _Key("number"),
    # 五: 一般不得少于3个月 — "3 months" (calendar months) or "90 days"; one of the two keys.
    "min_concentrated": _Key("duration", required=False),
    _OLD_MINIMUM: _Key("int", required=False),
    "phase_duration_tolerance": _Key("number"),
    "min_participation_rate": _Key("number", required=False),
    # Days a unit has to answer a liaison officer's suggestion (oversight.suggestions).
    "suggestion_answer_days": _Key("int", required=False),
    # Days a unit has to answer an opinion (appraisal.opinions; 五.2(2) 及时).
    "opinion_answer_days": _Key("int", required=False),
    # 网络党校 (五.1(4)二): the most hours of online study credited towards min_study_hours;
    # absent, online study is tracked but counts for nothing.
    "online_study_max_hours": _Key("number", required=False),
}
_MATCH = {"category": _Key("code", required=False), "group": _Key("code", required=False)}
_SATISFACTION = {
    "dissatisfied": _Key("texts", nonempty=True),
    "redo_when": _Key("text", choices=REDO_WHEN),
    "majority": _Key("text", choices=MAJORITIES),
    "methods": _Key("texts", nonempty=True, choices=SURVEY_METHODS),
    "combine": _Key("text", choices=COMBINE),
    "redo_phases": _Key("texts", required=False),
    "min_response_rate": _Key("number", required=False),
    "min_respondents": _Key("int", required=False),
    "min_group_size": _Key("int", required=False),
}
VOCABULARIES: dict[str, tuple[type[VocabularyItem], dict[str, _Key]]] = {
    "session_kinds": (SessionKind, {"counts_for_step": _Key("code", required=False)}),
    "materials": (Material, {"kind": _Key("text", choices=MATERIAL_KINDS)}),
    "five_ones": (FiveOne, {"needs_partner": _Key("bool", required=False, default=False)}),
    "leader_visit_kinds": (LeaderVisitKind, {"activities": _TEXTS}),
    "opinion_channels": (OpinionChannel, {"public": _Key("bool", required=False, default=False)}),
    "appraisal_grades": (AppraisalGrade, {"order": _Key("int")}),
    "commendation_kinds": (
        CommendationKind,
        {"subject": _Key("text", choices=COMMENDATION_SUBJECTS)},
    ),
    "mechanisms": (VocabularyItem, {}),
    "unit_categories": (VocabularyItem, {}),
    "member_groups": (
        MemberGroup,
        {
            "notice_ref": _Key("text", required=False),
            "requirements": _TEXTS,
            "methods": _TEXTS,
            "focus": _TEXTS,
            "five_ones": _Key("texts", required=False),
            "skip_steps": _TEXTS,
        },
    ),
    "leader_duties": (
        LeaderDuty,
        {
            "kind": _Key("text"),
            "description": _Key("text", required=False),
            "due_phase": _Key("code", required=False),
        },
    ),
    # Issue 20: 学习体会/调研文章, the 讲师团's kinds of lecture, 三培养's tracks, the grades
    # of a 党员先锋岗's assessment, the four roles of teacher members.
    "writing_kinds": (VocabularyItem, {}),
    "lecture_kinds": (VocabularyItem, {}),
    "training_tracks": (VocabularyItem, {}),
    "post_grades": (VocabularyItem, {}),
    "teacher_roles": (VocabularyItem, {}),
}
_MODULES = {"enabled": _Key("texts")}
# The campaign's own words; each is optional (the engine's neutral wording otherwise).
TEXTS = {
    "tagline": _Key("text", required=False),  # under the site's name (the sign-in page)
    "public_intro": _Key("text", required=False),  # the public site's introduction
    "survey_question": _Key("text", required=False),  # the survey's overall question
}
_QUESTION = {**_ITEM, "notice_ref": _Key("text", required=False)}
_NESTED = {"member_groups": ["match", "steps"]}
_GROUP_STEP = {
    **_ITEM,
    "phase": _Key("code"),
    "notice_ref": _Key("text", required=False),
    "description": _Key("text", required=False),
}
_GROUP_MATCH = {
    "categories": _TEXTS,
    "posts": _Key("texts", required=False, default=(), choices=()),
    "leader_cadre": _Key("bool", required=False),
    "retired": _Key("bool", required=False),
}
_SITUATION = {
    "step": _Key("code"),
    "age_bands": _Key("ints", required=False, default=(35, 45, 55)),
    "min_problems": _Key("int", required=False, default=1),
    "notice_ref": _Key("text", required=False),
}
_MEETING = {
    "after_talks": _Key("bool", required=False, default=True),
    "after_self_analysis": _Key("bool", required=False, default=True),
    "notice_ref": _Key("text", required=False),
}
_SUMMARIES = {
    "approval_required": _Key("bool", required=False, default=False),
    "notice_ref": _Key("text", required=False),
}
_BRIEFS = {
    "min_per_phase": _Key("int", required=False),
    "notice_ref": _Key("text", required=False),
}
# Optional top-level tables: a template without one has nothing of that part (or, for
# summaries and briefs, the module's defaults: no approval gate, no minimum).
_OPTIONAL_TABLES = ("situation", "org_life_meeting", "summaries", "briefs")
_TOP_LEVEL = (
    "campaign",
    "modules",
    "texts",
    "phases",
    "thresholds",
    *VOCABULARIES,
    "satisfaction",
    "notifications",
    "notice_refs",
    *_OPTIONAL_TABLES,
)

_INVALID = object()


# --- Checking ----------------------------------------------------------------------


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Checker:
    """Checks raw values against the schema, collecting problems as it goes."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[TemplateProblem] = []

    def report(self, key: str, message: str) -> None:
        self.problems.append(TemplateProblem(self.filename, key, message))

    def section(self, parent: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
        """A required table of `parent`, or None (reported) when missing or not a table."""
        if name not in parent:
            self.report(name, _("missing required key"))
            return None
        value = parent[name]
        if not isinstance(value, dict):
            self.report(name, _("expected a table, got %(type)s") % _type_of(value))
            return None
        return value

    def table(
        self,
        raw: Mapping[str, Any],
        path: str,
        schema: Mapping[str, _Key],
        nested: Iterable[str] = (),
    ) -> dict[str, Any]:
        """The valid keys of `raw`; keys in `nested` are left to the caller."""
        self.unknown_keys(raw, path, [*schema, *nested])
        clean = {}
        for name, key in schema.items():
            if name in raw:
                value = self.value(raw[name], _join(path, name), key)
            elif key.required:
                self.report(_join(path, name), _("missing required key"))
                value = _INVALID
            else:
                value = key.default
            if value is not _INVALID and value is not None:
                clean[name] = value
        return clean

    def table_list(
        self, parent: Mapping[str, Any], name: str, parent_path: str, *, required: bool
    ) -> list[tuple[str, Mapping[str, Any]]]:
        """The tables of an array of tables, each with its path; empty when required is."""
        path = _join(parent_path, name)
        if name not in parent:
            if required:
                self.report(path, _("missing required key"))
            return []
        raw = parent[name]
        if not isinstance(raw, list):
            self.report(path, _("expected a list of tables, got %(type)s") % _type_of(raw))
            return []
        if required and not raw:
            self.report(path, _("must not be empty"))
        entries: list[tuple[str, Mapping[str, Any]]] = []
        for index, item in enumerate(raw, start=1):
            item_path = f"{path}[{index}]"
            if isinstance(item, dict):
                entries.append((item_path, item))
            else:
                self.report(item_path, _("expected a table, got %(type)s") % _type_of(item))
        return entries

    def unknown_keys(self, raw: Mapping[str, Any], path: str, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for name in raw:
            if name not in allowed:
                self.report(_join(path, name), _unknown_key_message(name, allowed))

    def value(self, value: Any, path: str, key: _Key) -> Any:
        if key.kind == "texts":
            return self.texts(value, path, key)
        if key.kind == "ints":
            return self.ints(value, path)
        message = _value_problem(value, key)
        if message is not None:
            self.report(path, message)
            return _INVALID
        return value

    def texts(self, value: Any, path: str, key: _Key) -> Any:
        if not isinstance(value, list | tuple):
            self.report(path, _("expected a list, got %(type)s") % _type_of(value))
            return _INVALID
        if key.nonempty and not value:
            self.report(path, _("must not be empty"))
            return _INVALID
        item_key = _Key("text", choices=key.choices)
        items = [self.value(item, f"{path}[{i}]", item_key) for i, item in enumerate(value, 1)]
        return _INVALID if _INVALID in items else list(items)

    def ints(self, value: Any, path: str) -> Any:
        """A non-empty list of positive integers in ascending order."""
        if not isinstance(value, list | tuple):
            self.report(path, _("expected a list, got %(type)s") % _type_of(value))
            return _INVALID
        if not value:
            self.report(path, _("must not be empty"))
            return _INVALID
        items = [self.value(item, f"{path}[{i}]", _Key("int")) for i, item in enumerate(value, 1)]
        if _INVALID in items:
            return _INVALID
        if list(items) != sorted(set(items)):
            self.report(path, _("must be in ascending order, without repeats"))
            return _INVALID
        return list(items)

    def unique(
        self,
        entries: Iterable[tuple[str, Mapping[str, Any]]],
        name: str,
        describe: Callable[[Any, str], str],
        seen: dict[Any, str] | None = None,
    ) -> None:
        """Report every entry whose `name` repeats an earlier entry's."""
        seen = {} if seen is None else seen
        for path, entry in entries:
            if name not in entry:
                continue
            key = _join(path, name)
            if entry[name] in seen:
                self.report(key, describe(entry[name], seen[entry[name]]))
            else:
                seen[entry[name]] = key

    def known(
        self, value: Any, path: str, known: Iterable[Any], describe: Callable[[Any], str]
    ) -> None:
        if value is not None and value not in set(known):
            self.report(path, describe(value))


def _unknown_key_message(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(name), allowed, n=1)
    if close:
        return _("unknown key; did you mean %(suggestion)s?") % {"suggestion": close[0]}
    return _("unknown key")


def _value_problem(value: Any, key: _Key) -> str | None:
    if key.kind in ("code", "text", "month"):
        return _string_problem(value, key)
    if key.kind == "duration":
        if isinstance(value, str) and Duration.parse(value) is not None:
            return None
        return _('expected a duration such as "3 months" or "90 days", got %(value)s') % {
            "value": value
        }
    if key.kind == "bool":
        if isinstance(value, bool):
            return None
        return _("expected true or false, got %(type)s") % _type_of(value)
    return _number_problem(value, key)


def _string_problem(value: Any, key: _Key) -> str | None:
    if not isinstance(value, str):
        return _("expected a string, got %(type)s") % _type_of(value)
    if not value.strip():
        return _("must not be empty")
    if key.kind == "code" and not _CODE_RE.fullmatch(value):
        return _("a code starts with a lower-case letter and uses only a-z, 0-9, _ and -")
    if key.kind == "month" and not _MONTH_RE.fullmatch(value):
        return _("expected a month as YYYY-MM, got %(value)s") % {"value": value}
    if key.choices and value not in key.choices:
        return _("must be one of: %(choices)s") % {"choices": ", ".join(key.choices)}
    return None


def _number_problem(value: Any, key: _Key) -> str | None:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if key.kind == "int" and not is_int:
        return _("expected an integer, got %(type)s") % _type_of(value)
    if key.kind == "number" and not (is_int or isinstance(value, float)):
        return _("expected a number, got %(type)s") % _type_of(value)
    if not value > 0:
        return _("must be greater than zero")
    return None


def _type_of(value: Any) -> dict[str, str]:
    """The TOML (or JSON) name of the value's type, as the `type` parameter of a message."""
    if isinstance(value, bool):
        name = pgettext("value type", "boolean")
    elif isinstance(value, int):
        name = pgettext("value type", "integer")
    elif isinstance(value, float):
        name = pgettext("value type", "float")
    elif isinstance(value, str):
        name = pgettext("value type", "string")
    elif isinstance(value, list | tuple):
        name = pgettext("value type", "array")
    elif isinstance(value, dict):
        name = pgettext("value type", "table")
    elif value is None:  # only in a snapshot: JSON's null
        name = pgettext("value type", "null")
    elif isinstance(value, datetime.date | datetime.time):
        name = pgettext("value type", "date or time")
    else:
        name = type(value).__name__
    return {"type": name}


def _duplicate_code(code: Any, first: str) -> str:
    return _('duplicate code "%(code)s", first used at %(first)s') % {"code": code, "first": first}


def _duplicate_order(order: Any, first: str) -> str:
    return _("duplicate order %(order)s, first used at %(first)s") % {
        "order": order,
        "first": first,
    }


# --- Checking each part of the document --------------------------------------------


def _check_document(checker: _Checker, document: Mapping[str, Any]) -> dict[str, Any]:
    checker.unknown_keys(document, "", _TOP_LEVEL)
    phases, step_codes = _check_phases(checker, document)
    vocabularies = _check_vocabularies(checker, document, step_codes)
    categories = [item["code"] for item in vocabularies["unit_categories"] if "code" in item]
    groups = [item["code"] for item in vocabularies["member_groups"] if "code" in item]
    return {
        "campaign": _check_campaign(checker, document, categories),
        "phases": phases,
        "thresholds": _check_thresholds(checker, document, categories, groups),
        **vocabularies,
        "satisfaction": _check_satisfaction(checker, document),
        "notifications": _check_notifications(checker, document),
        "modules": _check_modules(checker, document, vocabularies),
        "texts": _check_texts(checker, document),
        "notice_refs": _check_notice_refs(checker, document),
        "situation": _check_situation(checker, document, step_codes),
        "org_life_meeting": _check_optional_table(checker, document, "org_life_meeting", _MEETING),
        "summaries": _check_optional_table(checker, document, "summaries", _SUMMARIES),
        "briefs": _check_optional_table(checker, document, "briefs", _BRIEFS),
    }


def _check_texts(checker: _Checker, document: Mapping[str, Any]) -> dict[str, str]:
    if "texts" not in document:
        return {}
    raw = checker.section(document, "texts")
    return {} if raw is None else checker.table(raw, "texts", TEXTS)


def _check_modules(
    checker: _Checker, document: Mapping[str, Any], vocabularies: Mapping[str, list[Any]]
) -> list[str] | None:
    """The enabled module codes, or None when the template has no [modules] table."""
    if "modules" not in document:
        return None
    raw = checker.section(document, "modules")
    if raw is None:
        return None
    table = checker.table(raw, "modules", _MODULES)
    enabled = table.get("enabled", [])
    known = registry.module_codes()
    seen: dict[str, str] = {}
    for index, code in enumerate(enabled, start=1):
        path = f"modules.enabled[{index}]"
        if code in seen:
            checker.report(path, _duplicate_code(code, seen[code]))
            continue
        seen[code] = path
        if code not in known:
            close = difflib.get_close_matches(code, known, n=1)
            message = _('unknown module "%(code)s"') % {"code": code}
            if close:
                message += _("; did you mean %(suggestion)s?") % {"suggestion": close[0]}
            checker.report(path, message)
            continue
        for section in registry.module(code).needs:
            if not vocabularies.get(section):
                checker.report(
                    path,
                    _('the module "%(code)s" needs at least one [[%(section)s]] entry')
                    % {"code": code, "section": section},
                )
    return list(seen)


def _check_notice_refs(checker: _Checker, document: Mapping[str, Any]) -> dict[str, str]:
    """The optional `[notice_refs]` table: rule code → the notice's clause (a text)."""
    raw = document.get("notice_refs", {})
    if not isinstance(raw, dict):
        checker.report("notice_refs", _("expected a table, got %(type)s") % _type_of(raw))
        return {}
    refs = {}
    for code, clause in raw.items():
        value = checker.value(clause, _join("notice_refs", code), _Key("text"))
        if value is not _INVALID:
            refs[code] = value
    return refs


def _check_campaign(
    checker: _Checker, document: Mapping[str, Any], categories: list[str]
) -> dict[str, Any]:
    raw = checker.section(document, "campaign")
    if raw is None:
        return {}
    campaign = checker.table(raw, "campaign", _CAMPAIGN, nested=["batches_hint"])
    for index, kind in enumerate(campaign.get("enrollable_kinds", ()), start=1):
        checker.known(kind, f"campaign.enrollable_kinds[{index}]", _org_kinds(), _unknown_org_kind)
    batches = []
    for path, batch_raw in checker.table_list(raw, "batches_hint", "campaign", required=False):
        batch = checker.table(batch_raw, path, _BATCH)
        if "starts" in batch and "ends" in batch and batch["ends"] < batch["starts"]:
            checker.report(_join(path, "ends"), _("ends before it starts"))
        for index, code in enumerate(batch.get("categories", ()), start=1):
            checker.known(code, f"{path}.categories[{index}]", categories, _unknown_category)
        batches.append(batch)
    return {**campaign, "batches_hint": batches}


def _check_phases(
    checker: _Checker, document: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], set[str]]:
    phases = []
    step_codes: dict[Any, str] = {}
    for path, raw in checker.table_list(document, "phases", "", required=True):
        phase = checker.table(raw, path, _PHASE, nested=["steps"])
        steps = [
            (step_path, checker.table(step_raw, step_path, _STEP))
            for step_path, step_raw in checker.table_list(raw, "steps", path, required=True)
        ]
        checker.unique(steps, "code", _duplicate_code, seen=step_codes)
        phases.append((path, {**phase, "steps": [step for _path, step in steps]}))
    checker.unique(phases, "code", _duplicate_code)
    checker.unique(phases, "order", _duplicate_order)
    return [phase for _path, phase in phases], set(step_codes)


def _check_vocabularies(
    checker: _Checker, document: Mapping[str, Any], step_codes: set[str]
) -> dict[str, list[dict[str, Any]]]:
    vocabularies: dict[str, list[dict[str, Any]]] = {}
    for name, (_cls, extra) in VOCABULARIES.items():
        entries = checker.table_list(document, name, "", required=False)
        nested = _NESTED.get(name, ())
        items = [
            (path, checker.table(raw, path, {**_ITEM, **extra}, nested=nested))
            for path, raw in entries
        ]
        if name == "leader_duties":
            phase_codes = _phase_codes(document)
            for path, item in items:
                where = _join(path, "due_phase")
                checker.known(item.get("due_phase"), where, phase_codes, _unknown_phase)
        if name == "member_groups":
            five_one_codes = [item.get("code") for item in vocabularies["five_ones"]]
            for (path, item), (_path, raw) in zip(items, entries, strict=True):
                _check_group(checker, path, item, raw, five_one_codes)
                _check_group_steps(checker, path, item, raw, document, step_codes)
        checker.unique(items, "code", _duplicate_code)
        if name == "appraisal_grades":
            checker.unique(items, "order", _duplicate_order)
        if name == "session_kinds":
            for path, item in items:
                step = item.get("counts_for_step")
                checker.known(step, _join(path, "counts_for_step"), step_codes, _unknown_step)
        vocabularies[name] = [item for _path, item in items]
    return vocabularies


def _check_group(
    checker: _Checker,
    path: str,
    item: dict[str, Any],
    raw: Mapping[str, Any],
    five_one_codes: list[Any],  # the five_ones' codes as written (checked apart)
) -> None:
    """A member group's `match` (read into `item`) and its 五个一 codes."""
    for index, code in enumerate(item.get("five_ones") or (), start=1):
        checker.known(code, f"{path}.five_ones[{index}]", five_one_codes, _unknown_five_one)
    if "match" not in raw:
        return
    match_path = _join(path, "match")
    if not isinstance(raw["match"], dict):
        checker.report(match_path, _("expected a table, got %(type)s") % _type_of(raw["match"]))
        return
    match = checker.table(raw["match"], match_path, _GROUP_MATCH)
    for index, code in enumerate(match.get("posts", ()), start=1):
        checker.known(code, f"{match_path}.posts[{index}]", POST_KINDS, _unknown_post)
    item["match"] = match


def _check_group_steps(
    checker: _Checker,
    path: str,
    item: dict[str, Any],
    raw: Mapping[str, Any],
    document: Mapping[str, Any],
    step_codes: set[str],
) -> None:
    """A group's `skip_steps` (the template's step codes) and its own `[[…steps]]`: each
    with a phase of the template and a code used by no step of the template nor twice in
    the group."""
    for index, code in enumerate(item.get("skip_steps", ()), start=1):
        checker.known(code, f"{path}.skip_steps[{index}]", step_codes, _unknown_step)
    entries = checker.table_list(raw, "steps", path, required=False)
    steps = [(where, checker.table(entry, where, _GROUP_STEP)) for where, entry in entries]
    phase_codes = _phase_codes(document)
    for where, step in steps:
        checker.known(step.get("phase"), _join(where, "phase"), phase_codes, _unknown_phase)
        if step.get("code") in step_codes:
            checker.report(_join(where, "code"), _step_code_taken(step["code"]))
    checker.unique(steps, "code", _duplicate_code)
    if steps:
        item["steps"] = [step for _where, step in steps]


def _step_code_taken(code: Any) -> str:
    return _('"%(code)s" is already a step of the template') % {"code": code}


def _check_optional_table(
    checker: _Checker, document: Mapping[str, Any], name: str, schema: Mapping[str, _Key]
) -> dict[str, Any] | None:
    if name not in document:
        return None
    raw = checker.section(document, name)
    if raw is None:
        return None
    return checker.table(raw, name, schema, nested=["entered"] if name == "situation" else ())


def _check_situation(
    checker: _Checker, document: Mapping[str, Any], step_codes: set[str]
) -> dict[str, Any] | None:
    situation = _check_optional_table(checker, document, "situation", _SITUATION)
    if situation is None:
        return None
    checker.known(situation.get("step"), "situation.step", step_codes, _unknown_step)
    entered = [
        (path, checker.table(raw, path, _ITEM))
        for path, raw in checker.table_list(
            document["situation"], "entered", "situation", required=False
        )
    ]
    checker.unique(entered, "code", _duplicate_code)
    return {**situation, "entered": [item for _path, item in entered]}


def _check_thresholds(
    checker: _Checker, document: Mapping[str, Any], categories: list[str], groups: list[str]
) -> dict[str, Any]:
    raw = checker.section(document, "thresholds")
    if raw is None:
        return {}
    thresholds = checker.table(raw, "thresholds", THRESHOLDS, nested=["variants"])
    given = [name for name in ("min_concentrated", _OLD_MINIMUM) if name in raw]
    if not given:
        checker.report("thresholds.min_concentrated", _("missing required key"))
    elif len(given) > 1:
        checker.report(
            f"thresholds.{_OLD_MINIMUM}",
            _("give min_concentrated or min_concentrated_days, not both"),
        )
    variants = [
        _check_variant(checker, path, variant_raw, categories, groups)
        for path, variant_raw in checker.table_list(raw, "variants", "thresholds", required=False)
    ]
    return {**thresholds, "variants": variants}


def _check_variant(
    checker: _Checker,
    path: str,
    raw: Mapping[str, Any],
    categories: list[str],
    groups: list[str],
) -> dict[str, Any]:
    match_path = _join(path, "match")
    match = {}
    if "match" not in raw:
        checker.report(match_path, _("missing required key"))
    elif not isinstance(raw["match"], dict):
        checker.report(match_path, _("expected a table, got %(type)s") % _type_of(raw["match"]))
    else:
        match = checker.table(raw["match"], match_path, _MATCH)
        if not raw["match"]:
            checker.report(match_path, _("a variant must match a category, a group or both"))
        checker.known(
            match.get("category"), _join(match_path, "category"), categories, _unknown_category
        )
        checker.known(match.get("group"), _join(match_path, "group"), groups, _unknown_group)
    return {"match": match, **_check_overrides(checker, path, raw)}


def _check_overrides(checker: _Checker, path: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    overrides = {}
    names = [name for name in raw if name != "match"]
    if not names:
        checker.report(path, _("a variant must override at least one threshold"))
    for name in names:
        if name not in THRESHOLDS:
            message = _("unknown threshold; the thresholds are: %(names)s")
            checker.report(_join(path, name), message % {"names": ", ".join(THRESHOLDS)})
            continue
        value = checker.value(raw[name], _join(path, name), THRESHOLDS[name])
        if value is not _INVALID:
            overrides[name] = value
    return overrides


def _check_satisfaction(checker: _Checker, document: Mapping[str, Any]) -> dict[str, Any]:
    raw = checker.section(document, "satisfaction")
    if raw is None:
        return {}
    rule = checker.table(
        raw, "satisfaction", _SATISFACTION, nested=["options", "questions", "grades"]
    )
    options = [
        (path, checker.table(option_raw, path, _ITEM))
        for path, option_raw in checker.table_list(raw, "options", "satisfaction", required=True)
    ]
    checker.unique(options, "code", _duplicate_code)
    questions = [
        (path, checker.table(item, path, _QUESTION))
        for path, item in checker.table_list(raw, "questions", "satisfaction", required=False)
    ]
    checker.unique(questions, "code", _duplicate_code)
    grades = [
        (path, checker.table(item, path, _ITEM))
        for path, item in checker.table_list(raw, "grades", "satisfaction", required=False)
    ]
    checker.unique(grades, "code", _duplicate_code)
    if questions and not grades:
        checker.report("satisfaction.grades", _("the graded questions need their grades"))
    codes = [option["code"] for _path, option in options if "code" in option]
    for index, code in enumerate(rule.get("dissatisfied", ()), start=1):
        checker.known(code, f"satisfaction.dissatisfied[{index}]", codes, _unknown_option)
    phase_codes = _phase_codes(document)
    for index, code in enumerate(rule.get("redo_phases", ()) or (), start=1):
        checker.known(code, f"satisfaction.redo_phases[{index}]", phase_codes, _unknown_phase)
    if rule.get("min_response_rate", 0) > 1:
        checker.report(
            "satisfaction.min_response_rate", _("a rate is at most 1 (1 is 100 per cent)")
        )
    return {
        "options": [option for _path, option in options],
        "questions": [question for _path, question in questions],
        "grades": [grade for _path, grade in grades],
        **rule,
    }


def _org_kinds() -> list[str]:
    from vanguard.orgs.models import OrgKind  # the organisation kinds (orgs, below campaigns)

    return list(OrgKind.values)


def _unknown_org_kind(code: Any) -> str:
    return _('unknown organisation kind "%(code)s"; the kinds are: %(kinds)s') % {
        "code": code,
        "kinds": ", ".join(_org_kinds()),
    }


def _check_notifications(
    checker: _Checker, document: Mapping[str, Any]
) -> dict[str, tuple[int, ...] | None] | None:
    """[notifications]: `event = [lead days…]`, `true` (its default days) or `false` (off);
    an event the table does not list is off. No table: every event with its defaults."""
    if "notifications" not in document:
        return None
    raw = document["notifications"]
    if not isinstance(raw, dict):
        checker.report("notifications", _("expected a table, got %(type)s") % _type_of(raw))
        return None
    known = [event.code for event in registry.notification_events()]
    events: dict[str, tuple[int, ...] | None] = {}
    for code, value in raw.items():
        path = f"notifications.{code}"
        if code not in known:
            checker.report(path, _('unknown event "%(code)s"') % {"code": code})
        elif isinstance(value, bool):
            events[code] = () if value else None
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        ):
            events[code] = tuple(sorted(set(value), reverse=True))
        else:
            checker.report(
                path, _("expected true, false or a list of days ahead (whole numbers ≥ 0)")
            )
    return events


def _phase_codes(document: Mapping[str, Any]) -> list[Any]:
    phases = document.get("phases")
    if not isinstance(phases, list):
        return []
    return [p.get("code") for p in phases if isinstance(p, Mapping)]


def _unknown_step(code: Any) -> str:
    return _('unknown step "%(code)s"') % {"code": code}


def _unknown_category(code: Any) -> str:
    return _('unknown unit category "%(code)s"') % {"code": code}


def _unknown_group(code: Any) -> str:
    return _('unknown member group "%(code)s"') % {"code": code}


def _unknown_five_one(code: Any) -> str:
    return _('unknown five-ones item "%(code)s"') % {"code": code}


def _unknown_post(code: Any) -> str:
    return _('unknown post kind "%(code)s"; the post kinds are: %(kinds)s') % {
        "code": code,
        "kinds": ", ".join(POST_KINDS),
    }


def _unknown_phase(code: Any) -> str:
    return _('unknown phase "%(code)s"') % {"code": code}


def _unknown_option(code: Any) -> str:
    return _('unknown satisfaction option "%(code)s"') % {"code": code}


# --- Building the template from checked data ---------------------------------------


def _tuples(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in values.items()}


def _build(data: Mapping[str, Any]) -> CampaignTemplate:
    campaign = data["campaign"]
    thresholds = {k: v for k, v in data["thresholds"].items() if k != "variants"}
    vocabularies: dict[str, tuple[Any, ...]] = {
        name: tuple(cls(**_tuples(item)) for item in data[name])
        for name, (cls, _extra) in VOCABULARIES.items()
    }
    vocabularies["member_groups"] = tuple(
        dataclasses.replace(
            group,
            match=GroupMatch(**_tuples(group.match))
            if isinstance(group.match, Mapping)
            else group.match,
            steps=tuple(
                step if isinstance(step, GroupStep) else GroupStep(**step) for step in group.steps
            ),
        )
        for group in vocabularies["member_groups"]
    )
    vocabularies["appraisal_grades"] = tuple(
        sorted(vocabularies["appraisal_grades"], key=lambda grade: grade.order)
    )
    return CampaignTemplate(
        code=campaign["code"],
        title=campaign["title"],
        source=campaign["source"],
        phases=tuple(sorted(map(_build_phase, data["phases"]), key=lambda p: p.order)),
        thresholds=thresholds,
        variants=tuple(map(_build_variant, data["thresholds"]["variants"])),
        satisfaction=_build_satisfaction(data["satisfaction"]),
        batches_hint=tuple(BatchHint(**_tuples(b)) for b in campaign["batches_hint"]),
        notifications=data.get("notifications"),
        modules=None if data["modules"] is None else tuple(data["modules"]),
        texts=dict(data["texts"]),
        enrollable_kinds=tuple(campaign.get("enrollable_kinds", ())),
        notice_refs=dict(data.get("notice_refs", {})),
        situation=_build_situation(data.get("situation")),
        org_life_meeting=(
            MeetingRule(**data["org_life_meeting"]) if data.get("org_life_meeting") else None
        ),
        summaries=SummaryRule(**data["summaries"]) if data.get("summaries") is not None else None,
        briefs=BriefRule(**data["briefs"]) if data.get("briefs") is not None else None,
        **vocabularies,
    )


def _build_situation(rule: Mapping[str, Any] | None) -> SituationRule | None:
    if rule is None:
        return None
    entered = tuple(VocabularyItem(**item) for item in rule.get("entered", ()))
    return SituationRule(**{**_tuples(rule), "entered": entered})


def _build_phase(phase: Mapping[str, Any]) -> PhaseDef:
    steps = tuple(StepDef(**_tuples(step)) for step in phase["steps"])
    return PhaseDef(**{**phase, "steps": steps})


def _build_variant(variant: Mapping[str, Any]) -> Variant:
    values = {k: v for k, v in variant.items() if k != "match"}
    match = variant["match"]
    return Variant(category=match.get("category"), group=match.get("group"), values=values)


def _build_satisfaction(rule: Mapping[str, Any]) -> SatisfactionRule:
    options = tuple(VocabularyItem(**option) for option in rule["options"])
    questions = tuple(SurveyQuestion(**question) for question in rule.get("questions", ()))
    grades = tuple(VocabularyItem(**grade) for grade in rule.get("grades", ()))
    return SatisfactionRule(
        **{**_tuples(rule), "options": options, "questions": questions, "grades": grades}
    )


__all__ = [
    "COMMENDATION_SUBJECTS",
    "MATERIAL_KINDS",
    "POST_KINDS",
    "SHIPPED_TEMPLATES_DIR",
    "TEXTS",
    "THRESHOLDS",
    "VOCABULARIES",
    "AppraisalGrade",
    "BatchHint",
    "CampaignTemplate",
    "CommendationKind",
    "Duration",
    "FiveOne",
    "GroupMatch",
    "LeaderDuty",
    "LeaderVisitKind",
    "Material",
    "MeetingRule",
    "MemberGroup",
    "OpinionChannel",
    "PhaseDef",
    "SatisfactionRule",
    "SessionKind",
    "SituationRule",
    "StepDef",
    "SurveyQuestion",
    "TemplateError",
    "TemplateProblem",
    "Variant",
    "VocabularyItem",
    "load_template",
    "parse_template",
    "shipped_template_codes",
    "shipped_template_path",
]
