"""Template tags of this app: the panels on a unit's page and on a member's page, and small
filters. Each panel runs a constant number of queries, whatever the data."""

from __future__ import annotations

from django import template
from django.db.models import Count, Min, Prefetch, Q

from vanguard.oversight.models import (
    AWAITING_ANSWER,
    ArticleStatus,
    Commendation,
    CommendationStatus,
    DispositionCase,
    GroupMembership,
    LeadingGroup,
    LiaisonAssignment,
    Suggestion,
    SuggestionStatus,
    SupervisionVisit,
)
from vanguard.oversight.selectors import label_kinds, published_for, sorted_memberships

register = template.Library()

STATUS_CSS = {
    SuggestionStatus.OPEN: "warning",
    SuggestionStatus.RETURNED: "danger",
    SuggestionStatus.ANSWERED: "info",
    SuggestionStatus.ACCEPTED: "success",
    ArticleStatus.DRAFT: "secondary",
    ArticleStatus.SUBMITTED: "info",
    ArticleStatus.PUBLISHED: "success",
    CommendationStatus.NOMINATED: "info",
    CommendationStatus.APPROVED: "primary",
    CommendationStatus.REJECTED: "secondary",
    CommendationStatus.WITHDRAWN: "secondary",
    CommendationStatus.PUBLISHED: "success",
}


@register.filter
def has_role(scope, role: str) -> bool:
    """`{% if scope|has_role:"liaison" %}`."""
    return bool(scope) and scope.has_role(role)


@register.filter
def status_css(status: str) -> str:
    """The Bootstrap colour of a status badge."""
    return STATUS_CSS.get(status, "secondary")


@register.inclusion_tag("oversight/_unit_panel.html", takes_context=True)
def oversight_unit_panel(context):
    """The unit page's panel: leading group, liaison officers, visits, commendations and,
    for those entitled, the count of non-qualifying member cases."""
    enrollment = context["enrollment"]
    scope = context["scope"]
    org = enrollment.organization
    group = (
        LeadingGroup.objects.filter(campaign_id=enrollment.campaign_id, organization=org)
        .prefetch_related(_memberships())
        .first()
    )
    panel = {
        "enrollment": enrollment,
        "campaign": context["campaign"],
        "group": group,
        "memberships": sorted_memberships(group.memberships.all()) if group else [],
        "can_manage": scope.can_manage_org(org),
        "commendations": _unit_commendations(enrollment),
        "today": scope.today,
    }
    if scope.can_see_supervision(org):
        panel.update(_supervision(enrollment, scope))
    if scope.can_manage_org(org):
        panel["open_cases"] = (
            DispositionCase.objects.filter(campaign_id=enrollment.campaign_id)
            .visible_to(scope)
            .filter(org.subtree_q("member__organization__"), outcome="")
            .count()
        )
    return panel


def _memberships():
    return Prefetch("memberships", GroupMembership.objects.select_related("member"))


def _unit_commendations(enrollment):
    """Published commendations of the unit itself and of its members, newest first."""
    found = (
        Commendation.objects.filter(
            campaign_id=enrollment.campaign_id, status=CommendationStatus.PUBLISHED
        )
        .filter(
            Q(organization=enrollment.organization)
            | enrollment.organization.subtree_q("member__organization__")
        )
        .select_related("member", "organization")
        .order_by("-published_on", "pk")
    )
    return label_kinds(list(found), enrollment.campaign)


def _supervision(enrollment, scope) -> dict:
    unit = enrollment.organization
    officers = (
        LiaisonAssignment.objects.filter(
            unit.subtree_q("organization__"), batch_id=enrollment.batch_id
        )
        .select_related("officer", "grant")
        .order_by("pk")
    )
    for assignment in officers:
        assignment.active = assignment.is_active(scope.today)
        assignment.status_now = assignment.state(scope.today)
    visits = (
        SupervisionVisit.objects.filter(
            unit.subtree_q("organization__"), assignment__batch_id=enrollment.batch_id
        )
        .annotate(
            suggestion_count=Count("suggestions"),
            open_count=Count("suggestions", filter=Q(suggestions__status__in=AWAITING_ANSWER)),
        )
        .select_related("assignment__officer")
        .order_by("-visited_on", "-pk")[:5]
    )
    waiting = Suggestion.objects.filter(
        unit.subtree_q("visit__organization__"),
        visit__assignment__batch_id=enrollment.batch_id,
        status__in=AWAITING_ANSWER,
    ).aggregate(count=Count("pk"), oldest=Min("answer_due_on"))
    return {
        "officers": list(officers),
        "visits": list(visits),
        "waiting": waiting,
        "supervision": True,
    }


@register.inclusion_tag("oversight/_me_panel.html", takes_context=True)
def oversight_me_panel(context):
    """The member's page: their published commendations, and their own disposition case
    (the member sees their own case; see `Scope.can_see_disposition_of`)."""
    member = context["member"]
    scope = context["scope"]
    commendations = list(
        published_for(member=member).select_related("campaign").order_by("-published_on")
    )
    campaigns = {}
    for commendation in commendations:
        campaign = campaigns.setdefault(commendation.campaign_id, commendation.campaign)
        label_kinds([commendation], campaign)
    cases = list(
        DispositionCase.objects.filter(member=member)
        .visible_to(scope)
        .prefetch_related("talks")
        .order_by("-opened_on")
    )
    duty_campaigns = []
    if member.is_leader_cadre:  # 三.4: the cadre's own 三先 and 十个一
        duty_campaigns = [
            e.campaign for e in scope.enrollments_covering(member) if e.campaign.rules.leader_duties
        ]
    return {
        "member": member,
        "scope": scope,
        "commendations": commendations,
        "cases": cases,
        "is_leader": scope.is_leader,
        "duty_campaigns": duty_campaigns,
    }


@register.inclusion_tag("oversight/_batch_officers.html", takes_context=True)
def batch_officers(context, batch):
    """The liaison officers of one batch and the form dispatching one to several of its
    units, on the batch's set-up page (campaigns' `batch_panel` slot). Two queries."""
    from vanguard.oversight.forms import BatchDispatchForm

    scope = context["request"].scope
    today = scope.today
    assignments = list(
        LiaisonAssignment.objects.filter(batch=batch).select_related(
            "officer", "organization", "grant"
        )
    )
    for assignment in assignments:
        assignment.status_now = assignment.state(today)
    form = context.get("batch_dispatch_form") or BatchDispatchForm(batch=batch)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "campaign": batch.campaign,
        "batch": batch,
        "assignments": assignments,
        "form": form if not batch.campaign.is_read_only else None,
    }
