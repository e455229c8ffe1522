"""Who may see and do what with rectification items, composed from `request.scope` only.

- A unit's items are seen by whoever may see the unit (its readers and the members inside
  it); the bureau's own items by every staff reader of the campaign.
- A member's own item is seen by the readers of the member's organisation and by the
  member; not by the member's colleagues.
- The managers of the item's organisation change it; the member concerned and the
  responsible person may also report progress on it.
- "The upper level" verifies an item or reopens it: for a member's item, the managers of
  the member's Party organisation; for a base organisation's item, the managers of the
  parent organisation; for the bureau's items, the campaign office (the committee above
  the bureau is not in the system).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from vanguard.rectification.models import Level, RectificationItem


def can_view_item(scope, item: RectificationItem) -> bool:
    org = item.organization
    if item.level == Level.MEMBER:
        own = scope.member is not None and scope.member.pk == item.member_id
        return own or scope.can_view_org(org)
    if item.level == Level.BUREAU:
        return scope.can_view_campaign_of(org)
    return scope.can_view_unit(org)


def can_manage_item(scope, item: RectificationItem) -> bool:
    return scope.can_manage_org(item.organization)


def can_report_progress(scope, item: RectificationItem) -> bool:
    """Managers, the member whose own item it is, and the person responsible."""
    if can_manage_item(scope, item):
        return True
    member = scope.member
    if member is None:
        return False
    return member.pk in (item.member_id, item.responsible_id)


def can_judge_item(scope, item: RectificationItem) -> bool:
    """The upper level: may verify the item or judge it ineffective and reopen it."""
    org = item.organization
    if item.level in (Level.MEMBER, Level.BUREAU):
        return scope.can_manage_org(org)
    return scope.can_supervise_org(org)  # the access module's one rule, no query


def sees_members_items(scope, unit) -> bool:
    """Whether the unit's list shows its members' own items to this user (readers only)."""
    return scope.can_view_org(unit)


def item_or_404(scope, queryset, pk) -> RectificationItem:
    item = queryset.filter(pk=pk).first()
    if item is None or not can_view_item(scope, item):
        raise Http404
    return item


def require(allowed: bool) -> None:
    """403 for a user who sees the object but may not do this to it."""
    if not allowed:
        raise PermissionDenied
