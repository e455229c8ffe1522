"""The 整改清单 exports run by the background worker (`vanguard.reports.jobs`): one unit's
list, or the bureau's whole list, as Excel or PDF. Access is checked again here, with the
user's scope rebuilt in the worker."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Enrollment
from vanguard.rectification import exports
from vanguard.rectification.models import RectificationItem
from vanguard.rectification.views.items import list_items
from vanguard.reports import jobs

ORDER = ("deadline", "pk")


def title_of(unit_name: str) -> str:
    return _("Rectification list of %(unit)s") % {"unit": unit_name}


def _output(ctx, fmt, items, lists, *, title, subtitle) -> jobs.Output:
    total = items.count()
    # Reading the rows is the first half of a PDF's work, WeasyPrint's layout the second.
    items = ctx.counted(
        items.iterator(chunk_size=2000), total, of=total * (2 if fmt == "pdf" else 1)
    )
    sections = exports.sections_for(lists, items, timezone.localdate())
    if fmt == "xlsx":
        return jobs.sheets_output([exports.sheet(sections)], f"{title}.xlsx")
    context = exports.pdf_context(title=title, subtitle=subtitle, sections=sections, public=False)
    return jobs.pdf_output(exports.PDF_TEMPLATE, context, f"{title}.pdf")


@jobs.export("rectification.unit_list")
def unit_list(ctx, pk, enrollment_pk, fmt) -> jobs.Output:
    enrollment = ctx.scope.get_enrollment_or_404(pk, enrollment_pk)
    campaign = enrollment.campaign
    items = (
        list_items(ctx.scope, enrollment, campaign)
        .select_related("organization", "responsible")
        .order_by(*ORDER)
    )
    name = enrollment.organization.name
    return _output(
        ctx, fmt, items, [(enrollment.pk, name)], title=title_of(name), subtitle=campaign.title
    )


@jobs.export("rectification.campaign_list")
def campaign_list(ctx, pk, fmt) -> jobs.Output:
    campaign = ctx.scope.get_campaign_or_404(pk)
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(ctx.scope.unit_filter())
        .select_related("organization")
        .order_by("batch__number", "organization__path")
    )
    items = (
        RectificationItem.objects.filter(campaign=campaign)
        .filter(Q(enrollment__in=enrollments) | Q(enrollment__isnull=True))
        .select_related("organization", "responsible")
        .order_by(*ORDER)
    )
    lists: list[tuple[int | None, str]] = [(None, campaign.organization.name)]
    lists += [(e.pk, e.organization.name) for e in enrollments]
    title = title_of(campaign.organization.name)
    return _output(ctx, fmt, items, lists, title=title, subtitle=campaign.title)
