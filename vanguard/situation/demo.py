"""Demo data of 摸清问题 (五.1(1)): each planned unit's profile, confirmed, and two of the
突出问题 the notice lists in 一 (the unplanned units have none yet)."""

from __future__ import annotations

import random

from vanguard.campaigns.models import Campaign
from vanguard.situation import services

ENTERED = {
    "political_quality": "党员队伍政治素质总体较好，理想信念坚定。",
    "ideology_and_style": "个别党员先进性意识不强，思想作风有待改进。",
    "work_ability": "党员领导干部思想理论水平有待提高，带领教职工前进的能力需进一步增强。",
    "self_image": "个别党员廉洁自律的自觉性不高，师德师风有待加强。",
}
PROBLEMS = [
    ("有些党员理想信念淡薄，先进性意识不强", "ideology_and_style"),
    ("有些党员敬业奉献精神不强，服务社会、服务经济意识缺乏", "work_ability"),
    ("有些党员廉洁自律的自觉性不高，师德师风有待加强", "self_image"),
]


def load_demo(campaign: Campaign, rng: random.Random) -> None:
    if campaign.rules.situation is None:
        return
    codes = {item.code for item in campaign.rules.situation.entered}
    enrollments = campaign.enrollments.select_related("organization", "batch", "campaign")
    for index, enrollment in enumerate(enrollments.order_by("pk")):
        if not enrollment.phases.exists():
            continue  # not planned yet: nothing surveyed
        entered = {code: text for code, text in ENTERED.items() if code in codes}
        services.save_profile(enrollment, entered, confirm=True, acting=None)
        # No draw from `rng`: the other apps' demo data stay as they were.
        for title, heading in (PROBLEMS[index % 3], PROBLEMS[(index + 1) % 3]):
            services.add_problem(
                enrollment,
                title=title,
                heading=heading if heading in codes else "",
                acting=None,
            )
