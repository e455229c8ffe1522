"""The schools app's to-do items (待办) for unit administrators: 党员先锋岗 whose term has
ended, to assess (五.3(3)); 三培养 records still in progress as the unit's last phase ends,
to bring up to date (五.1(4)二)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from vanguard.core.registry import TodoItem
from vanguard.schools import services
from vanguard.schools.notifications import tracks_open, unassessed_posts


def todo(scope, campaign, today):
    if not scope.admin_paths:
        return []
    items = []
    if services.posts_on(campaign):
        items.extend(_post_items(scope, campaign, today))
    if services.trainings_on(campaign):
        items.extend(_track_items(scope, campaign, today))
    return items


def _post_items(scope, campaign, today):
    rows = (
        unassessed_posts(campaign, today)
        .filter(scope.administered_filter("enrollment__organization__"))
        .values("enrollment", "enrollment__organization__name")
        .annotate(n=Count("pk"), first=Min("ends_on"))
        .order_by("enrollment__organization__name")
    )
    for row in rows:
        yield TodoItem(
            title=_("%(unit)s: %(count)s vanguard posts to assess")
            % {"unit": row["enrollment__organization__name"], "count": row["n"]},
            url=reverse("schools:posts", args=[campaign.pk, row["enrollment"]]),
            due=row["first"],
            count=row["n"],
        )


def _track_items(scope, campaign, today):
    """From `TRACK_REVIEW_DAYS` before the unit's last phase ends to its last day."""
    windows = tracks_open(campaign, today, range(services.TRACK_REVIEW_DAYS + 1)).filter(
        scope.administered_filter("enrollment__organization__")
    )
    for window in windows:
        yield TodoItem(
            title=_("%(unit)s: %(count)s three-trainings records still in progress to update")
            % {"unit": window.enrollment.organization.name, "count": window.open_tracks},
            url=reverse("schools:trainings", args=[campaign.pk, window.enrollment_id]),
            due=window.ends_on,
            count=window.open_tracks,
        )
