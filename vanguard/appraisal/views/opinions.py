"""Staff pages of opinions: the list (with its Excel export), entering an opinion, and one
opinion with its answer, feedback to the member, closing, and passing it on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE, STAFF
from vanguard.appraisal import services
from vanguard.appraisal.forms import (
    AnswerForm,
    FeedbackForm,
    LinkMemberForm,
    PassOnForm,
    StaffOpinionForm,
)
from vanguard.appraisal.models import Opinion, OpinionStatus, Subject
from vanguard.core.exports import Sheet
from vanguard.reports import jobs

OPINIONS_PER_PAGE = 50


def filtered_opinions(request, campaign):
    """The campaign's opinions routed to units the user reads, filtered by the query."""
    today = timezone.localdate()
    opinions = (
        Opinion.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter("responsible_unit__"))
        .select_related("responsible_unit", "member", "unit")
    )
    params = request.GET
    if params.get("status") in OpinionStatus.values:
        opinions = opinions.filter(status=params["status"])
    if params.get("overdue") == "1":
        opinions = opinions.filter(status=OpinionStatus.OPEN, due_on__lt=today)
    if params.get("channel"):
        opinions = opinions.filter(channel=params["channel"])
    if params.get("subject") in Subject.values:
        opinions = opinions.filter(subject=params["subject"])
    if params.get("unit", "").isdigit():
        unit = request.scope.get_org_or_404(int(params["unit"]))
        opinions = opinions.filter(unit.subtree_q("responsible_unit__"))
    query = params.get("q", "").strip()
    if query:
        opinions = opinions.filter(
            Q(content__icontains=query)
            | Q(member__name__icontains=query)
            | Q(person_named__icontains=query)
        )
    open_first = Case(
        When(status=OpinionStatus.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return opinions.order_by(open_first, "due_on", "-received_on", "pk")


def _row(opinion, rules, today):
    return {
        "opinion": opinion,
        "channel": opinion.channel_title(rules),
        "overdue": opinion.is_overdue(today),
    }


@login_required
def opinion_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="opinions")
    rules = campaign.rules
    today = timezone.localdate()
    page = Paginator(filtered_opinions(request, campaign), OPINIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "campaign": campaign,
        "page": page,
        "rows": [_row(opinion, rules, today) for opinion in page],
        "channels": rules.opinion_channels,
        "statuses": OpinionStatus.choices,
        "subjects": Subject.choices,
        "query_string": params.urlencode(),
        "can_enter": bool(request.scope.manage_paths),
    }
    return render(request, "appraisal/opinion_list.html", context)


@login_required
@require_POST
def opinion_export(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="opinions")
    return jobs.start_response(
        request,
        "appraisal.opinions_xlsx",
        f"{campaign.title} · {_('Opinions')}",
        {"campaign_pk": campaign_pk},
    )


@jobs.export("appraisal.opinions_xlsx")
def build_opinion_export(ctx, campaign_pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope and query like a request."""
    campaign = ctx.scope.get_campaign_or_404(campaign_pk, module="opinions")
    rules = campaign.rules
    opinions = filtered_opinions(ctx, campaign)
    rows = (opinion_row(o, rules) for o in opinions.iterator(chunk_size=500))
    sheet = Sheet(
        _("Opinions"), opinion_headers(), rows, widths=[12, 14, 16, 60, 24, 12, 10, 40, 12, 12, 12]
    )
    return jobs.sheets_output([sheet], f"{_('Opinions')}.xlsx")


def opinion_headers() -> list[str]:
    return [
        _("Received on"),
        _("Channel"),
        _("About"),
        _("Opinion"),
        _("Responsible unit"),
        _("Answer due on"),
        _("Status"),
        _("Answer"),
        _("Answered on"),
        _("Fed back to the member on"),
        _("Closed on"),
    ]


def opinion_row(o, rules) -> list[object]:
    """An opinion as a row of the export and of the archive: never its author."""
    return [
        o.received_on,
        o.channel_title(rules),
        o.about_label,
        o.content,
        o.responsible_unit.name,
        o.due_on,
        o.get_status_display(),
        o.answer,
        o.answered_on,
        o.fed_back_on,
        o.closed_on,
    ]


@login_required
def opinion_new(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="opinions")
    request.scope.require_manager()
    form = StaffOpinionForm(request.POST or None, campaign=campaign, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        try:
            received = services.receive_opinion(
                campaign, entered_by=request.user, **form.service_arguments(), acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context = {
                "campaign": campaign,
                "opinion": received.opinion,
                "receipt": received.receipt,
                "visible": request.scope.can_view_org(received.opinion.responsible_unit),
            }
            return render(request, "appraisal/opinion_received.html", context)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "appraisal/opinion_form.html", {"campaign": campaign, "form": form}, status=status
    )


def _opinion_or_404(request, pk, *, manage=False) -> Opinion:
    return request.scope.get_or_404(
        Opinion.objects.select_related(
            "campaign__organization", "responsible_unit", "member__organization", "unit"
        ),
        reach=STAFF,
        unit=lambda opinion: opinion.responsible_unit,
        require=MANAGE if manage else (),
        module="opinions",
        pk=pk,
    )


def history_lines(records) -> list[dict]:
    """The opinion's changes, newest first, each saying what changed (recording the
    feedback is not a second "answered")."""
    lines = []
    for index, record in enumerate(records):
        before = records[index + 1] if index + 1 < len(records) else None
        if before is None:
            what = [record.get_status_display()]
        else:
            changed = {change.field for change in record.diff_against(before).changes}
            what = []
            if "status" in changed:
                what.append(record.get_status_display())
            elif "answer" in changed or "answered_on" in changed:
                what.append(_("Answer amended"))
            if "fed_back_on" in changed and record.fed_back_on:
                what.append(
                    _("Fed back to the member on %(date)s")
                    % {"date": date_format(record.fed_back_on, "DATE_FORMAT")}
                )
            if "member" in changed and record.member_id:
                what.append(_("Member concerned named"))
            if "responsible_unit" in changed:
                what.append(_("Passed on"))
            if not what:
                what.append(_("Changed"))
        lines.append({"record": record, "what": "；".join(str(part) for part in what)})
    return lines


def _detail_context(request, opinion, **forms):
    campaign = opinion.campaign
    can_manage = request.scope.can_manage_org(opinion.responsible_unit)
    defaults = {
        "answer_form": AnswerForm(
            initial={
                "answer": opinion.answer,
                "answered_on": opinion.answered_on or timezone.localdate(),
            }
        ),
        "feedback_form": FeedbackForm(initial={"fed_back_on": timezone.localdate()}),
        "pass_form": PassOnForm(campaign=campaign),
        "link_form": LinkMemberForm(
            unit=opinion.responsible_unit, initial={"member": opinion.member_id}
        ),
    }
    history = (
        Opinion.history.filter(id=opinion.pk)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return {
        "campaign": campaign,
        "opinion": opinion,
        "channel": opinion.channel_title(campaign.rules),
        "history_lines": history_lines(list(history)),
        "overdue": opinion.is_overdue(timezone.localdate()),
        "transfers": opinion.transfers.select_related("from_unit", "to_unit", "transferred_by"),
        "history": history,
        "can_manage": can_manage,
        **defaults,
        **forms,
    }


@login_required
def opinion_detail(request, pk):
    opinion = _opinion_or_404(request, pk)
    return render(request, "appraisal/opinion_detail.html", _detail_context(request, opinion))


def _act(request, pk, form_name, form_class, action, *, form_kwargs=None):
    """Run a manager's action on an opinion: on a bad form or a refusal, show the page
    again with the message and what was typed (400); on success, back to the opinion."""
    opinion = _opinion_or_404(request, pk, manage=True)
    form = form_class(request.POST, **(form_kwargs(opinion) if form_kwargs else {}))
    if form.is_valid():
        try:
            message = action(opinion, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            if request.scope.can_view_org(opinion.responsible_unit):
                return redirect("appraisal:opinion", pk=opinion.pk)
            return redirect("appraisal:opinions", campaign_pk=opinion.campaign_id)
    context = _detail_context(request, opinion, **{form_name: form})
    return render(request, "appraisal/opinion_detail.html", context, status=400)


@login_required
@require_POST
def opinion_answer(request, pk):
    def action(opinion, data):
        services.answer_opinion(
            opinion,
            text=data["answer"],
            on=data["answered_on"],
            user=request.user,
            acting=request.scope,
        )
        return _("The answer was saved.")

    return _act(request, pk, "answer_form", AnswerForm, action)


@login_required
@require_POST
def opinion_feedback(request, pk):
    def action(opinion, data):
        services.record_feedback(opinion, on=data["fed_back_on"], acting=request.scope)
        return _("The feedback to the member was recorded.")

    return _act(request, pk, "feedback_form", FeedbackForm, action)


@login_required
@require_POST
def opinion_close(request, pk):
    opinion = _opinion_or_404(request, pk, manage=True)
    try:
        services.close_opinion(opinion, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The opinion is closed."))
    return redirect("appraisal:opinion", pk=opinion.pk)


@login_required
@require_POST
def opinion_pass(request, pk):
    def action(opinion, data):
        transfer = services.pass_on(
            opinion,
            direction=data["direction"],
            to_unit=data["to_unit"],
            reason=data["reason"],
            user=request.user,
            acting=request.scope,
        )
        return _("The opinion was passed to %(unit)s.") % {"unit": transfer.to_unit}

    return _act(
        request,
        pk,
        "pass_form",
        PassOnForm,
        action,
        form_kwargs=lambda opinion: {"campaign": opinion.campaign},
    )


@login_required
@require_POST
def opinion_link_member(request, pk):
    def action(opinion, data):
        services.link_member(opinion, data["member"], acting=request.scope)
        return _("The opinion now concerns %(member)s.") % {"member": data["member"]}

    return _act(
        request,
        pk,
        "link_form",
        LinkMemberForm,
        action,
        form_kwargs=lambda opinion: {"unit": opinion.responsible_unit},
    )
