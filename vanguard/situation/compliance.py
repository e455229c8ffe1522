"""The situation app's part in the compliance dashboard: its activity probe for 未开展.

A unit that entered its profile (情况摸底) or one of its 突出问题 has started its campaign,
whatever else it has not recorded yet. The app has no verdict of its own: 摸清问题 is a
template step it completes (`owned_steps`), judged by `plan.steps`.
"""

from __future__ import annotations

from vanguard.campaigns.compliance import ComplianceContext, activity, enrollments_with
from vanguard.situation.models import Problem, UnitProfile


@activity
def units_with_situation(context: ComplianceContext) -> set[int]:
    """Units with a profile or a problem recorded: two queries."""
    return enrollments_with(context, UnitProfile, Problem)
