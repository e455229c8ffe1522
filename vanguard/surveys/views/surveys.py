"""The upper level's survey pages: surveys by unit, one survey (lists, draw, codes,
opening and closing), a list's rows, and the results (HTML and PDF).

Views parse input, call `services`, and render; access goes through `request.scope` and
`permissions` (the upper level runs a unit's survey; the unit sees published results).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.campaigns.models import Enrollment
from vanguard.core.exports import pdf_response, sheets_response, xlsx_response
from vanguard.orgs.excel import WorkbookError
from vanguard.reports import jobs
from vanguard.surveys import exports, frames, results, services
from vanguard.surveys.forms import AnnounceForm, FrameImportForm, IssueCodesForm, SurveyDatesForm
from vanguard.surveys.models import Channel, Draw, Frame, Method, Survey

ROWS_PER_PAGE = 100


# -- lookups -----------------------------------------------------------------------------


def _survey_or_404(request, pk, *, run: bool = False) -> Survey:
    """The survey, for its upper level (404 outside the unit's readers, 403 for the unit's
    own readers); with `run`, for those who run it."""
    queryset = Survey.objects.select_related(
        "enrollment__organization", "enrollment__campaign", "enrollment__batch"
    )
    survey = request.scope.get_in_unit_or_404(
        queryset, pk=pk, unit=lambda s: s.enrollment.organization, module="surveys"
    )
    org = survey.enrollment.organization
    if not request.scope.can_oversee_unit(org):
        raise PermissionDenied
    if run and not request.scope.can_run_survey(org):
        raise PermissionDenied
    return survey


def _back(survey: Survey):
    return redirect("surveys:detail", pk=survey.pk)


# -- surveys by unit ---------------------------------------------------------------------


@login_required
def index(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="surveys")
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization", "batch")
        .prefetch_related("remedial_cycles")
    )
    surveys: dict[int, list[Survey]] = {}
    for survey in Survey.objects.filter(enrollment__in=enrollments).order_by("-number"):
        surveys.setdefault(survey.enrollment_id, []).append(survey)
    latest = results.latest_results(enrollments)
    rows = []
    for enrollment in enrollments:
        org = enrollment.organization
        mine = surveys.get(enrollment.pk, [])
        result = latest.get(enrollment.pk)
        oversee = request.scope.can_oversee_unit(org)
        rows.append(
            {
                "enrollment": enrollment,
                "current": next((s for s in mine if not s.is_closed), None),
                "result": result if result and (oversee or result.is_published) else None,
                "surveys": len(mine),
                "oversee": oversee,
                "run": request.scope.can_run_survey(org),
                "cycle": next((c for c in enrollment.remedial_cycles.all() if c.is_open), None),
            }
        )
    context = {"campaign": campaign, "rows": rows, "nav_campaign": campaign}
    return render(request, "surveys/index.html", context)


@login_required
def create(request, enrollment_pk):
    queryset = Enrollment.objects.select_related("organization", "campaign", "batch")
    enrollment = request.scope.get_in_unit_or_404(queryset, pk=enrollment_pk, module="surveys")
    if not request.scope.can_run_survey(enrollment.organization):
        raise PermissionDenied
    form = SurveyDatesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(enrollment, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Survey %(number)s created.") % {"number": survey.number})
            return _back(survey)
    status = 400 if form.errors else 200
    context = {"enrollment": enrollment, "campaign": enrollment.campaign, "form": form}
    return render(request, "surveys/create.html", context, status=status)


# -- one survey --------------------------------------------------------------------------


def _detail_context(request, survey: Survey, **forms) -> dict:
    methods = survey.enrollment.campaign.rules.satisfaction.methods
    frame_list = list(survey.frames.all())
    by_method = {frame.method: frame for frame in frame_list}
    draw = Draw.objects.filter(frame__survey=survey).first()
    group_counts = (
        survey.frames.values_list("method", "rows__group").annotate(n=Count("rows")).order_by()
    )
    groups: dict[str, list[tuple[str, int]]] = {}
    for method, group, n in group_counts:
        if group is not None:
            groups.setdefault(method, []).append((group, n))
    answered = dict(
        survey.valid_codes.filter(used=True)
        .order_by()
        .values_list("method")
        .annotate(n=Count("pk"))
    )
    stats = {
        method: {"invited": n, "issued": issued, "answered": answered.get(method, 0)}
        for method, n, issued in survey.invitations.order_by()
        .values_list("method")
        .annotate(n=Count("pk"), issued=Count("issued_on"))
    }
    lists = [
        {
            "method": method,
            "label": Method(method).label,
            "frame": by_method.get(method),
            "groups": sorted(groups.get(method, [])),
            "stats": stats.get(method),
            "replaceable": _replaceable(by_method.get(method), draw, stats.get(method)),
            "form": forms.get(f"import_{method}") or FrameImportForm(prefix=method),
            "problems": forms.get(f"problems_{method}", []),
        }
        for method in methods
        if method in Method.values
    ]
    can_run = request.scope.can_run_survey(survey.enrollment.organization)
    return {
        "survey": survey,
        "enrollment": survey.enrollment,
        "campaign": survey.enrollment.campaign,
        "can_run": can_run and not survey.is_closed,
        "lists": lists,
        "sample_frame": by_method.get(Method.RANDOM_SAMPLE),
        "draw": draw,
        "announce_form": forms.get("announce") or AnnounceForm(),
        "dates_form": forms.get("dates")
        or SurveyDatesForm(initial={"opens_on": survey.opens_on, "closes_on": survey.closes_on}),
        "invited": sum(s["invited"] for s in stats.values()),
        "issued": sum(s["issued"] for s in stats.values()),
        "answered": sum(s["answered"] for s in stats.values()),
        "result": results.compute(survey) if survey.is_closed else None,
        "channels": Channel,
        "method_choices": IssueCodesForm().fields["method"].choices,
    }


def _replaceable(frame, draw, stats) -> bool:
    """A list may be imported again until a draw is announced from it or codes issued."""
    if frame is None:
        return True
    if frame.method == Method.RANDOM_SAMPLE:
        return draw is None
    return not (stats and stats["issued"])


@login_required
def detail(request, pk):
    survey = _survey_or_404(request, pk)
    return render(request, "surveys/detail.html", _detail_context(request, survey))


@login_required
@require_POST
def edit_dates(request, pk):
    survey = _survey_or_404(request, pk, run=True)
    form = SurveyDatesForm(request.POST)
    if form.is_valid():
        try:
            services.reschedule_survey(survey, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey's dates are saved."))
            return _back(survey)
    context = _detail_context(request, survey, dates=form)
    return render(request, "surveys/detail.html", context, status=400)


@login_required
@require_POST
def import_frame(request, pk, method):
    survey = _survey_or_404(request, pk, run=True)
    if method not in Method.values:
        raise Http404
    form = FrameImportForm(request.POST, request.FILES, prefix=method)
    if form.is_valid():  # the worker reads and stores the list (`build_frame_import`)
        upload = form.cleaned_data["file"]
        title = _("Import of %(file)s") % {"file": upload.name}
        params = {"pk": survey.pk, "method": method}
        back = reverse("surveys:detail", args=[survey.pk])
        return jobs.start_response(
            request, "surveys.frame_import", title, params, upload=upload, back=back
        )
    context = _detail_context(request, survey, **{f"import_{method}": form})
    return render(request, "surveys/detail.html", context, status=400)


@jobs.importer("surveys.frame_import")
def build_frame_import(ctx, pk, method) -> dict:
    """All or nothing: a list with any problem is rejected with every problem listed."""
    survey = _survey_or_404(ctx, pk, run=True)
    with ctx.open_upload() as file:
        try:
            frame = services.import_frame(
                survey, method, file, filename=ctx.job.upload_name, acting=ctx.scope
            )
        except WorkbookError as error:
            raise jobs.rejected_workbook(error) from error
        except ValidationError as error:
            raise jobs.JobError(" ".join(error.messages)) from error
    message = _("%(count)s people imported into the list.") % {"count": frame.row_count}
    return {"message": message, "next_url": reverse("surveys:detail", args=[survey.pk])}


@login_required
def frame_template(request):
    if not request.scope.manage_paths:
        raise Http404
    return xlsx_response(frames.write_template, frames.TEMPLATE_FILENAME)


@login_required
def frame_rows(request, pk):
    frame = get_object_or_404(Frame.objects.select_related("survey"), pk=pk)
    survey = _survey_or_404(request, frame.survey_id)
    rows = frame.rows.select_related("invitation").order_by("number")
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "survey": survey,
        "frame": frame,
        "page": page,
        "campaign": survey.enrollment.campaign,
    }
    return render(request, "surveys/frame.html", context)


@login_required
@require_POST
def announce(request, pk):
    survey = _survey_or_404(request, pk, run=True)
    frame = survey.frames.filter(method=Method.RANDOM_SAMPLE).first()
    form = AnnounceForm(request.POST)
    if frame is None:
        form.add_error(None, _("Import the list of the public first."))
    elif form.is_valid():
        try:
            services.announce_draw(frame, form.announcement(), acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The seed is announced and published."))
            return _back(survey)
    context = _detail_context(request, survey, announce=form)
    return render(request, "surveys/detail.html", context, status=400)


@login_required
@require_POST
def make_draw(request, pk):
    survey = _survey_or_404(request, pk, run=True)
    draw = get_object_or_404(Draw, frame__survey=survey)
    try:
        services.make_draw(draw, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(count)s people drawn and invited.") % {"count": len(draw.selected_rows)}
        )
    return _back(survey)


@login_required
@require_POST
def issue_codes(request, pk):
    survey = _survey_or_404(request, pk, run=True)
    form = IssueCodesForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Codes not issued: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return _back(survey)
    channel = form.cleaned_data["channel"]
    name = survey.enrollment.organization.name
    stamp = timezone.localdate().isoformat()
    # The file is made inside the transaction that stores the codes' hashes: if it cannot
    # be made, no code is issued (a code nobody ever saw would be lost).
    try:
        with transaction.atomic():
            issued = services.issue_codes(
                survey,
                channel=channel,
                method=form.cleaned_data["method"] or None,
                reissue=form.cleaned_data["reissue"],
                acting=request.scope,
            )
            if not issued:
                messages.warning(request, _("Nobody left to issue a code to with these choices."))
                return _back(survey)
            if channel == Channel.SMS:
                sheet = exports.sms_sheet(request, survey, issued)
                return sheets_response([sheet], f"{name}-测评码短信-{stamp}.xlsx")
            context = exports.slips_context(request, survey, issued)
            filename = f"{name}-测评邀请-{stamp}.pdf"
            return pdf_response("surveys/slips_pdf.html", context, filename, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(survey)


@login_required
@require_POST
def open_survey(request, pk):
    survey = _survey_or_404(request, pk, run=True)
    try:
        services.open_survey(survey, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The survey is open for responses."))
    return _back(survey)


@login_required
@require_POST
def appoint_tellers(request, pk):
    """Appoint the survey's tellers; their codes are shown once, on the page returned."""
    survey = _survey_or_404(request, pk, run=True)
    names = [request.POST.get(f"teller_{n}", "") for n in range(1, 4)]
    try:
        slips = services.appoint_tellers(survey, names, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(survey)
    response = render(request, "surveys/teller_slips.html", {"survey": survey, "slips": slips})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def close_survey(request, pk):
    survey = _survey_or_404(request, pk, run=True)
    codes = [request.POST.get(f"code_{n}", "") for n in range(1, 4)]
    try:
        services.close_survey(survey, codes, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The survey is closed: %(outcome)s.") % {"outcome": survey.get_outcome_display()},
        )
    return _back(survey)


@login_required
@require_POST
def publish(request, pk):
    survey = _survey_or_404(request, pk)
    if not request.scope.can_run_survey(survey.enrollment.organization):
        raise PermissionDenied
    try:
        services.publish_results(survey, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The results are published."))
    return redirect("surveys:results", pk=survey.pk)


# -- results -----------------------------------------------------------------------------


def _results_survey_or_404(request, pk) -> Survey:
    """A closed survey's results: the upper level, and the unit once published."""
    queryset = Survey.objects.select_related(
        "enrollment__organization", "enrollment__campaign", "enrollment__batch"
    )
    survey = request.scope.get_in_unit_or_404(
        queryset, pk=pk, unit=lambda s: s.enrollment.organization, module="surveys"
    )
    org = survey.enrollment.organization
    if not request.scope.can_see_survey_results(org, published=survey.published_on is not None):
        raise PermissionDenied
    if not survey.is_closed:
        raise Http404
    return survey


def results_context(scope, survey: Survey) -> dict:
    """The results page's context, for the page, its PDF and the inspection archive."""
    tallies, comments = results.question_tallies(survey)
    org = survey.enrollment.organization
    cycle = survey.enrollment.remedial_cycles.filter(closed_on__isnull=True).first()
    result = results.compute(survey)
    return {
        "survey": survey,
        "campaign": survey.enrollment.campaign,
        "enrollment": survey.enrollment,
        "result": result,
        "combined_rows": result.combined.rows(result.options),
        "rule": survey.enrollment.campaign.rules.satisfaction,
        "tallies": tallies,
        "comments": comments,
        "oversee": scope.can_oversee_unit(org),
        "can_run": scope.can_run_survey(org),
        "cycle": cycle,
        "min_shown": result.min_shown,
    }


@login_required
def results_page(request, pk):
    survey = _results_survey_or_404(request, pk)
    return render(request, "surveys/results.html", results_context(request.scope, survey))


@login_required
@require_POST
def results_pdf(request, pk):
    survey = _results_survey_or_404(request, pk)
    title = f"{survey.enrollment.organization.name} · {survey.number} (PDF)"
    return jobs.start_response(request, "surveys.results_pdf", title, {"pk": pk})


@jobs.export("surveys.results_pdf")
def build_results_pdf(ctx, pk) -> jobs.Output:
    """Made by the background worker; `ctx` carries the user's scope like a request."""
    survey = _results_survey_or_404(ctx, pk)
    context = results_context(ctx.scope, survey)
    name = f"{survey.enrollment.organization.name}-满意度测评结果-{survey.number}.pdf"
    return jobs.pdf_output(RESULTS_PDF, context, name)


RESULTS_PDF = "surveys/results_pdf.html"
