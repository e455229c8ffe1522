"""Campaign-wide study pages: the overview of units by batch, who is short of hours across
the campaign, and the leaders' 三进 log."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.campaigns import parts, revision
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.campaigns.units import units_by_org
from vanguard.orgs.models import Member, Organization
from vanguard.reports import jobs
from vanguard.study.forms import VisitForm
from vanguard.study.hours import (
    NO_PARTICIPATION,
    participation_by_batch,
    with_hours,
)
from vanguard.study.models import LeaderVisit
from vanguard.study.summary import unit_studies
from vanguard.study.templatetags.study_tags import unit_options

PER_PAGE = 50


def _staff_enrollments(request, campaign: Campaign, *, phases: bool = True) -> list[Enrollment]:
    """The campaign's enrolled units the user reads (with their phase windows when
    `phases`), each holding `campaign` itself: its template is parsed once, not per unit."""
    queryset = (
        Enrollment.objects.visible_to(request.scope)
        .filter(campaign=campaign)
        .select_related("organization", "batch")
        .order_by("batch__number", "organization__path")
    )
    if phases:
        queryset = queryset.prefetch_related("phases")
    enrollments = list(queryset)
    for enrollment in enrollments:
        enrollment.campaign = campaign
    return enrollments


@login_required
def home(request):
    """The study section's entry: the overview for staff, my study page for members."""
    scope = request.scope
    if scope.is_staff_reader:
        campaigns = [
            c
            for c in Campaign.objects.select_related("organization").order_by("-starts_on")
            if scope.can_view_campaign_of(c.organization) and c.has_module("sessions")
        ]
        if campaigns:
            return redirect("study:overview", campaign_pk=campaigns[0].pk)
    if scope.member is not None:
        return redirect("study:me")
    raise Http404


@login_required
def overview(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="sessions")
    today = timezone.localdate()
    enrollments = _staff_enrollments(request, campaign)
    studies = unit_studies(campaign, enrollments, today)
    batch_rates = participation_by_batch(campaign, enrollments)
    batches = []
    for batch in campaign.batches.all():
        rows = [studies[e.pk] for e in enrollments if e.batch_id == batch.pk]
        if rows:
            batches.append(
                {
                    "batch": batch,
                    "rows": rows,
                    "participation": batch_rates.get(batch.pk, NO_PARTICIPATION),
                    "members": sum(r.hours.members for r in rows),
                    "short": sum(r.hours.short for r in rows),
                }
            )
    context = {
        "campaign": campaign,
        "batches": batches,
        "five_total": len(campaign.rules.five_ones),
        "threshold": campaign.rules.thresholds["min_study_hours"],
        "today": today,
    }
    return render(request, "study/overview.html", context)


def short_members(request, campaign, all_enrollments=None):
    enrollments = all_enrollments or _staff_enrollments(request, campaign, phases=False)
    batch = request.GET.get("batch", "")
    if batch.isdigit():
        enrollments = [e for e in enrollments if e.batch_id == int(batch)]
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        enrollments = [e for e in enrollments if e.pk == int(unit)]
    units = units_by_org(enrollments)
    members = with_hours(Member.objects.filter(organization__in=list(units)), campaign).filter(
        request.scope.unit_filter()
    )
    if request.GET.get("all") != "1":
        members = members.filter(shortfall__gt=0)
    return enrollments, units, members.order_by("-shortfall", "organization__path", "code")


FILTERS = ("batch", "unit", "all", "page")  # what the campaign hours page is asked for


@login_required
def shortfalls(request, campaign_pk):
    """Who is short of hours across the campaign. The table (a count and a sort over every
    member read: 120,000 at province) is kept per reach and filter until the campaign's data
    changes, and rendered again by one request at a time while the others are served the
    last one with its time (`parts.cached_part`), by the worker once there is one."""
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="sessions")
    params = request.GET.copy()
    params.pop("page", None)
    query_string = params.urlencode()
    asked = [request.GET.get(name, "") for name in FILTERS]
    reach = ("shortfalls", campaign.pk, timezone.localdate(), translation.get_language())
    reach += (*request.scope.read_paths, *asked)
    table, as_of = parts.cached_part(
        revision.cache_key(*reach, revision=revision.campaign_stamp(campaign.pk)),
        parts.Render(shortfalls_part, request, campaign.pk, query_string, campaign=campaign),
        latest=revision.cache_key(*reach, revision="latest"),
        made_at=timezone.now(),
        timeout=revision.timeout(),
        paced=True,
    )
    context = {
        "campaign": campaign,
        "table": table,
        "as_of": as_of,
        "unit_options": _unit_options(request, campaign),
        "batches": campaign.batches.all(),
        "query_string": query_string,
    }
    return render(request, "study/shortfalls.html", context)


def _unit_options(request, campaign) -> str:
    """The unit filter's options (every unit read: 3,000 at province), kept until a unit is
    enrolled or renamed."""
    chosen = request.GET.get("unit", "")
    stamp = revision.table_stamp(Enrollment._meta.db_table, Organization._meta.db_table)
    key = revision.cache_key(
        "shortfall-units", campaign.pk, *request.scope.read_paths, chosen, revision=stamp
    )
    options = cache.get_or_set(
        key,
        lambda: unit_options(_staff_enrollments(request, campaign, phases=False), chosen),
        timeout=revision.timeout(),
    )
    return cast(str, options)  # never None: computed when missing


def shortfalls_part(request, campaign_pk, query_string, campaign=None) -> str:
    """The table of who is short of hours, for the reader's reach and filters
    (`parts.Render`: by the worker too, which reads the campaign itself)."""
    campaign = campaign or request.scope.get_campaign_or_404(campaign_pk, module="sessions")
    enrollments, units, members = short_members(request, campaign)
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    by_pk = {e.pk: e for e in enrollments}
    for member in page:
        member.enrollment = by_pk.get(units.get(member.organization_id))
    context = {"campaign": campaign, "page": page, "query_string": query_string}
    return render_to_string("study/_shortfalls_table.html", context, request)


@login_required
@require_POST
def shortfalls_xlsx(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="sessions")
    title = f"{campaign.title} · {_('Study hours')}"
    return jobs.start_response(request, "study.shortfalls_xlsx", title, {"pk": campaign_pk})


# -- leaders' 三进 -----------------------------------------------------------------------------


def _visits_visible(request, campaign):
    """Staff see the visits of members in their scope; a member sees their own."""
    visits = LeaderVisit.objects.filter(campaign=campaign).select_related(
        "member__organization", "organization"
    )
    query = Q(pk__in=[])
    if request.scope.is_staff_reader:
        query |= Q(member__in=request.scope.members())
    if request.scope.member is not None:
        query |= Q(member=request.scope.member)
    return visits.filter(query)


def _may_log_for(request, member) -> bool:
    own = request.scope.member is not None and request.scope.member.pk == member.pk
    return (own and member.is_leader_cadre) or request.scope.can_manage_member(member)


@login_required
def visits(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, members=True, module="leader_visits")
    me = request.scope.member
    can_log = me is not None and me.is_leader_cadre
    form = VisitForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        if not can_log:
            raise PermissionDenied
        if form.is_valid():
            form.instance.member = me
            form.save()
            messages.success(request, _("Visit recorded."))
            return redirect("study:visits", campaign_pk=campaign.pk)
        messages.error(request, _("The visit was not recorded; see the form."))
    rules = campaign.rules
    rows = list(_visits_visible(request, campaign))
    for visit in rows:
        visit.kind_title = rules.label("leader_visit_kinds", visit.kind)
    context = {
        "campaign": campaign,
        "visits": rows,
        "form": form if can_log else None,
        "kinds": rules.leader_visit_kinds,
        "me": me,
    }
    return render(request, "study/visits.html", context, status=400 if form.errors else 200)


def _visit_or_404(request, pk) -> LeaderVisit:
    visit = (
        LeaderVisit.objects.select_related("campaign", "member__organization").filter(pk=pk).first()
    )
    if visit is None or not _visits_visible(request, visit.campaign).filter(pk=pk).exists():
        raise Http404
    request.scope.module_or_404(visit.campaign, "leader_visits")
    if not _may_log_for(request, visit.member):
        raise PermissionDenied
    return visit


@login_required
def visit_edit(request, pk):
    visit = _visit_or_404(request, pk)
    form = VisitForm(request.POST or None, instance=visit, campaign=visit.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Visit saved."))
        return redirect("study:visits", campaign_pk=visit.campaign_id)
    return render(
        request, "study/visit_form.html", {"form": form, "visit": visit, "campaign": visit.campaign}
    )


@login_required
@require_POST
def visit_delete(request, pk):
    visit = _visit_or_404(request, pk)
    campaign_id = visit.campaign_id
    visit.delete()
    messages.success(request, _("Visit deleted."))
    return redirect("study:visits", campaign_pk=campaign_id)
