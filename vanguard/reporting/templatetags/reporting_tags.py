"""Template tags of reporting: the panels on a unit's page and on the campaign overview.
Each runs a constant number of queries, whatever the data."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q

from vanguard.campaigns.phases import phase_state
from vanguard.reporting.models import COUNTED, Brief, BriefStatus, PhaseSummary, SummaryStatus

register = template.Library()

STATUS_CSS: dict[str, str] = {
    SummaryStatus.SUBMITTED: "info",
    SummaryStatus.RETURNED: "danger",
    SummaryStatus.APPROVED: "success",
    BriefStatus.DRAFT: "secondary",
    BriefStatus.SUBMITTED: "info",
    BriefStatus.ACCEPTED: "primary",
    BriefStatus.PUBLISHED: "success",
    BriefStatus.WITHDRAWN: "secondary",
}


@register.filter
def report_css(status: str) -> str:
    """The Bootstrap colour of a summary's or a brief's status badge."""
    return STATUS_CSS.get(status, "secondary")


@register.filter
def level_css(level) -> str:
    """The colour of a figure line by its verdict's level (0 OK, 1 warning, 2 failing)."""
    return {0: "success", 1: "warning", 2: "danger"}.get(level, "secondary")


@register.inclusion_tag("reporting/_unit_panel.html", takes_context=True)
def reporting_unit_panel(context):
    enrollment = context["enrollment"]
    campaign = enrollment.campaign
    scope = context["scope"]
    summaries = {
        s.phase_code: s
        for s in PhaseSummary.objects.filter(enrollment=enrollment).only(
            "pk", "phase_code", "status", "enrollment_id"
        )
    }
    briefs = Brief.objects.filter(enrollment=enrollment).aggregate(
        accepted=Count("pk", filter=Q(status__in=COUNTED)),
        waiting=Count("pk", filter=Q(status=BriefStatus.SUBMITTED)),
    )
    return {
        "campaign": campaign,
        "enrollment": enrollment,
        "phases": [(p, summaries.get(p.code)) for p in campaign.rules.phases],
        "state": phase_state(enrollment, scope.today),
        "briefs": briefs,
    }


@register.inclusion_tag("reporting/_overview_panel.html", takes_context=True)
def reporting_overview_panel(context, campaign):
    scope = context["scope"]
    summaries = (
        PhaseSummary.objects.filter(enrollment__campaign=campaign)
        .filter(scope.unit_filter("enrollment__organization__"))
        .aggregate(
            waiting=Count("pk", filter=Q(status=SummaryStatus.SUBMITTED)),
            returned=Count("pk", filter=Q(status=SummaryStatus.RETURNED)),
            approved=Count("pk", filter=Q(status=SummaryStatus.APPROVED)),
        )
    )
    briefs = (
        Brief.objects.filter(campaign=campaign)
        .filter(scope.unit_filter("enrollment__organization__"))
        .aggregate(
            waiting=Count("pk", filter=Q(status=BriefStatus.SUBMITTED)),
            accepted=Count("pk", filter=Q(status__in=COUNTED)),
            published=Count("pk", filter=Q(status=BriefStatus.PUBLISHED)),
        )
    )
    return {
        "campaign": campaign,
        "summaries": summaries,
        "briefs": briefs,
        "leading_group": scope.can_see_campaign_report(campaign),
    }
