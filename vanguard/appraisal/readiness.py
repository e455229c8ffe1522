"""五.2(3) 要在谈心活动的基础上，召开专题组织生活会: units whose 专题组织生活会 is near — their
analysis phase ends within a few days and no meeting is recorded yet — while members still
lack their talk (or, when the template asks, their 党性分析). Found for the unit
administrators' to-do list and notifications, so that the talks come first; the
compliance rule `appraisal.talks_before_meeting` judges a meeting once it is held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from vanguard.appraisal import stats
from vanguard.appraisal.models import HANDED_IN, OrgLifeMeeting
from vanguard.appraisal.rules import ANALYSIS_PHASE
from vanguard.campaigns.models import EnrollmentStatus, PhaseWindow

MEETING_NEAR_DAYS = 14  # the to-do shows this many days before the analysis phase ends


@dataclass(frozen=True)
class NotReady:
    window: PhaseWindow  # the unit's analysis phase, with its enrolment and organisation
    members: list[tuple[int, str]]  # (id, name) of those still to talk or hand in


def applies(campaign) -> bool:
    return campaign.rules.org_life_meeting is not None and campaign.has_module("meetings")


def analysis_windows(campaign) -> QuerySet[PhaseWindow]:
    """The running units' analysis phases with no 专题组织生活会 recorded yet."""
    held = OrgLifeMeeting.objects.filter(enrollment=OuterRef("enrollment"))
    return (
        PhaseWindow.objects.filter(enrollment__campaign=campaign, phase_code=ANALYSIS_PHASE)
        .exclude(enrollment__status=EnrollmentStatus.CLOSED)
        .filter(~Exists(held))
        .select_related("enrollment__organization", "enrollment__campaign")
    )


def not_ready(campaign, windows: Iterable[PhaseWindow], today: date) -> list[NotReady]:
    """Of these windows' units, those with members not ready for the meeting; the unit
    statistics' queries once for all of them (none without windows)."""
    windows = list(windows)
    rule = campaign.rules.org_life_meeting
    if not windows or rule is None:
        return []
    by_unit = stats.load(campaign, [w.enrollment for w in windows], today=today)
    found = []
    for window in windows:
        unit = by_unit[window.enrollment_id]
        waiting = [
            (pk, name)
            for pk, name in unit.members
            if (rule.after_talks and pk not in unit.talked)
            or (rule.after_self_analysis and unit.analyses.get(pk) not in HANDED_IN)
        ]
        if waiting:
            found.append(NotReady(window, waiting))
    return found
