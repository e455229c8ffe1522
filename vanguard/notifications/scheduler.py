"""The scheduler run: find what is due in every running campaign and queue its delivery.

`manage.py send_notifications` calls `run()` (a systemd timer every five minutes in
production, a loop beside the development server under `make run`). One run at a time
(a cache lock); running it twice on the same day creates nothing new, because each
occurrence has a key (`Notification.key`) stored once per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from vanguard.accounts.models import User
from vanguard.campaigns.models import Campaign
from vanguard.core import registry
from vanguard.notifications.models import Delivery
from vanguard.orgs.models import Organization

LOCK = "notifications:scheduler-lock"


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    refused: int = 0  # dues addressed to someone whose scope does not reach the object
    skipped: bool = False


def running_campaigns(today):
    return Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today)


def event_settings(campaign: Campaign) -> dict[str, tuple[int, ...]]:
    """{event code: lead days} of the events the campaign's template keeps on."""
    declared = campaign.rules.notifications
    events = {}
    for event in registry.notification_events():
        if event.module and not campaign.has_module(event.module):
            continue
        if declared is None:  # the template says nothing: every event, default lead days
            events[event.code] = event.default_lead_days
        elif event.code in declared and declared[event.code] is not None:
            events[event.code] = declared[event.code] or event.default_lead_days
    return events


def run(now: datetime | None = None, *, enqueue: bool = True) -> Summary:
    from vanguard.notifications import delivery, tasks

    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = Summary()
    if not cache.add(LOCK, 1, 600):
        summary.skipped = True
        return summary
    reach = _Reach(today)
    try:
        for campaign in running_campaigns(today):
            for code, lead_days in event_settings(campaign).items():
                event = registry.notification_event(code)
                if event is None:
                    continue
                dues = list(import_string(event.finder)(campaign, today, lead_days))
                allowed = reach.filter(dues)
                summary.refused += len(dues) - len(allowed)
                created = delivery.notify(campaign, code, allowed)
                if created:
                    summary.created[code] = summary.created.get(code, 0) + len(created)
        for pk in Delivery.objects.due(now).values_list("pk", flat=True):
            summary.queued += 1
            if enqueue:
                tasks.deliver.enqueue(pk)
    finally:
        cache.delete(LOCK)
    return summary


class _Reach:
    """Whether a due's recipient may see its unit: one scope per user, one query per run."""

    def __init__(self, today):
        self.today = today
        self.scopes: dict = {}

    def filter(self, dues: list[registry.Due]) -> list[registry.Due]:
        org_ids = {d.organization_id for d in dues if d.organization_id is not None}
        orgs = Organization.objects.only("pk", "path").in_bulk(org_ids)
        return [d for d in dues if self._allowed(d, orgs)]

    def _allowed(self, due: registry.Due, orgs) -> bool:
        if due.user_id is None:  # a person of the public, named by the finder: a phone
            return bool(due.phone)
        return due.organization_id is None or self._sees(due, orgs)

    def _sees(self, due: registry.Due, orgs) -> bool:
        if due.user_id is None:
            return False
        if due.user_id not in self.scopes:
            user = User.objects.filter(pk=due.user_id, is_active=True).first()
            self.scopes[due.user_id] = user.access_scope(self.today) if user else None
        scope = self.scopes[due.user_id]
        org = orgs.get(due.organization_id)
        return scope is not None and org is not None and scope.can_view_unit(org)
