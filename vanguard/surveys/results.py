"""A survey's results: response rate, satisfaction overall, by method and by group, and the
verdict of the template's rule (`SatisfactionRule.redo_required`).

Other modules read survey results through `latest_result(enrollment)` and
`latest_results(enrollments)` (a constant number of queries), e.g. for the campaign's
effect figures (R30). Groups (and whole surveys) with fewer responses than the template's
`min_group_size` (k-anonymity, default 5) are not shown: with so few, a result would tell
how someone answered. A survey below the template's minimum response rate or respondents
is 无效 (`judge`): neither passed nor failed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.campaigns.template import DEFAULT_MIN_GROUP_SIZE
from vanguard.surveys.models import Invitation, Method, Outcome, Response, Survey, SurveyStatus
from vanguard.surveys.questions import Choice, Questionnaire

MIN_GROUP_SHOWN = DEFAULT_MIN_GROUP_SIZE  # when no template is at hand


def judge(rule, counts: Mapping[str, int], invited: int) -> str:
    """The outcome of a closed survey: no responses, 无效 (below the template's minimum
    response rate or respondents: neither 通过 nor 补课), the majority dissatisfied, or
    passed."""
    responses = sum(counts.values())
    if not responses:
        return Outcome.NO_RESPONSES
    if rule.invalid_reason(responses, invited):
        return Outcome.INVALID
    if rule.redo_required(counts):
        return Outcome.FAILED
    return Outcome.PASSED


def combine(rule, by_method: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """Representatives' and sampled counts combined by the template's `combine` rule."""
    if rule.combine != "pooled":  # the only rule the template format allows today
        raise ValueError(f"unknown combine rule {rule.combine!r}")
    pooled: dict[str, int] = defaultdict(int)
    for counts in by_method.values():
        for code, count in counts.items():
            pooled[code] += count
    return dict(pooled)


@dataclass(frozen=True)
class Breakdown:
    """Counts per overall rating for one method or group."""

    label: str
    counts: dict[str, int]
    dissatisfied_codes: tuple[str, ...]
    method: str = ""
    invited: int | None = None
    min_shown: int = MIN_GROUP_SHOWN  # the template's k-anonymity threshold

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def shown(self) -> bool:
        return self.total >= self.min_shown

    @property
    def dissatisfied(self) -> int:
        return sum(self.counts.get(code, 0) for code in self.dissatisfied_codes)

    @property
    def satisfied_share(self) -> float | None:
        """满意率: the share of responses not dissatisfied, in per cent."""
        return None if not self.total else 100 * (self.total - self.dissatisfied) / self.total

    @property
    def dissatisfied_share(self) -> float | None:
        return None if not self.total else 100 * self.dissatisfied / self.total

    def share(self, code: str) -> float:
        return 0.0 if not self.total else 100 * self.counts.get(code, 0) / self.total

    def rows(self, options: Iterable[Choice]) -> list[tuple[Choice, int, float]]:
        return [
            (option, self.counts.get(option.code, 0), self.share(option.code)) for option in options
        ]

    @property
    def response_rate(self) -> float | None:
        return None if not self.invited else 100 * self.total / self.invited


@dataclass(frozen=True)
class Result:
    """What a survey found. `combined` is the template's combination of both methods;
    `redo_required` is the template's rule applied to it."""

    survey_id: int
    enrollment_id: int
    unit: str  # the unit's name
    number: int
    status: str
    outcome: str
    opens_on: date
    closes_on: date
    closed_on: date | None
    published_on: date | None
    options: tuple[Choice, ...]
    combined: Breakdown
    by_method: list[Breakdown]
    by_group: list[Breakdown]
    redo_required: bool
    invited: int
    issued: int = 0
    methods_used: tuple[str, ...] = field(default=())
    invalid_reason: str = ""  # why the survey is 无效 (below the template's minimums)
    min_shown: int = MIN_GROUP_SHOWN

    @property
    def responses(self) -> int:
        return self.combined.total

    @property
    def shown(self) -> bool:
        """Whether any figure of the survey may be shown (k-anonymity over the whole)."""
        return self.combined.shown

    @property
    def invalid(self) -> bool:
        return self.outcome == Outcome.INVALID

    @property
    def response_rate(self) -> float | None:
        return None if not self.invited else 100 * self.responses / self.invited

    @property
    def passed(self) -> bool:
        return self.outcome == Outcome.PASSED

    @property
    def failed(self) -> bool:
        return self.outcome == Outcome.FAILED

    @property
    def is_closed(self) -> bool:
        return self.status == SurveyStatus.CLOSED

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label) if self.outcome else ""


# -- loading ---------------------------------------------------------------------------


def _response_counts(survey_ids: list[int]) -> dict[int, dict[tuple[str, str], dict[str, int]]]:
    """Per survey, (method, group) → counts per overall rating: one query."""
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    rows = (
        Response.objects.filter(survey_id__in=survey_ids)
        .order_by()
        .values_list("survey_id", "method", "group", "overall")
        .annotate(n=Count("pk"))
    )
    for survey_id, method, group, overall, n in rows:
        counts[survey_id][(method, group)][overall] = n
    return counts


def _invitation_counts(survey_ids: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """Per survey, method → (invited, codes issued): one query."""
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    rows = (
        Invitation.objects.filter(survey_id__in=survey_ids)
        .order_by()
        .values_list("survey_id", "method")
        .annotate(n=Count("pk"), issued=Count("issued_on"))
    )
    for survey_id, method, n, issued in rows:
        counts[survey_id][method] = (n, issued)
    return counts


def _build(survey: Survey, rules, responses, invitations) -> Result:
    rule = rules.satisfaction
    options = Questionnaire.from_dict(survey.questionnaire).options
    dissatisfied = tuple(rule.dissatisfied)
    k = rule.min_group_size
    methods = [m for m in rule.methods if m in Method.values]
    by_method_counts: dict[str, dict[str, int]] = {m: defaultdict(int) for m in methods}
    groups = []
    for (method, group), counts in sorted(responses.items()):
        for code, n in counts.items():
            by_method_counts.setdefault(method, defaultdict(int))[code] += n
        groups.append(Breakdown(group, dict(counts), dissatisfied, method=method, min_shown=k))
    by_method = [
        Breakdown(
            Method(method).label,
            dict(by_method_counts[method]),
            dissatisfied,
            method=method,
            invited=invitations.get(method, (0, 0))[0],
            min_shown=k,
        )
        for method in by_method_counts
    ]
    combined_counts = combine(rule, by_method_counts)
    invited = sum(n for n, _issued in invitations.values())
    return Result(
        survey_id=survey.pk,
        enrollment_id=survey.enrollment_id,
        unit=survey.enrollment.organization.name,
        number=survey.number,
        status=survey.status,
        outcome=survey.outcome,
        opens_on=survey.opens_on,
        closes_on=survey.closes_on,
        closed_on=survey.closed_on,
        published_on=survey.published_on,
        options=options,
        combined=Breakdown("", combined_counts, dissatisfied, invited=invited, min_shown=k),
        by_method=by_method,
        by_group=groups,
        redo_required=rule.redo_required(combined_counts),
        invited=invited,
        issued=sum(issued for _n, issued in invitations.values()),
        methods_used=tuple(methods),
        invalid_reason=(
            rule.invalid_reason(sum(combined_counts.values()), invited)
            if survey.outcome == Outcome.INVALID
            else ""
        ),
        min_shown=k,
    )


def compute(survey: Survey) -> Result:
    """The result of one survey, open or closed (two queries, with the survey's unit and
    campaign loaded)."""
    rules = survey.enrollment.campaign.rules
    return _build(
        survey,
        rules,
        _response_counts([survey.pk]).get(survey.pk, {}),
        _invitation_counts([survey.pk]).get(survey.pk, {}),
    )


def option_counts(survey: Survey) -> dict[str, int]:
    """Valid responses per overall rating, combined by the template's rule (one query)."""
    by_method: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (method, _group), counts in _response_counts([survey.pk]).get(survey.pk, {}).items():
        for code, n in counts.items():
            by_method[method][code] += n
    return combine(survey.enrollment.campaign.rules.satisfaction, by_method)


def latest_results(enrollments: Iterable, *, published_only: bool = False) -> dict[int, Result]:
    """The result of each enrolment's latest closed survey, by enrolment id, in three
    queries whatever the number of enrolments (four when the enrolments passed in do not
    hold their campaign). Enrolments with no closed survey (or, with
    `published_only`, no published one) are absent."""
    enrollments = list(enrollments)
    latest = latest_closed_surveys(enrollments, published_only=published_only)
    results = results_of(list(latest.values()), enrollments)
    return {enrollment_id: results[survey.pk] for enrollment_id, survey in latest.items()}


def latest_closed_surveys(
    enrollments: Iterable, *, published_only: bool = False
) -> dict[int, Survey]:
    """Each enrolment's latest closed (with `published_only`: published) survey, with its
    unit: one query."""
    ids = [getattr(e, "pk", e) for e in enrollments]
    if not ids:
        return {}
    surveys = Survey.objects.filter(enrollment_id__in=ids, status=SurveyStatus.CLOSED)
    if published_only:
        surveys = surveys.filter(published_on__isnull=False)
    latest: dict[int, Survey] = {}
    for survey in surveys.select_related("enrollment__organization").order_by("-number"):
        latest.setdefault(survey.enrollment_id, survey)
    return latest


def results_of(surveys: list[Survey], enrollments: Iterable = ()) -> dict[int, Result]:
    """The results of `surveys` (loaded with their unit), by survey id: two queries, and
    one for their campaigns unless `enrollments` hold them."""
    if not surveys:
        return {}
    survey_ids = [survey.pk for survey in surveys]
    responses = _response_counts(survey_ids)
    invitations = _invitation_counts(survey_ids)
    # Each campaign (its template: a large JSON) is loaded and parsed once, not per survey.
    campaigns = {  # those the enrolments passed in hold already, then the others at once
        e.campaign_id: e._state.fields_cache["campaign"]
        for e in enrollments
        if isinstance(e, Enrollment) and "campaign" in e._state.fields_cache
    }
    missing = {s.enrollment.campaign_id for s in surveys} - campaigns.keys()
    if missing:
        campaigns.update(Campaign.objects.in_bulk(missing))
    found = {}
    for survey in surveys:
        campaign = campaigns[survey.enrollment.campaign_id]
        survey.enrollment.campaign = campaign
        rules = campaign.rules  # parsed once per campaign (a cached property)
        found[survey.pk] = _build(
            survey, rules, responses.get(survey.pk, {}), invitations.get(survey.pk, {})
        )
    return found


def latest_result(enrollment, *, published_only: bool = False) -> Result | None:
    """The result of the enrolment's latest closed survey, or None (no survey yet)."""
    return latest_results([enrollment], published_only=published_only).get(
        getattr(enrollment, "pk", enrollment)
    )


# -- the graded questions and comments -------------------------------------------------


@dataclass(frozen=True)
class QuestionTally:
    title: str
    rows: list[tuple[Choice, int, float]]  # grade, count, per cent of those who answered
    answered: int


def question_tallies(survey: Survey) -> tuple[list[QuestionTally], list[str]]:
    """Each graded question's answers counted, and the non-empty comments in random order
    (one query); nothing when the survey has fewer responses than the template's
    k-anonymity threshold."""
    questionnaire = Questionnaire.from_dict(survey.questionnaire)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    comments = []
    k = survey.enrollment.campaign.rules.satisfaction.min_group_size
    rows = list(survey.responses.order_by("id").values_list("answers", "comment"))
    if len(rows) < k:
        return [], []
    for answers, comment in rows:
        for code, grade in (answers or {}).items():
            counts[code][grade] += 1
        if comment.strip():
            comments.append(comment)
    tallies = []
    for question in questionnaire.questions:
        answered = sum(counts[question.code].values())
        rows = [
            (
                grade,
                n := counts[question.code].get(grade.code, 0),
                100 * n / answered if answered else 0.0,
            )
            for grade in questionnaire.grades
        ]
        tallies.append(QuestionTally(question.title, rows, answered))
    return tallies, comments
