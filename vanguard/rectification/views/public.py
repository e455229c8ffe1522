"""The public site's rectification pages (no login, phone first): each unit's published list
with status and progress, an item with the history of its changes and the comments shown
after moderation, the comment form (rate-limited), and the printable 整改清单.

Only published items appear; units are named by their code and items by their random
public reference, never by a database id. Nothing internal is shown: not the source's text,
not who changed what, not a commenter's contact.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from vanguard.campaigns import parts, revision
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.rectification import changes, exports, services, stats
from vanguard.rectification.forms import CommentForm, add_service_error
from vanguard.rectification.models import CommentStatus, Level, RectificationItem
from vanguard.rectification.views.export import FORMATS

COMMENT_RATE = "5/h"  # per address; counted in the cache, never stored in the database
RECENT_SHOWN = 8


def published_items():
    return RectificationItem.objects.filter(published_at__isnull=False)


def _campaign_or_404(code) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("organization"), code=code)


def index(request):
    campaigns = Campaign.objects.filter(pk__in=published_items().values("campaign_id")).order_by(
        "-starts_on"
    )
    return render(request, "rectification/public/index.html", {"campaigns": campaigns})


def campaign_page(request, code):
    campaign = _campaign_or_404(code)
    # The figures part reads the published items alone (and their units' names, whose
    # changes move the global revision): a check-in or an opinion elsewhere leaves it
    # cached. It is the same for every visitor, rendered by one request at a time after a
    # change while the others are served the last one (at province it takes a second), and
    # at most once per ten times its cost while items keep changing (`paced`).
    reach = ("public-rectification", campaign.pk, timezone.localdate(), get_language())
    part, _previous = parts.cached_part(
        revision.cache_key(*reach, revision=revision.table_stamp(RectificationItem._meta.db_table)),
        parts.Render(campaign_figures_part, request, code, campaign=campaign),
        latest=revision.cache_key(*reach, revision="latest"),
        made_at=timezone.now(),
        timeout=revision.timeout(),
        paced=True,
    )
    return render(
        request, "rectification/public/campaign.html", {"campaign": campaign, "figures_part": part}
    )


def campaign_figures_part(request, code, campaign=None) -> str:
    """The campaign's published figures rendered (`parts.Render`: by the worker too)."""
    campaign = campaign or _campaign_or_404(code)
    return render_to_string(
        "rectification/public/_campaign_figures.html",
        {"campaign": campaign, "figures": _campaign_figures(campaign)},
        request,
    )


def _campaign_figures(campaign) -> dict:
    items = published_items().filter(campaign=campaign)
    summaries = stats.summarize(items, timezone.localdate())
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.filter(campaign=campaign, pk__in=list(summaries))
        .select_related("organization")
        .order_by("batch__number", "organization__path")
    }
    rows = [
        {"organization": e.organization, "summary": summaries[pk]} for pk, e in enrollments.items()
    ]
    return {
        "bureau": summaries.get(None),
        "rows": rows,
        "totals": stats.total(summaries.values()),
        "recent": items.select_related("organization").order_by("-published_at", "-pk")[
            :RECENT_SHOWN
        ],
        "explained": items.exclude(explanation="")
        .select_related("organization")
        .order_by("-explained_on", "-pk")[:RECENT_SHOWN],
    }


def _public_list(campaign, org_code):
    """(organisation, enrolment or None for the bureau, its published items)."""
    if org_code == campaign.organization.code:
        items = published_items().filter(campaign=campaign, level=Level.BUREAU)
        return campaign.organization, None, items
    enrollment = (
        Enrollment.objects.filter(campaign=campaign, organization__code=org_code)
        .select_related("organization")
        .first()
    )
    if enrollment is None:
        raise Http404
    return enrollment.organization, enrollment, published_items().filter(enrollment=enrollment)


def unit_page(request, code, org_code):
    campaign = _campaign_or_404(code)
    organization, enrollment, items = _public_list(campaign, org_code)
    items = items.select_related("organization", "member", "responsible").order_by("deadline", "pk")
    summary = stats.summarize(items, timezone.localdate()).get(
        enrollment.pk if enrollment else None
    )
    if summary is None:
        raise Http404  # nothing published: the list is not public yet
    context = {
        "campaign": campaign,
        "organization": organization,
        "summary": summary,
        "items": items,
        "today": timezone.localdate(),
    }
    return render(request, "rectification/public/unit.html", context)


def unit_export(request, code, org_code, fmt):
    if fmt not in FORMATS:
        raise Http404
    campaign = _campaign_or_404(code)
    organization, enrollment, items = _public_list(campaign, org_code)
    items = list(items.select_related("organization", "responsible").order_by("deadline", "pk"))
    if not items:
        raise Http404
    key = enrollment.pk if enrollment else None
    sections = exports.sections_for([(key, organization.name)], items, timezone.localdate())
    title = _("Rectification list of %(unit)s") % {"unit": organization.name}
    if fmt == "xlsx":
        return exports.excel(sections, f"{title}.xlsx")
    return exports.pdf(
        request,
        title=title,
        subtitle=campaign.title,
        sections=sections,
        filename=f"{title}.pdf",
        public=True,
    )


def _item_or_404(public_id) -> RectificationItem:
    return get_object_or_404(
        published_items().select_related(
            "campaign__organization",
            "enrollment__organization",
            "organization",
            "member",
            "responsible",
        ),
        public_id=public_id,
    )


def item_page(request, public_id, form=None, status=200):
    item = _item_or_404(public_id)
    context = {
        "item": item,
        "campaign": item.campaign,
        "list_code": item.campaign.organization.code
        if item.level == Level.BUREAU
        else item.enrollment.organization.code,
        "changes": changes.public_changes(item),
        "comments": item.comments.filter(status=CommentStatus.APPROVED),
        "form": form or CommentForm(),
        "today": timezone.localdate(),
    }
    return render(request, "rectification/public/item.html", context, status=status)


@require_POST
@ratelimit(key="ip", rate=COMMENT_RATE, method="POST", block=False)
def comment(request, public_id):
    item = _item_or_404(public_id)
    form = CommentForm(request.POST)
    if getattr(request, "limited", False):
        messages.error(
            request, _("Too many comments from your connection; please try again later.")
        )
        return item_page(request, public_id, form=form, status=429)
    if form.is_valid():
        try:
            services.post_comment(item, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Thank you. Your comment will be shown once it has been moderated.")
            )
            return redirect("rectification:public-item", public_id=item.public_id)
    messages.error(request, _("Your comment was not sent; see the problems below."))
    return item_page(request, public_id, form=form, status=400)
