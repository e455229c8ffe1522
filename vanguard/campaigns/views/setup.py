"""Setting a campaign up in the browser (活动设置), for the campaign office and superusers:
templates (upload, check, fix in the editor), starting a campaign, its batches, enrolling
units in bulk, ending and archiving it. Everyone else gets 404 (`Scope.require_set_up`).

Thin views: the rules are in `services` (each takes `acting=request.scope`) and the
campaign's state in `Campaign.check_writable`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vanguard.accounts.access import Scope, ScopedRequest
from vanguard.campaigns import services
from vanguard.campaigns.forms import (
    BatchForm,
    EnrolCategoryForm,
    EnrolTreeForm,
    EnrolWorkbookForm,
    StartCampaignForm,
    TemplateUploadForm,
    load_chosen_template,
)
from vanguard.campaigns.models import Batch, Campaign, CampaignState, Enrollment, StoredTemplate
from vanguard.campaigns.template import TemplateError, shipped_template_codes
from vanguard.campaigns.template_lines import key_lines, problem_line
from vanguard.core import registry
from vanguard.orgs.excel import ImportProblem, WorkbookError
from vanguard.orgs.models import Organization, path_within
from vanguard.reports import jobs


def _scope(request: ScopedRequest) -> Scope:
    request.scope.require_set_up()
    return request.scope


@login_required
def setup_index(request: ScopedRequest) -> HttpResponse:
    scope = _scope(request)
    campaigns = scope.setup_campaigns().order_by("-starts_on")
    return render(
        request,
        "campaigns/setup/index.html",
        {
            "running": [c for c in campaigns if c.state == CampaignState.ACTIVE],
            "ended": [c for c in campaigns if c.state != CampaignState.ACTIVE],
            "shipped": shipped_template_codes(),
            "uploaded": StoredTemplate.objects.select_related("uploaded_by")[:20],
        },
    )


@login_required
def template_upload(request: ScopedRequest) -> HttpResponse:
    """Upload a template file (or type it): every problem with its key and line; nothing
    kept until it has none. The editor keeps the text to fix and send again."""
    scope = _scope(request)
    problems: list[dict[str, Any]] = []
    if request.method == "POST":
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                stored = services.store_template(
                    text, filename=form.cleaned_data["filename"], user=request.user, acting=scope
                )
            except TemplateError as error:
                lines = key_lines(text)
                problems = sorted(
                    (
                        {"key": p.key, "line": problem_line(p, lines), "message": p.message}
                        for p in error.problems
                    ),
                    key=lambda problem: problem["line"] or 0,
                )
            else:
                messages.success(
                    request,
                    _("The template %(title)s has no problem and is kept.")
                    % {"title": stored.title},
                )
                return redirect(f"{reverse('campaigns:setup-start')}?template=uploaded:{stored.pk}")
    else:
        form = TemplateUploadForm()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/setup/template.html",
        {"form": form, "problems": problems},
        status=status,
    )


@login_required
def campaign_start(request: ScopedRequest) -> HttpResponse:
    scope = _scope(request)
    if request.method == "POST":
        form = StartCampaignForm(request.POST, scope=scope)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.create_campaign(
                    data["rules"],
                    code=data["code"],
                    title=data["title"],
                    organization=data["organization"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    acting=scope,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(title)s is started; now add its batches.") % {"title": campaign.title},
                )
                return redirect("campaigns:setup-detail", campaign_pk=campaign.pk)
        status = 400
    else:
        initial = {"template": request.GET.get("template")}
        try:  # the chosen template's code and title, to be changed as needed
            rules = load_chosen_template(initial["template"] or "")
        except (KeyError, TemplateError):
            pass
        else:
            initial.update(code=rules.code, title=rules.title)
        form = StartCampaignForm(scope=scope, initial=initial)
        status = 200
    return render(request, "campaigns/setup/start.html", {"form": form}, status=status)


@login_required
def campaign_detail(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    scope = _scope(request)
    campaign = scope.get_setup_campaign_or_404(campaign_pk)
    return _render_detail(request, campaign)


def _render_detail(
    request: ScopedRequest,
    campaign: Campaign,
    batch_form: BatchForm | None = None,
    status: int = 200,
) -> HttpResponse:
    counts: dict[int, int] = {}
    for batch_id in Enrollment.objects.filter(campaign=campaign).values_list("batch_id", flat=True):
        counts[batch_id] = counts.get(batch_id, 0) + 1
    batches: list[Any] = list(campaign.batches.all())  # Batch rows, with counts for the page
    for batch in batches:
        batch.unit_count = counts.get(batch.pk, 0)
        batch.category_titles = _category_titles(campaign, batch.categories)
    return render(
        request,
        "campaigns/setup/campaign.html",
        {
            "campaign": campaign,
            "batches": batches,
            "batch_form": None
            if campaign.is_read_only
            else batch_form or BatchForm(campaign=campaign),
        },
        status=status,
    )


def _category_titles(campaign: Campaign, codes: Iterable[str]) -> list[str]:
    titles = {item.code: item.title for item in campaign.rules.unit_categories}
    return [titles.get(code, code) for code in codes]


@login_required
@require_POST
def batch_create(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    scope = _scope(request)
    campaign = scope.get_setup_campaign_or_404(campaign_pk)
    form = BatchForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            batch = services.create_batch(campaign, **form.cleaned_data, acting=scope)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(batch)s is added.") % {"batch": batch.title})
            return redirect("campaigns:setup-batch", campaign_pk=campaign.pk, batch_pk=batch.pk)
    return _render_detail(request, campaign, batch_form=form, status=400)


def _batch_or_404(request: ScopedRequest, pk: int, batch_pk: int) -> tuple[Scope, Campaign, Batch]:
    return _batch_in_scope(_scope(request), pk, batch_pk)


def _batch_in_scope(scope: Scope, pk: int, batch_pk: int) -> tuple[Scope, Campaign, Batch]:
    """The batch of a campaign this scope sets up (the office's), or 404: for a request and
    for the worker, which checks again with the job owner's scope."""
    scope.require_set_up()
    campaign = scope.get_setup_campaign_or_404(pk)
    batch = campaign.batches.filter(pk=batch_pk).first()
    if batch is None:
        raise Http404
    batch.campaign = campaign
    return scope, campaign, batch


@login_required
def batch_detail(request: ScopedRequest, campaign_pk: int, batch_pk: int) -> HttpResponse:
    """A batch: its dates and categories (edited here), its units, and enrolment in bulk
    (by category, from the tree, from an Excel list)."""
    scope, campaign, batch = _batch_or_404(request, campaign_pk, batch_pk)
    form = None
    status = 200
    if request.method == "POST":
        form = BatchForm(request.POST, campaign=campaign, batch=batch)
        if form.is_valid():
            try:
                services.update_batch(batch, **form.cleaned_data, acting=scope)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("%(batch)s is saved.") % {"batch": batch.title})
                return redirect("campaigns:setup-batch", campaign_pk=campaign.pk, batch_pk=batch.pk)
        status = 400
    return _render_batch(request, campaign, batch, form=form, status=status)


def _render_batch(
    request: ScopedRequest,
    campaign: Campaign,
    batch: Batch,
    *,
    form: BatchForm | None = None,
    outcome: services.EnrolmentOutcome | None = None,
    problems: Sequence[ImportProblem] = (),
    workbook_form: EnrolWorkbookForm | None = None,
    status: int = 200,
) -> HttpResponse:
    enrolled = {
        e.organization.path: e
        for e in Enrollment.objects.filter(campaign=campaign).select_related(
            "organization", "batch"
        )
    }
    tree = []
    for org in Organization.objects.filter(campaign.organization.subtree_q()).order_by("path"):
        here = enrolled.get(org.path)
        covered = next(
            (e for path, e in enrolled.items() if path_within(org.path, path) and path != org.path),
            None,
        )
        tree.append(
            {
                "org": org,
                "indent": org.depth - campaign.organization.depth,
                "enrollment": here,
                "covered_by": covered,
                "enrollable": services.enrollable(org, campaign.rules),
            }
        )
    read_only = campaign.is_read_only
    return render(
        request,
        "campaigns/setup/batch.html",
        {
            "campaign": campaign,
            "batch": batch,
            "units": [e for e in enrolled.values() if e.batch_id == batch.pk],
            "category_titles": _category_titles(campaign, batch.categories),
            "tree": tree,
            "form": None if read_only else form or BatchForm(campaign=campaign, batch=batch),
            "category_form": None
            if read_only
            else EnrolCategoryForm(campaign=campaign, batch=batch),
            "workbook_form": None if read_only else workbook_form or EnrolWorkbookForm(),
            "outcome": outcome,
            "problems": problems,
            "batch_panels": [app.batch_panel for app in registry.phase_apps() if app.batch_panel],
        },
        status=status,
    )


@login_required
@require_POST
def batch_enroll(request: ScopedRequest, campaign_pk: int, batch_pk: int) -> HttpResponse:
    """Enrol the units ticked in the tree, or those of the categories chosen."""
    scope, campaign, batch = _batch_or_404(request, campaign_pk, batch_pk)
    if request.POST.get("mode") == "category":
        form = EnrolCategoryForm(request.POST, campaign=campaign, batch=batch)
        units = (
            services.units_of_categories(batch, form.cleaned_data["categories"])
            if form.is_valid()
            else None
        )
    else:
        tree_form = EnrolTreeForm(request.POST, campaign=campaign)
        units = list(tree_form.cleaned_data["units"]) if tree_form.is_valid() else None
    if units is None:
        messages.error(request, _("Choose the units (or categories) to enrol."))
        return _render_batch(request, campaign, batch, status=400)
    try:
        outcome = services.enroll_units(batch, units, acting=scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_batch(request, campaign, batch, status=400)
    _report(request, outcome)
    return _render_batch(request, campaign, batch, outcome=outcome)


def _report(request: ScopedRequest, outcome: services.EnrolmentOutcome) -> None:
    if outcome.enrolled:
        messages.success(request, _("%(count)s units enrolled.") % {"count": len(outcome.enrolled)})
    if outcome.refused:
        messages.warning(
            request,
            _("%(count)s units were not enrolled; the reasons are listed below.")
            % {"count": len(outcome.refused)},
        )
    if not outcome.enrolled and not outcome.refused:
        messages.info(request, _("No unit to enrol."))


@login_required
@require_POST
def batch_enroll_workbook(request: ScopedRequest, campaign_pk: int, batch_pk: int) -> HttpResponse:
    """Checks the form here; the worker reads the list and enrols its units
    (`build_enrolment_from_list`, up to `enrolment_list.MAX_ROWS` rows). A form with a
    problem comes back with its message, the batch's page as it was."""
    campaign, batch = _batch_or_404(request, campaign_pk, batch_pk)[1:]
    form = EnrolWorkbookForm(request.POST, request.FILES)
    if campaign.is_read_only:
        messages.error(request, _("The campaign is read-only: no unit can be enrolled."))
        return _render_batch(request, campaign, batch, status=400)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors.get("file", [_("Choose a file.")]))))
        return _render_batch(request, campaign, batch, workbook_form=form, status=400)
    upload = form.cleaned_data["file"]
    title = _("Enrolment of %(file)s in %(batch)s") % {"file": upload.name, "batch": batch.title}
    response: HttpResponse = jobs.start_response(
        request,
        ENROL_LIST_JOB,
        title,
        {"campaign_pk": campaign.pk, "batch_pk": batch.pk},
        upload=upload,
        back=reverse("campaigns:setup-batch", args=[campaign.pk, batch.pk]),
    )
    return response


ENROL_LIST_JOB = "campaigns.enrol_list"


@jobs.importer(ENROL_LIST_JOB)
def build_enrolment_from_list(
    ctx: jobs.JobContext, campaign_pk: int, batch_pk: int
) -> dict[str, str]:
    """All or nothing, in the worker: every problem of the list (and every unit refused)
    with its row and column, nothing enrolled if there is one. Access is checked again with
    the owner's scope."""
    scope, campaign, batch = _batch_in_scope(cast(Scope, ctx.scope), campaign_pk, batch_pk)
    with ctx.open_upload() as file:
        try:
            outcome = services.enroll_from_list(batch, file, acting=scope, progress=ctx.progress)
        except WorkbookError as error:
            problems = jobs.rejected_workbook(error).problems
            message = ngettext(
                "Nothing was enrolled: the list has %(count)s problem. "
                "Correct it and upload the list again.",
                "Nothing was enrolled: the list has %(count)s problems. "
                "Correct them and upload the list again.",
                len(problems),
            ) % {"count": len(problems)}
            raise jobs.JobError(message, problems) from error
        except ValidationError as error:
            raise jobs.JobError(" ".join(error.messages)) from error
    message = ngettext(
        "%(count)s unit enrolled in %(batch)s.",
        "%(count)s units enrolled in %(batch)s.",
        len(outcome.enrolled),
    ) % {"count": len(outcome.enrolled), "batch": batch.title}
    return {
        "message": message,
        "next_url": reverse("campaigns:setup-batch", args=[campaign.pk, batch.pk]),
    }


@login_required
@require_POST
def campaign_end(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    scope = _scope(request)
    campaign = scope.get_setup_campaign_or_404(campaign_pk)
    try:
        services.end_campaign(campaign, acting=scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(title)s has ended: it is read-only now.") % {"title": campaign.title}
        )
    return redirect("campaigns:setup-detail", campaign_pk=campaign.pk)


@login_required
@require_POST
def campaign_archive(request: ScopedRequest, campaign_pk: int) -> HttpResponse:
    scope = _scope(request)
    campaign = scope.get_setup_campaign_or_404(campaign_pk)
    try:
        services.archive_campaign(campaign, acting=scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(title)s is archived.") % {"title": campaign.title})
    return redirect("campaigns:setup-detail", campaign_pk=campaign.pk)
