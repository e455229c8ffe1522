"""Offered through the registry (`problem_links.item`): a unit's rectification items that
one of its 突出问题 (五.1(1), the situation app) can be linked to."""

from __future__ import annotations

from vanguard.rectification.models import RectificationItem


def item_targets(enrollment, ids=None) -> dict[int, tuple[str, str]]:
    """The unit's rectification items: pk → (label, url). One query."""
    found = RectificationItem.objects.filter(enrollment=enrollment)
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    return {i.pk: (str(i), i.get_absolute_url()) for i in found.order_by("pk")}
