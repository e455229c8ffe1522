"""The archive's pages: what a unit's (or the campaign's) archive holds, and the button
that starts building it in the background; the ZIP is then found in 我的下载."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import ScopedRequest
from vanguard.archive import assemble
from vanguard.reports import jobs


@login_required
def unit_archive(request: ScopedRequest, campaign_pk: int, enrollment_pk: int) -> HttpResponse:
    """The unit's archive as it would be filed now (titles only: nothing is rendered)."""
    enrollment = request.scope.get_unit_archive_or_404(campaign_pk, enrollment_pk)
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "archive": assemble.unit_archive(enrollment, request.scope),
        "index_name": assemble.index_name(),
    }
    return render(request, "archive/unit.html", context)


@login_required
@require_POST
def unit_archive_start(
    request: ScopedRequest, campaign_pk: int, enrollment_pk: int
) -> HttpResponse:
    enrollment = request.scope.get_unit_archive_or_404(campaign_pk, enrollment_pk)
    title = _("Archive of %(unit)s") % {"unit": enrollment.organization.name}
    params = {"campaign_pk": campaign_pk, "enrollment_pk": enrollment_pk}
    return jobs.start_response(request, "archive.unit", f"{title} (ZIP)", params)


@login_required
def campaign_archive(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    campaign = request.scope.get_campaign_archive_or_404(campaign_pk)
    enrollments = (
        request.scope.archive_enrollments(campaign)
        .select_related("organization", "batch")
        .order_by("batch__number", "organization__path")
    )
    context = {"campaign": campaign, "enrollments": enrollments}
    return render(request, "archive/campaign.html", context)


@login_required
@require_POST
def campaign_archive_start(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    campaign = request.scope.get_campaign_archive_or_404(campaign_pk)
    title = _("Archive of %(unit)s") % {"unit": campaign.title}
    return jobs.start_response(
        request, "archive.campaign", f"{title} (ZIP)", {"campaign_pk": campaign_pk}
    )
