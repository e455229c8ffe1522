"""Demo data of this module, loaded by `manage.py load_demo` after the campaign exists.

Every unit with a phase plan was surveyed near the end of its rectification phase, through
the same services the office uses (lists, announced seed, draw, codes, closing), except
that the public's answers are written in bulk. 市教育装备中心 failed its survey and is in
补课, with a second survey being prepared; 市实验中学 is still preparing its survey;
市教育投资公司 and 市特殊教育学校 (no plan) have none. Deterministic: the same `rng` gives
the same lists, draws and answers (codes are random, but nobody sees them in the demo).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.demo import GIVEN, SURNAMES
from vanguard.campaigns.models import Enrollment
from vanguard.orgs.models import OrgCategory
from vanguard.surveys import services
from vanguard.surveys.models import Channel, Method, Survey
from vanguard.surveys.sampling import FrameRow

STREETS = ("新城街道", "东港街道", "临城街道", "千岛街道", "盐仓街道", "白泉镇")
ESTATES = ("幸福小区", "海韵花园", "金岛苑", "东海新村", "桃湾小区", "港湾家园", "翁山公寓")
SCHOOL_GROUPS = {"学生家长": 50, "教师": 25, "社区居民": 20, "行风监督员": 5}
OFFICE_GROUPS = {"服务对象": 50, "社区居民": 35, "行风监督员": 15}
REPRESENTATIVE = "群众代表"
FAILING_UNIT = "ZBZX"  # 市教育装备中心: the majority dissatisfied, now in 补课
TELLERS = ("王监票", "李监票", "张监票")
PREPARING_UNIT = "S03"  # 市实验中学: its survey is still being prepared
UNPUBLISHED_UNIT = "S08"  # 市教育学院: closed, results not yet published
WITNESS_ROLES = ("行风监督员", "家长代表", "社区代表", "纪检监察室干部")
COMMENTS = (
    "整改措施公布得很及时，希望继续坚持。",
    "办事效率比以前高了，窗口服务态度明显好转。",
    "希望学校多组织家长开放日，多听听家长的意见。",
    "党员老师带头辅导后进学生，孩子进步很大，感谢！",
    "收费问题群众反映过多次，整改还不够彻底。",
    "希望把整改情况在网上持续公开，接受监督。",
    "部分工作人员接电话时态度生硬，希望改进。",
    "建议减少形式主义的会议和材料，多办实事。",
    "社区奉献日活动很好，老人们都很欢迎。",
    "对反映的问题答复不够具体，希望有明确时限。",
)


def load_demo(campaign, rng: random.Random) -> None:
    enrollments = (
        Enrollment.objects.filter(campaign=campaign)
        .select_related("organization", "batch", "campaign")
        .prefetch_related("phases")
        .order_by("batch__number", "organization__path")
    )
    for enrollment in enrollments:
        windows = {w.phase_code: w for w in enrollment.phases.all()}
        last = windows.get(campaign.rules.phases[-1].code)
        if last is None:
            continue  # not planned: no survey yet (the dashboard shows it)
        _survey_unit(rng, enrollment, last.ends_on)


def _survey_unit(rng: random.Random, enrollment: Enrollment, phase_end: date) -> None:
    code = enrollment.organization.code
    opens_on = phase_end - timedelta(days=14)
    closes_on = phase_end - timedelta(days=3)
    survey = services.create_survey(enrollment, opens_on=opens_on, closes_on=closes_on, acting=None)
    prepared = opens_on - timedelta(days=7)
    _import_lists(rng, survey, enrollment, prepared)
    if code == PREPARING_UNIT:
        return
    _draw(rng, survey, prepared)
    issued = services.issue_codes(survey, channel=Channel.SLIP, today=prepared, acting=None)
    slips = services.appoint_tellers(survey, TELLERS, acting=None)
    services.open_survey(survey, acting=None)
    dissatisfied = 0.58 if code == FAILING_UNIT else rng.uniform(0.03, 0.15)
    _answer(rng, survey, issued, dissatisfied=dissatisfied, on=opens_on)
    teller_codes = [slip.code for slip in slips[:2]]
    services.close_survey(survey, teller_codes, today=closes_on + timedelta(days=1), acting=None)
    if code != UNPUBLISHED_UNIT:
        services.publish_results(survey, today=closes_on + timedelta(days=4), acting=None)
    if code == FAILING_UNIT:
        _remedial(rng, enrollment, closes_on + timedelta(days=1))


def _remedial(rng: random.Random, enrollment: Enrollment, opened_on: date) -> None:
    """The office dates the 补课 and prepares the second survey: lists and announced seed."""
    cycle = enrollment.remedial_cycles.get(closed_on__isnull=True)
    campaign_services.schedule_remedial(
        cycle,
        starts_on=opened_on + timedelta(days=5),
        ends_on=opened_on + timedelta(days=50),
        acting=None,
    )
    opens_on = cycle.ends_on + timedelta(days=2)
    survey = services.create_survey(
        enrollment, opens_on=opens_on, closes_on=opens_on + timedelta(days=10), acting=None
    )
    prepared = cycle.ends_on - timedelta(days=3)
    _import_lists(rng, survey, enrollment, prepared)
    _announce(rng, survey, prepared)


def _groups(enrollment: Enrollment) -> dict[str, int]:
    school = enrollment.organization.category == OrgCategory.SCHOOL
    return SCHOOL_GROUPS if school else OFFICE_GROUPS


def _import_lists(rng: random.Random, survey: Survey, enrollment: Enrollment, today: date) -> None:
    groups = _groups(enrollment)
    people = []
    for number in range(2, 2 + rng.randint(160, 280)):
        group = rng.choices(list(groups), weights=list(groups.values()))[0]
        people.append(_person(rng, number, group))
    services.store_frame(
        survey, Method.RANDOM_SAMPLE, people, filename="抽样名单.xlsx", today=today, acting=None
    )
    representatives = [
        _person(rng, number, REPRESENTATIVE) for number in range(2, 2 + rng.randint(8, 12))
    ]
    services.store_frame(
        survey,
        Method.REPRESENTATIVES,
        representatives,
        filename="群众代表名单.xlsx",
        today=today,
        acting=None,
    )


def _person(rng: random.Random, number: int, group: str) -> FrameRow:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if rng.random() < 0.8:
        phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"
        return FrameRow(number, name, group, phone, "")
    address = (
        f"{rng.choice(STREETS)}{rng.choice(ESTATES)}{rng.randint(1, 30)}幢"
        f"{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    )
    return FrameRow(number, name, group, "", address)


def _announce(rng: random.Random, survey: Survey, today: date):
    frame = survey.frames.get(method=Method.RANDOM_SAMPLE)
    witnesses = [
        f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}（{role}）"
        for role in rng.sample(WITNESS_ROLES, 3)
    ]
    seed = "-".join(str(rng.randint(1, 6)) for _ in range(10))
    announcement = services.Announcement(
        seed=seed,
        seed_source="在测评现场当众连掷骰子十次",
        witnesses=witnesses,
        size=min(frame.row_count, rng.choice((30, 36, 40))),
        strata={group: str(share) for group, share in _groups(survey.enrollment).items()},
    )
    return services.announce_draw(frame, announcement, today=today, acting=None)


def _draw(rng: random.Random, survey: Survey, today: date) -> None:
    draw = _announce(rng, survey, today)
    services.make_draw(draw, today=today, acting=None)


def _answer(rng: random.Random, survey: Survey, issued, *, dissatisfied: float, on) -> None:
    """About four in five of the invited answer, each with their code, as the public page
    does (the answers are sealed for the tellers)."""
    questionnaire = survey.questionnaire
    unhappy_code = survey.enrollment.campaign.rules.satisfaction.dissatisfied[0]
    others = [o["code"] for o in questionnaire["options"] if o["code"] != unhappy_code]
    grades = [grade["code"] for grade in questionnaire["grades"]]
    answering = [(inv, code) for inv, code in issued if rng.random() < 0.8]
    unhappy = round(len(answering) * dissatisfied)
    if dissatisfied > 0.5:
        unhappy = max(unhappy, len(answering) // 2 + 1)  # a majority, strictly
    weights = [2**-index for index in range(len(others))]  # more 满意 than 基本满意
    ratings = [unhappy_code] * unhappy + [
        rng.choices(others, weights=weights)[0] for _ in range(len(answering) - unhappy)
    ]
    rng.shuffle(ratings)
    for (_invitation, code), overall in zip(answering, ratings, strict=True):
        bad = overall == unhappy_code
        graded = {
            q["code"]: rng.choice(grades[2:4] if bad else grades[:3])
            for q in questionnaire["questions"]
            if rng.random() < 0.9
        }
        comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
        answers = services.Answers(overall=overall, graded=graded, comment=comment)
        services.submit_response(code, answers, today=on)
