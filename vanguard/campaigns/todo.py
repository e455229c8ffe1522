"""The shell's to-do items (待办): a unit administrator's plan and steps; the office's
units without a plan. The phase apps add theirs through the registry (`PhaseApp.todo`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import cast

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope
from vanguard.campaigns import revision
from vanguard.campaigns.models import Campaign, Enrollment, EnrollmentStatus, StepStatus
from vanguard.core.registry import TodoItem, todo_items


def cached_items(scope: Scope, campaign: Campaign, today: date) -> list[TodoItem]:
    """The user's to-do list in the campaign (`registry.todo_items`: a dozen queries over
    the phase apps), kept until a write to the campaign's data or one no unit owns
    (`revision.campaign_stamp`), or the day changes: a landing page read again while
    nothing was written runs none of them."""
    key = revision.cache_key(
        "todo",
        getattr(scope.user, "pk", 0),
        campaign.pk,
        today,
        translation.get_language(),
        *scope.read_paths,
        *scope.admin_paths,
        campaign=campaign.pk,
    )
    items = cache.get(key)
    if items is None:
        items = todo_items(scope, campaign, today)
        cache.set(key, items, timeout=revision.timeout())
    return cast(list[TodoItem], items)


def todo(scope: Scope, campaign: Campaign, today: date) -> list[TodoItem]:
    items: list[TodoItem] = []
    if scope.admin_paths:
        enrollments = (
            Enrollment.objects.filter(campaign=campaign)
            .filter(scope.administered_filter())
            .exclude(status=EnrollmentStatus.CLOSED)
            .select_related("organization", "batch")
            .prefetch_related("phases", "steps")
        )
        for enrollment in enrollments:
            items.extend(_unit_items(campaign, enrollment, today))
    if scope.is_office:
        items.extend(_office_items(campaign, today))
    return items


def _unit_items(campaign: Campaign, enrollment: Enrollment, today: date) -> Iterator[TodoItem]:
    unit = enrollment.organization.name
    args = [campaign.pk, enrollment.pk]
    windows = sorted(enrollment.phases.all(), key=lambda w: w.starts_on)
    if not windows:
        yield TodoItem(
            title=_("%(unit)s: plan the phases") % {"unit": unit},
            url=reverse("campaigns:unit-plan", args=args),
            due=enrollment.batch.starts_on,
            overdue=enrollment.batch.starts_on <= today,
        )
        return
    done = {s.step_code for s in enrollment.steps.all() if s.status == StepStatus.DONE}
    for window in windows:
        if window.starts_on > today:
            continue
        phase = campaign.rules.phase(window.phase_code)
        left = [step for step in phase.steps if step.code not in done]
        if not left:
            continue
        yield TodoItem(
            title=_("%(unit)s: %(count)s steps of %(phase)s not done")
            % {"unit": unit, "count": len(left), "phase": phase.title},
            url=reverse("campaigns:unit", args=args),
            due=window.ends_on,
            overdue=window.ends_on < today,
            count=len(left),
        )


def _office_items(campaign: Campaign, today: date) -> Iterator[TodoItem]:
    yield from _failing_units(campaign)
    unplanned = (
        Enrollment.objects.filter(
            campaign=campaign, batch__starts_on__lte=today, phases__isnull=True
        )
        .exclude(status=EnrollmentStatus.CLOSED)
        .count()
    )
    if unplanned:
        yield TodoItem(
            title=_("%(count)s units have started without a phase plan") % {"count": unplanned},
            url=reverse("campaigns:overview", args=[campaign.pk]),
            overdue=True,
            count=unplanned,
        )


def _failing_units(campaign: Campaign) -> Iterator[TodoItem]:
    """Units whose stored figures fail a rule (the overview's red rows): read from the
    figures store, never computed here; nothing while the store is still empty."""
    from vanguard.campaigns import figures

    if figures.stored_state(campaign) is None:
        return
    failing = figures.failing_unit_count(campaign)
    if failing:
        yield TodoItem(
            title=_("%(count)s units fail a rule of the campaign") % {"count": failing},
            url=reverse("campaigns:overview", args=[campaign.pk]),
            overdue=True,
            count=failing,
        )
