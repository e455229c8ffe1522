"""What the schools app tells unit administrators (declared in its registry entry, sent by
`vanguard.notifications`), and the queries its to-do list shares:

- a 党员先锋岗 whose term has ended, not yet assessed (五.3(3): posts assessed at the end of
  their term) — once per post;
- 三培养 records still in progress when the unit's last phase ends in N days (五.1(4)二),
  so that their progress and outcomes are up to date when the campaign's work is summed up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.accounts.access import unit_admins_of_each
from vanguard.campaigns.models import EnrollmentStatus, PhaseWindow
from vanguard.core.registry import Due, NotificationEvent
from vanguard.schools import services
from vanguard.schools.models import TrainingOutcome, VanguardPost


def unassessed_posts(campaign, today: date) -> QuerySet[VanguardPost]:
    """Posts of the campaign's running units whose term has ended and that have no grade."""
    return VanguardPost.objects.filter(
        enrollment__campaign=campaign, ends_on__lte=today, grade=""
    ).exclude(enrollment__status=EnrollmentStatus.CLOSED)


def tracks_open(campaign, today: date, leads: Iterable[int]) -> QuerySet[PhaseWindow]:
    """The running units' last phases ending in one of `leads` days from today, with
    `open_tracks`, the number of their 三培养 records still in progress (at least one)."""
    days = [today + timedelta(days=lead) for lead in leads]
    in_progress = Q(enrollment__trainings__outcome=TrainingOutcome.IN_PROGRESS)
    return (
        PhaseWindow.objects.filter(
            enrollment__campaign=campaign,
            phase_code=campaign.rules.phases[-1].code,
            ends_on__in=days,
        )
        .exclude(enrollment__status=EnrollmentStatus.CLOSED)
        .annotate(open_tracks=Count("enrollment__trainings", filter=in_progress))
        .filter(open_tracks__gt=0)
        .select_related("enrollment__organization")
        .order_by("ends_on", "enrollment__organization__path")
    )


def post_to_assess(campaign, today, lead_days):
    if not services.posts_on(campaign):
        return
    posts = unassessed_posts(campaign, today).select_related("enrollment__organization")
    for post, unit, user_id in unit_admins_of_each(
        posts, lambda p: p.enrollment.organization, today
    ):
        yield Due(
            user_id=user_id,
            key=f"post_to_assess:{post.pk}:{post.ends_on}",
            title=_("%(unit)s: the term of the vanguard post “%(post)s” has ended; assess it")
            % {"unit": unit.name, "post": post.title},
            url=reverse("schools:post", args=[post.pk]),
            organization_id=unit.pk,
        )


def tracks_due(campaign, today, lead_days):
    if not services.trainings_on(campaign):
        return
    windows = tracks_open(campaign, today, lead_days)
    for window, unit, user_id in unit_admins_of_each(
        windows, lambda w: w.enrollment.organization, today
    ):
        lead = (window.ends_on - today).days
        yield Due(
            user_id=user_id,
            key=f"tracks_due:{window.pk}:{window.ends_on}:{lead}",
            title=_(
                "%(unit)s: the last phase ends in %(days)s days; %(count)s three-trainings "
                "records are still in progress"
            )
            % {"unit": unit.name, "days": lead, "count": window.open_tracks},
            url=reverse("schools:trainings", args=[campaign.pk, window.enrollment_id]),
            organization_id=unit.pk,
        )


ADMINS = gettext_lazy("unit administrators")
EVENTS = (
    NotificationEvent(
        code="post_to_assess",
        title=gettext_lazy("A vanguard post's term has ended: assess it"),
        finder="vanguard.schools.notifications.post_to_assess",
        audience=ADMINS,
        module="vanguard_posts",
    ),
    NotificationEvent(
        code="tracks_due",
        title=gettext_lazy("Three-trainings records still in progress as the campaign ends"),
        finder="vanguard.schools.notifications.tracks_due",
        default_lead_days=(14, 3),
        audience=ADMINS,
        module="three_trainings",
    ),
)
