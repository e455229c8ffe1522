"""The printable 整改清单 of the signed-in pages: one unit's list, or the bureau's whole list
(its own items, then every unit in the user's scope), as PDF or Excel. The file is made by
the background worker (`rectification/jobs.py`); these views check access and start it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_POST

from vanguard.rectification.jobs import title_of
from vanguard.reports import jobs

FORMATS = ("pdf", "xlsx")


def _check(fmt):
    if fmt not in FORMATS:
        raise Http404


@login_required
@require_POST
def unit_export(request, campaign_pk, enrollment_pk, fmt):
    _check(fmt)
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, module="rectification"
    )
    params = {"pk": campaign_pk, "enrollment_pk": enrollment.pk, "fmt": fmt}
    title = f"{title_of(enrollment.organization.name)} ({fmt.upper()})"
    return jobs.start_response(request, "rectification.unit_list", title, params)


@login_required
@require_POST
def campaign_export(request, campaign_pk, fmt):
    _check(fmt)
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    title = f"{title_of(campaign.organization.name)} ({fmt.upper()})"
    return jobs.start_response(
        request, "rectification.campaign_list", title, {"pk": campaign_pk, "fmt": fmt}
    )
