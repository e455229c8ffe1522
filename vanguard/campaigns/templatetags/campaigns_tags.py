"""Template filters of the campaign shell: which modules a campaign has (issue 16).

    {% load campaigns_tags %}
    {% if campaign|has_module:"five_ones" %} … {% endif %}
    {% if nav_campaign|shows:app %}{% include app.nav %}{% endif %}
    {% todo_list campaign %}  — the user's to-do list (待办) in the campaign
    {% problems_addressed "opinion" opinion.pk %}  — the 突出问题 a record addresses (from
        the app that offers the registry's `problems_addressed` service; nothing without it)

With no campaign in view (None) every module counts as on: the page is not about a
campaign, so nothing is hidden for one.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django import template
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from vanguard.campaigns.models import Campaign
from vanguard.campaigns.todo import cached_items
from vanguard.core.registry import service

if TYPE_CHECKING:
    from vanguard.campaigns.views.campaign import UnitRow

# A template passes "" for a missing variable: no campaign in view, as None.
MaybeCampaign: TypeAlias = "Campaign | Literal[''] | None"

register = template.Library()


@register.filter
def has_module(campaign: MaybeCampaign, code: str) -> bool:
    if campaign is None or campaign == "":
        return True
    return campaign.has_module(code)


@register.filter
def shows(campaign: MaybeCampaign, entry: object) -> bool:
    """Whether a registry entry (a `PhaseApp`'s nav or panels, a `PublicLink`) shows for
    the campaign: it needs none of the campaign's modules, or the campaign has one."""
    required = getattr(entry, "required_modules", None)
    if required is None:
        module = getattr(entry, "module", "")
        required = (module,) if module else ()
    if not required or campaign is None or campaign == "":
        return True
    return any(campaign.has_module(code) for code in required)


@register.filter
def any_shows(campaigns: Iterable[Campaign] | None, entry: object) -> bool:
    """Whether the entry shows for at least one of `campaigns` (a member's page, which
    speaks of every campaign the member takes part in); with none, it shows."""
    listed = list(campaigns or ())
    return not listed or any(shows(campaign, entry) for campaign in listed)


@register.simple_tag
def campaign_tagline() -> str:
    """The newest campaign's tagline (template `[texts] tagline`), "" when it has none:
    the sign-in page shows it under the site's name."""
    from vanguard.campaigns.models import Campaign

    campaign = Campaign.objects.order_by("-starts_on", "-pk").only("template_data").first()
    return campaign.rules.text("tagline") if campaign is not None else ""


@register.filter
def campaign_text(campaign: MaybeCampaign, name: str) -> str:
    """The campaign's own wording for `name` (template `[texts]`), "" when none."""
    if campaign is None or campaign == "":
        return ""
    return campaign.rules.text(name)


@register.filter
def phase_title(campaign: MaybeCampaign, code: str) -> str:
    """The title the campaign's template gives its phase `code` ("" when there is no
    campaign or no such phase): a section heads itself with the campaign's own words."""
    if campaign is None or campaign == "":
        return ""
    phase = next((p for p in campaign.rules.phases if p.code == code), None)
    return phase.title if phase is not None else ""


@register.inclusion_tag("includes/todo.html", takes_context=True)
def todo_list(
    context: template.Context, campaign: MaybeCampaign, heading: bool = True
) -> dict[str, Any]:
    request = context.get("request")
    scope = getattr(request, "scope", None)
    if scope is None or not isinstance(campaign, Campaign) or scope.is_anonymous:
        return {"items": [], "campaign": campaign}
    today = timezone.localdate()
    items = cached_items(scope, campaign, today)
    return {"items": items, "campaign": campaign, "heading": heading}


@register.inclusion_tag("includes/problems_addressed.html", takes_context=True)
def problems_addressed(context: template.Context, kind: str, object_id: int) -> dict[str, Any]:
    """The unit's problems this record addresses, linked to where they are kept when the
    viewer may open it; nothing when no app offers the service."""
    offer = service("problems_addressed")
    request = context.get("request")
    scope = getattr(request, "scope", None)
    problems = offer(scope, kind, object_id) if offer is not None and scope is not None else []
    return {"problems": problems}


# Rendered overview rows by what they show (see `overview_row`), most recently used last.
ROWS_KEPT = 5_000
_rows: OrderedDict[tuple[object, ...], str] = OrderedDict()


@register.simple_tag
def overview_row(campaign: Campaign, row: UnitRow, step_total: int) -> str:
    """One unit's row of the campaign overview (`views.campaign.unit_row`), rendered once
    for what it shows: its key is everything the row template reads (the unit, its status,
    verdict, counts and phase bars, the language), so a row whose unit's figures did not
    change is not rendered again when the overview is put together after another unit's
    write (300 rows at city: 140 ms of template rendering, most of it the bars' dates)."""
    enrollment = row["enrollment"]
    key = (
        translation.get_language(),
        campaign.pk,
        enrollment.pk,
        enrollment.organization.name,
        enrollment.status,
        row["level"],
        row["failing"],
        row["warning"],
        row["not_started"],
        row["steps_done"],
        step_total,
        tuple((b.title, b.index, b.left, b.width, b.starts_on, b.ends_on) for b in row["bars"]),
    )
    html = _rows.get(key)
    if html is None:
        html = get_template("campaigns/_overview_row.html").render(
            {"campaign": campaign, "row": row, "step_total": step_total}
        )
        _rows[key] = html
        while len(_rows) > ROWS_KEPT:
            try:
                _rows.popitem(last=False)
            except KeyError:  # emptied by another thread (the development server's)
                break
    else:
        with contextlib.suppress(KeyError):  # dropped meanwhile by another thread
            _rows.move_to_end(key)
    return mark_safe(html)
