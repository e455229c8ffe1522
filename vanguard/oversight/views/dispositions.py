"""Non-qualifying members (R23): cases with education talks, a deadline and the outcome.

Every query goes through `DispositionCase.objects.visible_to(scope)` and every single
case through `Scope.can_see_disposition_of` (both decided in accounts.access): the list,
its search, the Excel export, the detail page and the forms. Outside the rule the answer is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.core.exports import Sheet
from vanguard.oversight import services
from vanguard.oversight.forms import CaseForm, DeadlineForm, OutcomeForm, TalkForm
from vanguard.oversight.models import DispositionCase, Outcome
from vanguard.oversight.views.common import (
    query_string_without_page,
    require,
    require_visible,
)
from vanguard.reports import jobs

PER_PAGE = 50


def _list_campaign(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="dispositions")
    require_visible(request.scope.manages_something)
    return campaign


def filtered_cases(request, campaign):
    """The cases the user may see, searched and filtered by the list's query string."""
    cases = DispositionCase.objects.filter(campaign=campaign).visible_to(request.scope)
    query = request.GET.get("q", "").strip()
    if query:
        cases = cases.filter(
            Q(member__name__icontains=query)
            | Q(member__code__icontains=query)
            | Q(reason__icontains=query)
        )
    state = request.GET.get("state", "")
    if state == "open":
        cases = cases.filter(outcome="")
    elif state in Outcome.values:
        cases = cases.filter(outcome=state)
    return (
        cases.select_related("member__organization")
        .annotate(talk_count=Count("talks"))
        .order_by("-opened_on", "-pk")
    )


@login_required
def case_list(request, campaign_pk):
    campaign = _list_campaign(request, campaign_pk)
    form = CaseForm(campaign=campaign, scope=request.scope)
    return _render_list(request, campaign, form)


def _render_list(request, campaign, form, status=200):
    page = Paginator(filtered_cases(request, campaign), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "page": page,
        "outcomes": Outcome.choices,
        "query_string": query_string_without_page(request),
        "form": form,
    }
    return render(request, "oversight/case_list.html", context, status=status)


@login_required
@require_POST
def case_export(request, campaign_pk):
    campaign = _list_campaign(request, campaign_pk)
    return jobs.start_response(
        request,
        "oversight.cases_xlsx",
        f"{campaign.title} · {_('Cases')}",
        {"campaign_pk": campaign_pk},
    )


@jobs.export("oversight.cases_xlsx")
def build_case_export(ctx, campaign_pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope and query like a request."""
    campaign = _list_campaign(ctx, campaign_pk)
    rows = (
        (
            case.member.name,
            case.member.code,
            case.member.organization.name,
            case.opened_on,
            case.reason,
            case.talk_count,
            case.deadline_set_on,
            case.improve_by,
            case.get_outcome_display(),
            case.outcome_on,
        )
        for case in filtered_cases(ctx, campaign)
    )
    headers = [
        _("Member"),
        _("Member number"),
        _("Organisation"),
        _("Opened on"),
        _("Problems found"),
        _("Education talks"),
        _("Deadline set on"),
        _("To improve by"),
        _("Outcome"),
        _("Outcome on"),
    ]
    sheet = Sheet(_("Cases"), headers, rows, widths=(10, 14, 24, 12, 50, 8, 12, 12, 20, 12))
    filename = _("non-qualifying-members-%(date)s.xlsx") % {"date": ctx.scope.today}
    return jobs.sheets_output([sheet], filename)


@login_required
@require_POST
def case_new(request, campaign_pk):
    campaign = _list_campaign(request, campaign_pk)
    form = CaseForm(request.POST, campaign=campaign, scope=request.scope)
    if form.is_valid():
        try:
            case = services.open_case(
                campaign, by=request.user, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The case was opened."))
            return redirect(case)
    return _render_list(request, campaign, form, status=400)


def _case_or_404(request, pk) -> DispositionCase:
    case = get_object_or_404(
        DispositionCase.objects.select_related("member__organization", "campaign", "opened_by"),
        pk=pk,
    )
    require_visible(request.scope.can_see_disposition_of(case.member))
    request.scope.module_or_404(case.campaign, "dispositions")
    return case


@login_required
def case_detail(request, pk):
    return _render_case(request, _case_or_404(request, pk))


def _render_case(request, case, forms=None, status=200):
    can_change = request.scope.can_manage_member(case.member) and not case.is_concluded
    forms = forms or {}
    today = {"initial": {"held_on": request.scope.today}}
    context = {
        "case": case,
        "campaign": case.campaign,
        "talks": case.talks.all(),
        "can_change": can_change,
        "can_list": request.scope.can_manage_member(case.member),
        "talk_form": (forms.get("talk") or TalkForm(**today)) if can_change else None,
        "deadline_form": (
            forms.get("deadline") or DeadlineForm(initial={"set_on": request.scope.today})
            if can_change
            else None
        ),
        "outcome_form": (
            forms.get("outcome") or OutcomeForm(initial={"outcome_on": request.scope.today})
            if can_change
            else None
        ),
    }
    return render(request, "oversight/case_detail.html", context, status=status)


def _case_step(request, pk, form_class, name, action, success):
    case = _case_or_404(request, pk)
    require(request.scope.can_manage_member(case.member))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(case, acting=request.scope, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(case)
    return _render_case(request, case, forms={name: form}, status=400)


@login_required
@require_POST
def case_talk(request, pk):
    return _case_step(
        request, pk, TalkForm, "talk", services.record_talk, _("The talk was recorded.")
    )


@login_required
@require_POST
def case_deadline(request, pk):
    return _case_step(
        request, pk, DeadlineForm, "deadline", services.set_deadline, _("The deadline was set.")
    )


@login_required
@require_POST
def case_outcome(request, pk):
    return _case_step(
        request,
        pk,
        OutcomeForm,
        "outcome",
        services.conclude_case,
        _("The outcome was recorded."),
    )
