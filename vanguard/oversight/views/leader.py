"""The bureau leader's home page (R26, SCREENS: "the liaison-point units first").

For the signed-in leader and a campaign: each liaison-point unit and department with its
progress (phase timeline, steps done), its compliance verdicts, its open supervision
suggestions, and the leader's own 三进 visits there. The verdicts are put together from
the stored unit figures (`figures.campaign_report` over a scope narrowed to the liaison
points: no rule runs in the request), so the page's cost and query count do not grow with
the size of the campaign.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from vanguard.accounts.access import Scope, subtree_filter
from vanguard.accounts.models import Role
from vanguard.campaigns import figures
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import path_within, paths_overlap
from vanguard.oversight import duties, services
from vanguard.oversight.models import LiaisonPoint, PointKind, Suggestion


def leader_visit_model():
    """`study.LeaderVisit` when the study app is installed, else None."""
    try:
        return apps.get_model("study", "LeaderVisit")
    except LookupError:
        return None


def _campaign(request) -> Campaign | None:
    pk = request.GET.get("campaign", "")
    if pk.isdigit():
        return request.scope.get_campaign_or_404(int(pk))
    campaigns = Campaign.objects.select_related("organization").order_by("-starts_on")
    return next((c for c in campaigns if request.scope.can_view_campaign_of(c.organization)), None)


def points_scope(scope, paths) -> Scope:
    """The leader's scope narrowed to their liaison points, for a focused evaluation."""
    return Scope(
        user=scope.user,
        today=scope.today,
        grants=[(Role.LEADER, path) for path in paths],
        member=None,
    )


@login_required
def leader_home(request):
    scope = request.scope
    if not scope.is_leader:
        raise Http404
    campaign = _campaign(request)
    leader = scope.member
    context = {"campaign": campaign, "leader": leader, "units": [], "visits": None}
    if campaign is not None and leader is not None:
        context["as_of"] = figures.state(campaign).as_of
        context.update(_liaison_point_context(scope, campaign, leader))
        context["duties"] = _own_duties(campaign, leader)
    return render(request, "oversight/leader_home.html", context)


def _liaison_point_context(scope, campaign, leader) -> dict:
    points = list(
        LiaisonPoint.objects.filter(campaign=campaign, leader=leader)
        .select_related("organization")
        .order_by("kind")
    )
    paths = [point.organization.path for point in points]
    if not paths:
        return {"points": []}
    report = figures.campaign_report(campaign, scope=points_scope(scope, paths))
    enrollments = report.context.enrollments
    open_suggestions = list(
        services.open_suggestions(
            Suggestion.objects.filter(visit__assignment__batch__campaign=campaign)
        )
        .filter(subtree_filter(paths, prefix="visit__organization__"))
        .select_related("visit__organization")
        .order_by("answer_due_on")
    )
    units = [
        _unit_row(point, enrollments, report, open_suggestions)
        for point in sorted(points, key=lambda p: p.kind != PointKind.UNIT)
    ]
    _add_cadre_duties(campaign, units)
    return {
        "points": points,
        "units": units,
        "report": report,
        "visits": _leader_visits(campaign, leader, paths),
        "step_total": len(campaign.rules.steps()),
    }


def _unit_row(point, enrollments, report, open_suggestions) -> dict:
    path = point.organization.path
    enrollment = _covering(enrollments, path)
    findings = []
    if enrollment is not None:
        findings = [
            finding
            for verdict in report.verdicts
            for finding in verdict.for_enrollment(enrollment.pk)
        ]
    return {
        "point": point,
        "enrollment": enrollment,
        "level": report.unit_levels[enrollment.pk] if enrollment else None,
        "bars": report.units[enrollment.pk].bars if enrollment else [],
        "steps_done": report.units[enrollment.pk].steps_done if enrollment else 0,
        "findings": findings,
        "suggestions": [
            s for s in open_suggestions if path_within(s.visit.organization.path, path)
        ],
    }


def _own_duties(campaign, leader) -> list[dict] | None:
    """三.4: the leader's own 三先 and 十个一, item by item (None: not in the template, or
    the leader is not marked a leader cadre)."""
    if not campaign.rules.leader_duties or not leader.is_leader_cadre:
        return None
    records = duties.records_of(campaign, [leader]).get(leader.pk, {})
    return [
        {"duty": duty, "records": records.get(duty.code, [])} for duty in duties.duties(campaign)
    ]


def _add_cadre_duties(campaign, units) -> None:
    """Each liaison-point unit's leader cadres with every 三先 / 十个一 item recorded, out
    of all of them (two queries for all the points)."""
    if not campaign.rules.leader_duties:
        return
    enrolled = [row["enrollment"] for row in units if row["enrollment"] is not None]
    cadres = duties.cadres_of({e.pk: e for e in enrolled}.values())
    records = duties.records_of(campaign, [m for ms in cadres.values() for m in ms])
    for row in units:
        if row["enrollment"] is None:
            continue
        unit_cadres = cadres[row["enrollment"].pk]
        complete = sum(
            1 for c in unit_cadres if not duties.missing(campaign, records.get(c.pk, {}))
        )
        row["cadre_duties"] = {"cadres": len(unit_cadres), "complete": complete}


def _covering(enrollments: list[Enrollment], path: str) -> Enrollment | None:
    """The enrolment of the point's unit: the unit itself, an ancestor, or one inside it."""
    for enrollment in enrollments:
        enrolled = enrollment.organization.path
        if paths_overlap(path, enrolled):
            return enrollment
    return None


def _leader_visits(campaign, leader, paths):
    """The leader's 三进 visits at the liaison points, or None without the study module."""
    model = leader_visit_model()
    if model is None:
        return None
    visits = list(
        model.objects.filter(campaign=campaign, member=leader)
        .filter(subtree_filter(paths, prefix="organization__"))
        .select_related("organization")
        .order_by("-visited_on")
    )
    for visit in visits:
        try:
            visit.kind_title = campaign.rules.label("leader_visit_kinds", visit.kind)
        except KeyError:
            visit.kind_title = visit.kind
    return visits
