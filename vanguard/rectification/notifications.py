"""What the rectification app tells people (declared in its registry entry, sent by
`vanguard.notifications`), always to the administrators of the item's organisation:

- an item's deadline in a few days, passed, or the item reopened (五.3(1): 落实整改责任和
  整改时限; 五.3(2): 多数群众不满意的，要重新进行整改);
- public comments on published items awaiting moderation (六.4 群众监督).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import role_holders, unit_admins_of_each
from vanguard.accounts.models import Role
from vanguard.core.registry import Due, NotificationEvent
from vanguard.orgs.models import Organization
from vanguard.rectification.models import (
    SOLVED,
    CommentStatus,
    PublicComment,
    RectificationItem,
    Status,
)

RECENT_REOPEN_DAYS = 7


def _items_to_admins(items, today, key, title):
    items = items.select_related("organization")
    for item, _unit, user_id in unit_admins_of_each(items, lambda i: i.organization, today):
        yield Due(
            user_id=user_id,
            key=key(item),
            title=title(item),
            body=item.problem[:200],
            url=item.get_absolute_url(),
            organization_id=item.organization_id,
        )


def item_due(campaign, today, lead_days):
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    items = RectificationItem.objects.filter(campaign=campaign, deadline__in=list(by_day)).exclude(
        status__in=SOLVED
    )
    return _items_to_admins(
        items,
        today,
        lambda item: f"item_due:{item.pk}:{item.deadline}:{by_day[item.deadline]}",
        lambda item: (
            _("%(org)s: a rectification item is due in %(days)s days")
            % {"org": item.organization.name, "days": by_day[item.deadline]}
        ),
    )


def item_overdue(campaign, today, lead_days):
    items = RectificationItem.objects.filter(campaign=campaign).overdue(today)
    return _items_to_admins(
        items,
        today,
        lambda item: f"item_overdue:{item.pk}:{item.deadline}",
        lambda item: (
            _("%(org)s: a rectification item is overdue (deadline %(date)s)")
            % {"org": item.organization.name, "date": item.deadline.isoformat()}
        ),
    )


def item_reopened(campaign, today, lead_days):
    items = RectificationItem.objects.filter(
        campaign=campaign,
        status=Status.REOPENED,
        reopened_on__gte=today - timedelta(days=RECENT_REOPEN_DAYS),
        reopened_on__lte=today,
    )
    return _items_to_admins(
        items,
        today,
        lambda item: f"item_reopened:{item.pk}:{item.reopen_count}",
        lambda item: (
            _("%(org)s: a rectification item was reopened") % {"org": item.organization.name}
        ),
    )


def comments_waiting(campaign, today, lead_days):
    """One notice a day per organisation with comments awaiting moderation."""
    waiting = Counter(
        PublicComment.objects.filter(
            item__campaign=campaign, status=CommentStatus.PENDING
        ).values_list("item__organization", flat=True)
    )
    orgs = Organization.objects.in_bulk(list(waiting))
    admins = role_holders(Role.UNIT_ADMIN, orgs.values(), today)
    url = reverse("rectification:comments", args=[campaign.pk])
    for org_id, count in waiting.items():
        for user_id in admins.get(org_id, ()):
            yield Due(
                user_id=user_id,
                key=f"comments_waiting:{org_id}:{today}",
                title=_("%(org)s: %(count)s public comments await moderation")
                % {"org": orgs[org_id].name, "count": count},
                url=url,
                organization_id=org_id,
            )


def _event(code, title, lead_days=()):
    return NotificationEvent(
        code=code,
        title=title,
        finder=f"vanguard.rectification.notifications.{code}",
        default_lead_days=lead_days,
        audience=gettext_lazy("unit administrators"),
        module="rectification",
    )


EVENTS = (
    _event("item_due", gettext_lazy("A rectification item is due soon"), (7, 1)),
    _event("item_overdue", gettext_lazy("A rectification item is overdue")),
    _event("item_reopened", gettext_lazy("A rectification item was reopened")),
    _event("comments_waiting", gettext_lazy("Public comments await moderation")),
)
