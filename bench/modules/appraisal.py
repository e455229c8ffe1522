"""分析评议 in the benchmark: the public opinion submission (anonymous, a different body
for each request, about the units of the campaign the public page takes opinions for),
and tallying a unit's appraisal round.

The public page limits opinions per address; every request of the benchmark comes from
127.0.0.1, so the server runs with `VANGUARD_RATELIMIT=0` (settings.RATELIMIT_ENABLE).
"""

from __future__ import annotations

from urllib.parse import urlencode

from bench.bulk import timed
from bench.fixture import page
from vanguard.appraisal import services
from vanguard.appraisal.forms import campaign_units
from vanguard.appraisal.models import AppraisalRound, Subject
from vanguard.appraisal.views.public import public_campaign
from vanguard.orgs.models import OrgKind

SUBMISSION = "opinion submission (public)"
TALLY = "tally a unit's appraisal round"
BODIES = 1_000
UNITS = 200  # units the bodies are about (the public picks one from a list)
TALLY_REPEAT = 50  # one tally takes milliseconds: time a batch and divide
TEXTS = [
    "办事窗口午休期间无人值守，群众办事不方便",
    "希望公开收费项目和标准，接受群众监督",
    "学校食堂饭菜价格偏高，希望加强管理",
    "考试报名系统经常卡顿，高峰期无法登录",
    "希望增加家长开放日，让家长更多了解学校工作",
    "单位会议过多，希望精简会议、提高效率",
    "希望减少对学校的各类检查评比，让教师安心教学",
]
PEOPLE = ["", "", "", "王老师", "李主任", "食堂负责人"]


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    bodies = opinion_bodies()
    if not bodies:
        return [{"name": SUBMISSION, "missing": "no campaign takes opinions from the public"}]
    return [page(SUBMISSION, "appraisal:public-opinion", method="POST", bodies=bodies)]


def opinion_bodies(count: int = BODIES) -> list[str]:
    """Form data the public page accepts: anonymous opinions about the units (a person in
    one now and then) or the bureau, each text different, for the campaign that
    `public_campaign()` picks."""
    campaign = public_campaign()
    if campaign is None:
        return []
    channel = next(c.code for c in campaign.rules.opinion_channels if c.public)
    units = list(
        campaign_units(campaign)
        .exclude(kind=OrgKind.COMMITTEE)
        .values_list("pk", flat=True)[:UNITS]
    )
    bodies = []
    for index in range(count):
        if not units or index % 10 == 9:
            data = {"channel": channel, "subject": Subject.BUREAU}
        else:
            data = {
                "channel": channel,
                "subject": Subject.UNIT,
                "unit": units[index % len(units)],
                "person_named": PEOPLE[index % len(PEOPLE)],
            }
        data["content"] = f"{TEXTS[index % len(TEXTS)]}（第{index + 1}条）。"
        bodies.append(urlencode(data))
    return bodies


def measure(fixture: dict) -> dict[str, float | str]:
    appraisal_round = (
        AppraisalRound.objects.filter(enrollment_id=fixture["enrollment"])
        .order_by("-opens_at")
        .first()
    )
    if appraisal_round is None:
        return {TALLY: "no round in the measured unit"}

    def tally_rounds():
        for _run in range(TALLY_REPEAT):
            # As a page would: the round read afresh, then its ballots counted.
            fresh = AppraisalRound.objects.select_related("campaign").get(pk=appraisal_round.pk)
            services.tally(fresh)

    return {TALLY: round(timed(tally_rounds) / TALLY_REPEAT, 4)}
