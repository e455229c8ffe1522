"""The rectification app's to-do items (待办) for a unit administrator: items overdue or due
within a week, items not yet published for public supervision, comments to moderate."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Enrollment
from vanguard.core.registry import TodoItem
from vanguard.rectification.models import SOLVED, CommentStatus, PublicComment, RectificationItem

DUE_SOON_DAYS = 7


def todo(scope, campaign, today):
    if not scope.admin_paths or not campaign.has_module("rectification"):
        return []
    items = []
    mine = RectificationItem.objects.filter(campaign=campaign).filter(scope.administered_filter())
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.filter(campaign=campaign)
        .filter(scope.administered_filter())
        .select_related("organization")
    }
    rows = (
        mine.exclude(status__in=SOLVED)
        .filter(enrollment__in=list(enrollments))
        .values("enrollment")
        .annotate(
            overdue=Count("pk", filter=RectificationItem.objects.overdue_q(today)),
            soon=Count(
                "pk",
                filter=Q(deadline__gte=today, deadline__lte=today + timedelta(days=DUE_SOON_DAYS)),
            ),
            unpublished=Count("pk", filter=Q(published_at__isnull=True)),
            first=Min("deadline"),
        )
    )
    for row in rows:
        enrollment = enrollments[row["enrollment"]]
        url = reverse("rectification:unit", args=[campaign.pk, enrollment.pk])
        unit = enrollment.organization.name
        if row["overdue"]:
            items.append(
                TodoItem(
                    title=_("%(unit)s: %(count)s rectification items overdue")
                    % {"unit": unit, "count": row["overdue"]},
                    url=url,
                    due=row["first"],
                    overdue=True,
                    count=row["overdue"],
                )
            )
        if row["soon"]:
            items.append(
                TodoItem(
                    title=_("%(unit)s: %(count)s rectification items due within %(days)s days")
                    % {"unit": unit, "count": row["soon"], "days": DUE_SOON_DAYS},
                    url=url,
                    due=today + timedelta(days=DUE_SOON_DAYS),
                    count=row["soon"],
                )
            )
        if row["unpublished"]:
            items.append(
                TodoItem(
                    title=_("%(unit)s: %(count)s rectification items not yet published")
                    % {"unit": unit, "count": row["unpublished"]},
                    url=url,
                    count=row["unpublished"],
                )
            )
    waiting = (
        PublicComment.objects.filter(item__campaign=campaign, status=CommentStatus.PENDING)
        .filter(scope.administered_filter("item__organization__"))
        .count()
    )
    if waiting:
        items.append(
            TodoItem(
                title=_("%(count)s public comments to moderate") % {"count": waiting},
                url=reverse("rectification:comments", args=[campaign.pk]),
                count=waiting,
            )
        )
    return items
