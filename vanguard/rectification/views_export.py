"""The printable 整改清单 of the signed-in pages: one unit's list, or the bureau's whole list
(its own items, then every unit in the user's scope), as PDF or Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Enrollment
from vanguard.rectification import exports
from vanguard.rectification.models import RectificationItem
from vanguard.rectification.views import list_items

FORMATS = ("pdf", "xlsx")
ORDER = ("deadline", "pk")


def _render(request, fmt, *, title, subtitle, sections, filename, public=False):
    if fmt not in FORMATS:
        raise Http404
    if fmt == "xlsx":
        return exports.excel(sections, f"{filename}.xlsx")
    return exports.pdf(
        request,
        title=title,
        subtitle=subtitle,
        sections=sections,
        filename=f"{filename}.pdf",
        public=public,
    )


@login_required
def unit_export(request, pk, enrollment_pk, fmt):
    enrollment = request.scope.get_enrollment_or_404(pk, enrollment_pk)
    campaign = enrollment.campaign
    items = (
        list_items(request.scope, enrollment, campaign)
        .select_related("organization", "responsible")
        .order_by(*ORDER)
    )
    name = enrollment.organization.name
    sections = exports.sections_for([(enrollment.pk, name)], items, timezone.localdate())
    return _render(
        request,
        fmt,
        title=_("Rectification list of %(unit)s") % {"unit": name},
        subtitle=campaign.title,
        sections=sections,
        filename=_("Rectification list of %(unit)s") % {"unit": name},
    )


@login_required
def campaign_export(request, pk, fmt):
    campaign = request.scope.get_campaign_or_404(pk)
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization")
        .order_by("batch__number", "organization__path")
    )
    items = (
        RectificationItem.objects.filter(campaign=campaign)
        .filter(Q(enrollment__in=enrollments) | Q(enrollment__isnull=True))
        .select_related("organization", "responsible")
        .order_by(*ORDER)
    )
    lists = [(None, campaign.organization.name)]
    lists += [(e.pk, e.organization.name) for e in enrollments]
    sections = exports.sections_for(lists, items, timezone.localdate())
    title = _("Rectification list of %(unit)s") % {"unit": campaign.organization.name}
    return _render(
        request, fmt, title=title, subtitle=campaign.title, sections=sections, filename=title
    )
