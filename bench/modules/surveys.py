"""Surveys' part of the benchmark: the public's response submission, and the seeded draw of
a 1,000-person sample from a list of 100,000.

A submission spends a one-time code, and the code is in the page's address
(/public/surveys/r/<code>/, what the QR code on a slip opens). So at fixture time an open
survey of the measured unit gets `CODES` fresh codes from the app's own service
(`issue_codes`), and the page carries one body per code with that code's address beside it
(`paths`, in the same order as `bodies`; `path` is the last's). The runner must post body i
to paths[i] and must not send a code twice: the in-process request spends the last, and the
warm-up's codes must not be the measured run's. An open survey left by an earlier run is
retired (its teller codes are not kept), and a new one is made each run.

The draw is timed by `make_draw` on an announced draw from a list of 100,000 (stored once,
in a survey being prepared of another unit); each timed run rolls back.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bench.bulk import timed
from bench.fixture import page
from vanguard.campaigns.models import EnrollmentStatus
from vanguard.surveys import services
from vanguard.surveys.models import (
    Channel,
    Draw,
    Method,
    Outcome,
    SealedResponse,
    Survey,
    SurveyStatus,
)
from vanguard.surveys.questions import Questionnaire
from vanguard.surveys.sampling import FrameRow

CODES = 20_000  # ≥ 200/s for a warm-up and a measured run, with room to spare
LASTS = timedelta(days=60)
DRAW_FRAME = 100_000
DRAW_SIZE = 1_000
BENCH_FILE = "基准测试抽样名单.xlsx"
DRAW_FILE = "基准测试抽样名单-10万人.xlsx"
GROUPS = ("学生家长", "教师", "社区居民", "行风监督员")
STRATA = {"学生家长": "50", "教师": "25", "社区居民": "20", "行风监督员": "5"}
WITNESSES = ["王建国（行风监督员）", "李秀英（家长代表）", "陈志强（社区代表）"]


def _people(count: int) -> list[FrameRow]:
    return [
        FrameRow(number, f"测评对象{number}", GROUPS[number % len(GROUPS)], f"139{number:08d}")
        for number in range(2, 2 + count)
    ]


def _announce(frame, size: int, strata: dict[str, str], today):
    announcement = services.Announcement(
        seed="3-5-1-6-2-4-4-1-6-2",
        seed_source="基准测试：当众连掷骰子十次",
        witnesses=WITNESSES,
        size=size,
        strata=strata,
    )
    return services.announce_draw(frame, announcement, today=today, acting=None)


# -- the response submission ---------------------------------------------------------------


def _bench_survey(enrollment) -> tuple[Survey, list[str]]:
    """A new open survey of the unit with `CODES` invitations and their fresh codes. An open
    survey left by an earlier run is retired first: its teller codes were not kept and
    nothing says which of its codes are unused, so it can be neither closed nor reused
    (benchmark data only: it is marked closed without a result and its pool dropped)."""
    today = timezone.localdate()
    survey = enrollment.surveys.exclude(status=SurveyStatus.CLOSED).first()
    if survey is not None and survey.status == SurveyStatus.OPEN:
        SealedResponse.objects.filter(survey=survey).delete()
        Survey.objects.filter(pk=survey.pk).update(
            status=SurveyStatus.CLOSED, outcome=Outcome.NO_RESPONSES, closed_on=today
        )
    elif survey is not None:
        raise ValidationError("the unit has a survey in preparation")
    closes_on = today + LASTS
    survey = services.create_survey(enrollment, opens_on=today, closes_on=closes_on, acting=None)
    frame = services.store_frame(
        survey,
        Method.RANDOM_SAMPLE,
        _people(CODES + CODES // 10),
        filename=BENCH_FILE,
        today=today,
        acting=None,
    )
    services.make_draw(_announce(frame, CODES, {}, today), today=today, acting=None)
    issued = services.issue_codes(survey, channel=Channel.SLIP, today=today, acting=None)
    services.appoint_tellers(survey, ["基准监票人甲", "基准监票人乙", "基准监票人丙"], acting=None)
    services.open_survey(survey, acting=None)
    return survey, [code for _invitation, code in issued]


def _answers(questionnaire: Questionnaire, index: int) -> str:
    """A valid urlencoded answer: mostly satisfied, every graded question answered."""
    options = [option.code for option in questionnaire.options]
    grades = [grade.code for grade in questionnaire.grades]
    fields = {"overall": options[0] if index % 10 else options[1]}
    for question in questionnaire.questions:
        fields[f"q_{question.code}"] = grades[index % 2]
    fields["comment"] = "整改措施公布及时，希望继续坚持。" if index % 5 == 0 else ""
    return urlencode(fields)


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    if enrollment.status == EnrollmentStatus.CLOSED:
        return [{"name": "survey response submission", "missing": "the unit's campaign is closed"}]
    try:
        survey, codes = _bench_survey(enrollment)
    except ValidationError as error:
        return [{"name": "survey response submission", "missing": "; ".join(error.messages)}]
    questionnaire = Questionnaire.from_dict(survey.questionnaire)
    paths = [reverse("surveys:public-respond", args=[services.format_code(code)]) for code in codes]
    bodies = [_answers(questionnaire, index) for index in range(len(codes))]
    found = page(
        "survey response submission",
        "surveys:public-respond",
        [services.format_code(codes[-1])],  # the in-process request sends the last body
        method="POST",
        bodies=bodies,
    )
    found["paths"] = paths  # body i goes to paths[i]
    return [found]


# -- the draw --------------------------------------------------------------------------------


def _draw_of_100000(fixture) -> int | None:
    """An announced, not yet made, draw of 1,000 from a list of 100,000 (made once; the timed
    runs roll back). It sits in a survey being prepared of a unit other than the measured
    one."""
    existing = (
        Draw.objects.filter(
            frame__filename=DRAW_FILE,
            frame__row_count=DRAW_FRAME,
            drawn_on__isnull=True,
            frame__survey__status=SurveyStatus.DRAFT,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if existing:
        return existing
    from vanguard.campaigns.models import Enrollment

    today = timezone.localdate()
    enrollment = (
        Enrollment.objects.filter(campaign_id=fixture["campaign"])
        .exclude(pk=fixture["enrollment"])
        .exclude(status=EnrollmentStatus.CLOSED)
        .exclude(surveys__status__in=[SurveyStatus.DRAFT, SurveyStatus.OPEN])
        .order_by("pk")
        .first()
    )
    if enrollment is None:
        return None
    closes_on = today + timedelta(days=30)
    survey = services.create_survey(enrollment, opens_on=today, closes_on=closes_on, acting=None)
    frame = services.store_frame(
        survey,
        Method.RANDOM_SAMPLE,
        _people(DRAW_FRAME),
        filename=DRAW_FILE,
        today=today,
        acting=None,
    )
    return _announce(frame, DRAW_SIZE, STRATA, today).pk


def measure(fixture: dict) -> dict[str, float | str]:
    name = "draw a 1,000-person sample from 100,000"
    pk = _draw_of_100000(fixture)
    if pk is None:
        return {name: "no unit free for a survey"}

    def draw():
        services.make_draw(Draw.objects.select_related("frame__survey").get(pk=pk), acting=None)

    return {name: timed(draw)}
