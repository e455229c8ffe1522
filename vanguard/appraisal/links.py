"""Offered through the registry (`problem_links.opinion`, `problem_links.meeting`): a unit's
opinions and 专题组织生活会 that one of its 突出问题 (五.1(1), the situation app) can be
linked to, without that app importing this one."""

from __future__ import annotations

from vanguard.appraisal.models import Opinion, OrgLifeMeeting


def opinion_targets(enrollment, ids=None) -> dict[int, tuple[str, str]]:
    """The opinions the unit is responsible for: pk → (label, url). One query."""
    found = (
        Opinion.objects.filter(campaign_id=enrollment.campaign_id)
        .filter(enrollment.organization.subtree_q("responsible_unit__"))
        .select_related("member", "unit")
    )
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return {o.pk: (str(o), o.get_absolute_url()) for o in found.order_by("-received_on", "pk")}


def meeting_targets(enrollment, ids=None) -> dict[int, tuple[str, str]]:
    """The unit's 专题组织生活会: pk → (label, url). One query."""
    found = OrgLifeMeeting.objects.filter(enrollment=enrollment).select_related("organization")
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return {m.pk: (str(m), m.get_absolute_url()) for m in found.order_by("held_on", "pk")}
