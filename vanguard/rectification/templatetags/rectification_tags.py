"""Template tags of rectification: the panels on the unit page and the member's page (a
constant number of queries each), number formats, and the link other modules use to make
an item from one of their records."""

from django import template
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vanguard.campaigns import revision
from vanguard.campaigns.models import Enrollment
from vanguard.rectification import effect, stats
from vanguard.rectification.models import RectificationItem
from vanguard.rectification.views.items import list_items

register = template.Library()
ME_SHOWN = 10


@register.inclusion_tag("rectification/_unit_panel.html", takes_context=True)
def rectification_unit_panel(context, enrollment):
    """The unit's rectification figures: 2 queries (its items' figures, one aggregate)."""
    scope = context["request"].scope
    items = list_items(scope, enrollment, enrollment.campaign)
    summary = stats.summarize(items, timezone.localdate()).get(enrollment.pk)
    satisfaction = effect.latest_satisfaction(enrollment.campaign, [enrollment.pk])
    return {
        "enrollment": enrollment,
        "campaign": enrollment.campaign,
        "summary": summary or stats.ListSummary(),
        "satisfaction": satisfaction.get(enrollment.pk),
        "can_manage": scope.can_manage_org(enrollment.organization),
        "is_reader": scope.sees_members_items(enrollment.organization),
    }


@register.inclusion_tag("rectification/_me_panel.html")
def rectification_me_panel(member):
    """The member's own items and those they answer for: 1 query."""
    items = (
        RectificationItem.objects.filter(Q(member=member) | Q(responsible=member))
        .select_related("campaign")
        .order_by("-campaign__starts_on", "deadline", "pk")[:ME_SHOWN]
    )
    return {"member": member, "items": items, "today": timezone.localdate()}


@register.filter
def percent(value):
    """A 0–100 progress as "73%"; an em dash when there is none."""
    if value is None:
        return "—"
    return f"{round(value)}%"


@register.filter
def share(value):
    """A 0–1 share as "73%"; an em dash when there is none."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"


@register.filter
def bar(value):
    """A progress (0–100 or None) as a CSS width."""
    return f"{round(value or 0)}%"


@register.simple_tag
def rectification_from_source_url(campaign, source):
    """The page making a rectification item from `source` (any record with an
    `organization`, a `member` or an `enrollment`), for the buttons of other modules."""
    content_type = ContentType.objects.get_for_model(source)
    return reverse("rectification:from-source", args=[campaign.pk, content_type.pk, source.pk])


@register.inclusion_tag("rectification/_overview_panel.html", takes_context=True)
def rectification_overview_panel(context, campaign):
    """The campaign's rectification progress and effect (R30) for the campaign overview, in
    the user's scope: counted over every item and survey (seconds at province), so kept
    until a write to this app's tables or to those the satisfaction providers read (not
    to the others', which give the overview a new version at every write)."""
    scope = context["request"].scope
    own = apps.get_app_config("rectification").get_models()
    tables = [model._meta.db_table for model in own] + effect.provider_tables()
    key = revision.cache_key(
        "rectification-overview",
        campaign.pk,
        timezone.localdate(),
        *scope.read_paths,
        revision=revision.table_stamp(*tables),
    )
    totals, satisfaction = cache.get_or_set(
        key, lambda: _overview_figures(campaign, scope), timeout=revision.timeout()
    )
    return {"campaign": campaign, "totals": totals, "satisfaction": satisfaction}


def _overview_figures(campaign, scope) -> tuple[stats.Totals, float | None]:
    ids = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(scope.unit_filter())
        .values_list("pk", flat=True)
    )
    items = RectificationItem.objects.filter(campaign=campaign).filter(
        Q(enrollment__in=ids) | Q(enrollment__isnull=True)
    )
    summaries = stats.summarize(items, timezone.localdate())
    satisfaction = effect.latest_satisfaction(campaign, ids)
    return stats.total(summaries.values()), effect.pooled_satisfaction(satisfaction.values())
