"""The schools app's part in the compliance dashboard: its activity probe for 未开展.

A school that recorded a training (三培养), a vanguard post or a teacher's role commitment
has started its campaign. The app has no verdict of its own.
"""

from __future__ import annotations

from vanguard.campaigns.compliance import ComplianceContext, activity, enrollments_with
from vanguard.schools.models import RoleCommitment, TrainingRecord, VanguardPost


@activity
def units_with_school_records(context: ComplianceContext) -> set[int]:
    """Units with a training, a post or a role commitment recorded: three queries."""
    return enrollments_with(context, TrainingRecord, VanguardPost, RoleCommitment)
