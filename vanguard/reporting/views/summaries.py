"""阶段总结与转段验收: a unit's summaries of its phases, their sign-off, the campaign's list
and the printable summary (a background job)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE, STAFF
from vanguard.campaigns.phases import phase_state
from vanguard.ops.files import send_file
from vanguard.reporting import services
from vanguard.reporting.compliance import approval_required
from vanguard.reporting.forms import ReviewForm, SummaryForm
from vanguard.reporting.models import PhaseSummary, SummaryEvidence, SummaryStatus
from vanguard.reporting.views.common import attempt, require
from vanguard.reports import jobs

MODULE = "summaries"
AWAITING_FIRST = Case(
    When(status=SummaryStatus.SUBMITTED, then=Value(0)),
    When(status=SummaryStatus.RETURNED, then=Value(1)),
    default=Value(2),
)
PER_PAGE = 50


def _enrollment(request, campaign_pk, enrollment_pk, **kwargs):
    return request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, reach=STAFF, module=MODULE, prefetch=["phases"], **kwargs
    )


def _summary_or_404(request, pk) -> PhaseSummary:
    return request.scope.get_or_404(
        PhaseSummary.objects.select_related(
            "enrollment__campaign__organization", "enrollment__organization", "enrollment__batch"
        ),
        unit=lambda s: s.enrollment.organization,
        reach=STAFF,
        module=MODULE,
        pk=pk,
    )


def phase_rows(enrollment, summaries: dict, forms: dict | None = None) -> list[dict]:
    """One row per phase of the template: its window, its summary, the form to submit."""
    windows = {w.phase_code: w for w in enrollment.phases.all()}
    forms = forms or {}
    return [
        {
            "phase": phase,
            "window": windows.get(phase.code),
            "summary": summaries.get(phase.code),
            "form": forms.get(phase.code),
        }
        for phase in enrollment.campaign.rules.phases
    ]


@login_required
def unit_summaries(request, campaign_pk, enrollment_pk, forms=None, status=200):
    enrollment = _enrollment(request, campaign_pk, enrollment_pk)
    summaries = {
        s.phase_code: s
        for s in PhaseSummary.objects.filter(enrollment=enrollment).prefetch_related(
            "evidence", "reviews"
        )
    }
    can_write = request.scope.can_write_reports(enrollment.organization)
    forms = forms or {}
    if can_write and not enrollment.campaign.is_read_only:
        for phase in enrollment.campaign.rules.phases:
            summary = summaries.get(phase.code)
            if summary is None or summary.status == SummaryStatus.RETURNED:
                initial = {"text": summary.text} if summary else {}
                forms.setdefault(phase.code, SummaryForm(initial=initial, prefix=phase.code))
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "rows": phase_rows(enrollment, summaries, forms),
        "state": phase_state(enrollment, request.scope.today),
        "approval_required": approval_required(enrollment.campaign),
    }
    return render(request, "reporting/unit_summaries.html", context, status=status)


@login_required
@require_POST
def summary_submit(request, campaign_pk, enrollment_pk, phase_code):
    enrollment = _enrollment(request, campaign_pk, enrollment_pk, require=MANAGE)
    if phase_code not in {p.code for p in enrollment.campaign.rules.phases}:
        raise Http404
    form = SummaryForm(request.POST, request.FILES, prefix=phase_code)
    if form.is_valid():
        try:
            summary = services.submit_summary(
                enrollment,
                phase_code,
                text=form.cleaned_data["text"],
                files=form.uploads(),
                by=request.user,
                acting=request.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The summary was submitted for sign-off."))
            return redirect(summary)
    return unit_summaries(request, campaign_pk, enrollment_pk, forms={phase_code: form}, status=400)


@login_required
def summary_detail(request, pk):
    summary = _summary_or_404(request, pk)
    enrollment = summary.enrollment
    context = {
        "summary": summary,
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "phase": enrollment.campaign.rules.phase(summary.phase_code),
        "evidence": summary.evidence.select_related("uploaded_by"),
        "reviews": summary.reviews.select_related("reviewer"),
        "can_sign_off": request.scope.can_sign_off_summary(summary)
        and summary.status == SummaryStatus.SUBMITTED
        and not enrollment.campaign.is_read_only,
        "can_resubmit": request.scope.can_write_reports(enrollment.organization)
        and summary.status == SummaryStatus.RETURNED,
        "review_form": ReviewForm(),
    }
    return render(request, "reporting/summary_detail.html", context)


@login_required
@require_POST
def summary_review(request, pk, action):
    summary = _summary_or_404(request, pk)
    require(request.scope.can_sign_off_summary(summary))
    comment = request.POST.get("comment", "")
    if action == "approve":
        attempt(
            request,
            lambda: services.approve_summary(
                summary, by=request.user, comment=comment, acting=request.scope
            ),
            _("The summary is approved."),
        )
    elif action == "return":
        attempt(
            request,
            lambda: services.return_summary(
                summary, by=request.user, comment=comment, acting=request.scope
            ),
            _("The summary was returned to the unit."),
        )
    else:
        raise Http404
    return redirect(summary)


@login_required
def summary_evidence(request, pk):
    evidence = (
        SummaryEvidence.objects.select_related(
            "summary__enrollment__organization", "summary__enrollment__campaign"
        )
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not request.scope.can_download_evidence(
        evidence.summary.enrollment.organization
    ):
        raise Http404
    request.scope.module_or_404(evidence.summary.enrollment.campaign, MODULE)
    return send_file(evidence.file)


@login_required
@require_POST
def summary_pdf(request, pk):
    summary = _summary_or_404(request, pk)
    title = _("Phase summary of %(unit)s (PDF)") % {"unit": summary.enrollment.organization}
    return jobs.start_response(request, "reporting.summary_pdf", title, {"pk": pk})


@jobs.export("reporting.summary_pdf")
def build_summary_pdf(ctx, pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope like a request."""
    summary = _summary_or_404(ctx, pk)
    filename = f"{summary.enrollment.organization.name}-{summary.phase_code}.pdf"
    return jobs.pdf_output(SUMMARY_PDF, summary_context(summary), filename)


SUMMARY_PDF = "reporting/print/summary.html"


def summary_context(summary: PhaseSummary) -> dict:
    """The printed summary (its PDF export, the inspection archive)."""
    enrollment = summary.enrollment
    return {
        "summary": summary,
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "phase": enrollment.campaign.rules.phase(summary.phase_code),
        "evidence": list(summary.evidence.all()),
        "reviews": list(summary.reviews.select_related("reviewer")),
    }


@login_required
def summary_list(request, campaign_pk):
    """The campaign's summaries the user reads, those awaiting sign-off first."""
    campaign = request.scope.get_campaign_or_404(campaign_pk, module=MODULE)
    summaries = (
        PhaseSummary.objects.filter(enrollment__campaign=campaign)
        .filter(request.scope.unit_filter("enrollment__organization__"))
        .select_related("enrollment__organization", "enrollment__batch", "submitted_by")
        .order_by(AWAITING_FIRST, "-submitted_on", "pk")
    )
    status = request.GET.get("status", "")
    if status in SummaryStatus.values:
        summaries = summaries.filter(status=status)
    titles = {phase.code: phase.title for phase in campaign.rules.phases}
    page = Paginator(summaries, PER_PAGE).get_page(request.GET.get("page"))
    for summary in page:
        summary.phase_title = titles.get(summary.phase_code, summary.phase_code)
    context = {
        "campaign": campaign,
        "page": page,
        "statuses": SummaryStatus.choices,
        "status": status,
        "approval_required": approval_required(campaign),
    }
    return render(request, "reporting/summary_list.html", context)
