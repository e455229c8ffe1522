"""Liaison points (R26) and liaison officers (R27): dispatches, visits, suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.campaigns.models import Batch, Enrollment
from vanguard.core.exports import Sheet
from vanguard.orgs.models import path_within
from vanguard.oversight import duties, services
from vanguard.oversight.forms import (
    AnswerForm,
    BatchDispatchForm,
    DispatchForm,
    NoteForm,
    PointForm,
    VisitForm,
)
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    LiaisonAssignment,
    LiaisonPoint,
    PointKind,
    Suggestion,
    SuggestionStatus,
    SupervisionVisit,
)
from vanguard.oversight.views.common import (
    attempt,
    query_string_without_page,
    require,
    require_visible,
)
from vanguard.reports import jobs

SUGGESTIONS_PER_PAGE = 50


# -- liaison points ------------------------------------------------------------------------


def _bureau_page(request, campaign_pk):
    """The liaison points and the officers' board are the office's and the leaders'."""
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="liaison")
    scope = request.scope
    require_visible(scope.is_office or scope.is_leader)
    return campaign


@login_required
def points(request, campaign_pk):
    campaign = _bureau_page(request, campaign_pk)
    return _render_points(request, campaign, PointForm(campaign=campaign))


def _render_points(request, campaign, form, status=200):
    by_leader: dict[int, dict] = {}
    for point in LiaisonPoint.objects.filter(campaign=campaign).select_related("organization"):
        by_leader.setdefault(point.leader_id, {})[point.kind] = point.organization
    leaders = services.bureau_leaders(campaign)
    # 三.4: each leader's own 三先 and 十个一, beside their points.
    has_duties = bool(campaign.rules.leader_duties)
    records = duties.records_of(campaign, leaders) if has_duties else {}
    rows = [
        {
            "leader": leader,
            "unit": by_leader.get(leader.pk, {}).get(PointKind.UNIT),
            "department": by_leader.get(leader.pk, {}).get(PointKind.DEPARTMENT),
            "duties_done": len(campaign.rules.leader_duties)
            - len(duties.missing(campaign, records.get(leader.pk, {}))),
        }
        for leader in leaders
    ]
    context = {
        "campaign": campaign,
        "rows": rows,
        "duty_total": len(campaign.rules.leader_duties),
        "form": form if request.scope.is_office else None,
    }
    return render(request, "oversight/points.html", context, status=status)


@login_required
@require_POST
def points_set(request, campaign_pk):
    campaign = _bureau_page(request, campaign_pk)
    require(request.scope.is_office)
    form = PointForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            services.set_liaison_point(campaign, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The liaison point was saved."))
            return redirect("oversight:points", campaign_pk=campaign.pk)
    return _render_points(request, campaign, form, status=400)


# -- the office's board of liaison officers ------------------------------------------------


@login_required
def officers(request, campaign_pk):
    campaign = _bureau_page(request, campaign_pk)
    return _render_officers(request, campaign, DispatchForm(campaign=campaign))


def _render_officers(request, campaign, form, status=200):
    today = timezone.localdate()
    assignments: dict[int, list] = {}
    for assignment in LiaisonAssignment.objects.filter(batch__campaign=campaign).select_related(
        "officer", "organization", "grant"
    ):
        assignment.active = assignment.is_active(today)
        assignment.status_now = assignment.state(today)
        assignments.setdefault(assignment.batch_id, []).append(assignment)
    batches = []
    enrollments = Enrollment.objects.filter(campaign=campaign).select_related("organization")
    for batch in campaign.batches.all():
        rows = []
        for enrollment in enrollments:
            if enrollment.batch_id != batch.pk:
                continue
            path = enrollment.organization.path
            rows.append(
                {
                    "enrollment": enrollment,
                    "assignments": [
                        a
                        for a in assignments.get(batch.pk, [])
                        if path_within(a.organization.path, path)
                    ],
                }
            )
        batches.append(
            {"batch": batch, "rows": rows, "running": batch.starts_on <= today <= batch.ends_on}
        )
    context = {
        "campaign": campaign,
        "batches": batches,
        "form": form if request.scope.is_office else None,
    }
    return render(request, "oversight/officers.html", context, status=status)


@login_required
@require_POST
def officers_dispatch(request, campaign_pk):
    campaign = _bureau_page(request, campaign_pk)
    require(request.scope.is_office)
    form = DispatchForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            assignment = services.dispatch_officer(
                by=request.user, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(officer)s is dispatched to %(unit)s.")
                % {"officer": assignment.officer, "unit": assignment.organization},
            )
            return redirect("oversight:officers", campaign_pk=campaign.pk)
    return _render_officers(request, campaign, form, status=400)


@login_required
@require_POST
def assignment_withdraw(request, pk):
    assignment = get_object_or_404(
        LiaisonAssignment.objects.select_related("batch", "organization", "officer", "grant"), pk=pk
    )
    campaign = _bureau_page(request, assignment.batch.campaign_id)
    require(request.scope.is_office)
    attempt(
        request,
        lambda: services.withdraw_assignment(assignment, acting=request.scope),
        _("%(officer)s is recalled from %(unit)s.")
        % {"officer": assignment.officer, "unit": assignment.organization},
    )
    return redirect("oversight:officers", campaign_pk=campaign.pk)


# -- the officer's own page ----------------------------------------------------------------


@login_required
def my_assignments(request):
    scope = request.scope
    assignments = list(
        LiaisonAssignment.objects.filter(officer=request.user)
        .select_related("batch__campaign", "organization", "grant")
        .order_by("-batch__starts_on", "organization__path")
    )
    require_visible(bool(assignments) or scope.has_role("liaison"))
    active_ids = []
    for assignment in assignments:
        assignment.active = assignment.is_active(scope.today)
        assignment.status_now = assignment.state(scope.today)
        if assignment.active:
            active_ids.append(assignment.pk)
    enrollments = {
        (e.campaign_id, e.organization_id): e
        for e in Enrollment.objects.filter(
            organization_id__in=[a.organization_id for a in assignments]
        )
    }
    for assignment in assignments:
        assignment.enrollment = enrollments.get(
            (assignment.batch.campaign_id, assignment.organization_id)
        )
    visits = (
        SupervisionVisit.objects.filter(assignment_id__in=active_ids)
        .select_related("organization")
        .prefetch_related("suggestions")
    )
    campaigns = {a.batch.campaign_id: a.batch.campaign for a in assignments if a.active}
    context = {
        "assignments": assignments,
        "visits": visits,
        "today": scope.today,
        "todo_campaigns": list(campaigns.values()),
    }
    return render(request, "oversight/my_assignments.html", context)


# -- visits --------------------------------------------------------------------------------


def _assignment_for_visit(request, pk) -> LiaisonAssignment:
    assignment = get_object_or_404(
        LiaisonAssignment.objects.select_related("batch__campaign", "organization", "grant"), pk=pk
    )
    require_visible(
        request.scope.can_see_supervision(assignment.organization)
        or assignment.officer_id == request.user.pk
    )
    request.scope.module_or_404(assignment.batch.campaign, "liaison")
    require(request.scope.can_record_visit(assignment))
    return assignment


@login_required
def visit_new(request, assignment_pk):
    assignment = _assignment_for_visit(request, assignment_pk)
    batch = assignment.batch
    latest = min(request.scope.today, batch.ends_on)
    form = VisitForm(request.POST or None, initial={"visited_on": latest})
    form.fields["visited_on"].widget.attrs.update(
        {"min": batch.starts_on.isoformat(), "max": latest.isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.record_visit(
                assignment,
                by=request.user,
                visited_on=form.cleaned_data["visited_on"],
                checked=form.cleaned_data["checked"],
                findings=form.cleaned_data["findings"],
                suggestions=form.suggestion_lines(),
                acting=request.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect(visit)
    status = 400 if request.method == "POST" else 200
    context = {"assignment": assignment, "form": form}
    return render(request, "oversight/visit_form.html", context, status=status)


@login_required
def visit_detail(request, pk):
    visit = get_object_or_404(
        SupervisionVisit.objects.select_related(
            "organization", "assignment__officer", "assignment__batch__campaign", "recorded_by"
        ),
        pk=pk,
    )
    require_visible(request.scope.can_see_supervision(visit.organization))
    request.scope.module_or_404(visit.assignment.batch.campaign, "liaison")
    context = {
        "visit": visit,
        "suggestions": visit.suggestions.all(),
        "today": request.scope.today,
        "can_record": request.scope.can_record_visit(visit.assignment),
    }
    return render(request, "oversight/visit_detail.html", context)


# -- suggestions ---------------------------------------------------------------------------


def filtered_suggestions(request, campaign):
    """Suggestions of the campaign in the user's scope, filtered by the list's query."""
    suggestions = (
        Suggestion.objects.filter(visit__assignment__batch__campaign=campaign)
        .filter(request.scope.unit_filter("visit__organization__"))
        .select_related("visit__organization", "visit__assignment__officer")
    )
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        org = request.scope.get_org_or_404(int(unit))
        suggestions = suggestions.filter(org.subtree_q("visit__organization__"))
    status = request.GET.get("status", "")
    if status == "awaiting":
        suggestions = suggestions.filter(status__in=AWAITING_ANSWER)
    elif status == "open":
        suggestions = services.open_suggestions(suggestions)
    elif status == "overdue":
        suggestions = suggestions.filter(
            status__in=AWAITING_ANSWER, answer_due_on__lt=request.scope.today
        )
    elif status in SuggestionStatus.values:
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("answer_due_on", "pk")


@login_required
def suggestion_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="liaison")
    page = Paginator(filtered_suggestions(request, campaign), SUGGESTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "campaign": campaign,
        "page": page,
        "statuses": SuggestionStatus.choices,
        "query_string": query_string_without_page(request),
        "today": request.scope.today,
    }
    return render(request, "oversight/suggestion_list.html", context)


@login_required
@require_POST
def suggestion_export(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="liaison")
    return jobs.start_response(
        request,
        "oversight.suggestions_xlsx",
        f"{campaign.title} · {_('Suggestions')}",
        {"campaign_pk": campaign_pk},
    )


@jobs.export("oversight.suggestions_xlsx")
def build_suggestion_export(ctx, campaign_pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope and query like a request."""
    campaign = ctx.scope.get_campaign_or_404(campaign_pk, module="liaison")
    suggestions = filtered_suggestions(ctx, campaign)
    rows = (
        (
            s.visit.organization.name,
            s.visit.visited_on,
            str(s.visit.assignment.officer),
            s.text,
            s.answer_due_on,
            s.get_status_display(),
            s.answer,
            s.answered_on,
            s.accepted_on,
        )
        for s in suggestions.iterator(chunk_size=500)
    )
    headers = [
        _("Unit"),
        _("Visited on"),
        _("Liaison officer"),
        _("Suggestion"),
        _("Answer due on"),
        _("Status"),
        _("Answer"),
        _("Answered on"),
        _("Accepted on"),
    ]
    sheet = Sheet(_("Suggestions"), headers, rows, widths=(24, 12, 12, 50, 12, 16, 50, 12, 12))
    filename = _("supervision-suggestions-%(date)s.xlsx") % {"date": ctx.scope.today}
    return jobs.sheets_output([sheet], filename)


def _suggestion_or_404(request, pk) -> Suggestion:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related(
            "visit__organization",
            "visit__assignment__officer",
            "visit__assignment__grant",
            "visit__assignment__batch__campaign",
            "answered_by",
            "accepted_by",
        ),
        pk=pk,
    )
    require_visible(request.scope.can_see_supervision(suggestion.visit.organization))
    request.scope.module_or_404(suggestion.visit.assignment.batch.campaign, "liaison")
    return suggestion


@login_required
def suggestion_detail(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    return _render_suggestion(request, suggestion)


def _render_suggestion(request, suggestion, answer_form=None, note_form=None, status=200):
    scope = request.scope
    can_answer = scope.can_manage_org(suggestion.visit.organization) and suggestion.awaits_answer
    can_review = (
        scope.can_review_suggestion(suggestion) and suggestion.status == SuggestionStatus.ANSWERED
    )
    context = {
        "suggestion": suggestion,
        "visit": suggestion.visit,
        "today": scope.today,
        "answer_form": (answer_form or AnswerForm()) if can_answer else None,
        "note_form": (note_form or NoteForm()) if can_review else None,
        "can_convert": (
            services.can_convert_to_rectification()
            and scope.can_manage_org(suggestion.visit.organization)
            and suggestion.item_id is None
            and suggestion.converted_on is None
        ),
    }
    return render(request, "oversight/suggestion_detail.html", context, status=status)


@login_required
@require_POST
def suggestion_answer(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    require(request.scope.can_manage_org(suggestion.visit.organization))
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_suggestion(
                suggestion, by=request.user, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer was sent to the liaison officer."))
            return redirect(suggestion)
    return _render_suggestion(request, suggestion, answer_form=form, status=400)


@login_required
@require_POST
def suggestion_accept(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    require(request.scope.can_review_suggestion(suggestion))
    attempt(
        request,
        lambda: services.accept_suggestion(suggestion, by=request.user, acting=request.scope),
        _("The answer was accepted."),
    )
    return redirect(suggestion)


@login_required
@require_POST
def suggestion_return(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    require(request.scope.can_review_suggestion(suggestion))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.return_suggestion(
                suggestion, by=request.user, note=form.cleaned_data["note"], acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer was returned to the unit."))
            return redirect(suggestion)
    return _render_suggestion(request, suggestion, note_form=form, status=400)


@login_required
@require_POST
def suggestion_rectify(request, pk):
    suggestion = _suggestion_or_404(request, pk)
    require(request.scope.can_manage_org(suggestion.visit.organization))
    attempt(
        request,
        lambda: services.convert_to_rectification(
            suggestion, by=request.user, acting=request.scope
        ),
        _("The suggestion is now a rectification item."),
    )
    return redirect(suggestion)


@login_required
@require_POST
def batch_dispatch(request, batch_pk):
    """From a batch's set-up page (the office): one officer to several units of the batch,
    all or none."""
    request.scope.require_set_up()
    batch = get_object_or_404(Batch.objects.select_related("campaign"), pk=batch_pk)
    campaign = request.scope.module_or_404(
        request.scope.get_setup_campaign_or_404(batch.campaign_id), "liaison"
    )
    form = BatchDispatchForm(request.POST, batch=batch)
    if not form.is_valid():
        messages.error(request, _("Choose an officer and the units."))
    else:
        officer, units = form.cleaned_data["officer"], form.cleaned_data["units"]
        try:
            with transaction.atomic():
                for unit in units:
                    services.dispatch_officer(
                        batch, officer, unit, by=request.user, acting=request.scope
                    )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(officer)s is dispatched to %(count)s units.")
                % {"officer": officer, "count": len(units)},
            )
    return redirect("campaigns:setup-batch", campaign_pk=campaign.pk, batch_pk=batch.pk)
