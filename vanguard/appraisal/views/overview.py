"""分析评议 at a glance: every enrolled unit of the user's scope, one row each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from vanguard.appraisal import stats
from vanguard.appraisal.conf import APPRAISAL_MODULES
from vanguard.campaigns.models import Enrollment


@login_required
def overview(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module=APPRAISAL_MODULES)
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization", "batch")
        .prefetch_related("phases")
    )
    today = timezone.localdate()
    units = stats.load(campaign, enrollments, today=today)
    context = {
        "campaign": campaign,
        "rows": [units[e.pk] for e in enrollments],
        "today": today,
    }
    return render(request, "appraisal/overview.html", context)
