"""The data screen (数据大屏): a full-screen, read-only page for a wall or a projector, for
the office and leaders. The page is a frame; `static/js/screen.js` draws the charts from
`screen_data` (JSON, from the stored figures) and fetches it again every `refresh` seconds.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from vanguard.campaigns import figures
from vanguard.reporting import campaign_report, screen

REFRESH_SECONDS = 60


@login_required
def screen_page(request, campaign_pk):
    campaign = request.scope.get_campaign_report_or_404(campaign_pk)
    context = {"campaign": campaign, "refresh": _refresh(request)}
    return render(request, "reporting/screen.html", context)


@login_required
def screen_data(request, campaign_pk):
    campaign = request.scope.get_campaign_report_or_404(campaign_pk)
    state = figures.state(campaign)  # a refresh scheduled when the figures are stale
    data = campaign_report.build(campaign, request.scope, commendations=False)
    response = JsonResponse(screen.payload(data, state.computed_at))
    response["Cache-Control"] = "no-store"
    return response


def _refresh(request) -> int:
    """Seconds between two fetches: 60, or `?refresh=` (1–3600; a test shortens it)."""
    try:
        seconds = int(request.GET.get("refresh", REFRESH_SECONDS))
    except ValueError:
        return REFRESH_SECONDS
    return min(max(seconds, 1), 3600)
