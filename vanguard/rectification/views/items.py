"""Signed-in pages of rectification: the campaign's overview (the bureau sees all), each
unit's list and the bureau's own, an item's page with its actions, comment moderation and
the effect page. Views parse, call `services`, render; access through `request.scope`
(decided in `vanguard.accounts.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.ops.files import send_file
from vanguard.rectification import changes, effect, services, stats, workflow
from vanguard.rectification.forms import (
    EvidenceForm,
    ExplanationForm,
    ItemEditForm,
    ItemForm,
    NoteForm,
    ReopenForm,
    add_service_error,
)
from vanguard.rectification.models import (
    CommentStatus,
    EvidenceFile,
    Level,
    PublicComment,
    RectificationItem,
    Status,
)
from vanguard.rectification.workflow import Action, Actor

ITEMS_PER_PAGE = 50
COMMENTS_PER_PAGE = 50


# -- lookups ---------------------------------------------------------------------------------


def item_or_404(request, pk) -> RectificationItem:
    queryset = RectificationItem.objects.select_related(
        "campaign__organization",
        "enrollment__organization",
        "organization",
        "member",
        "responsible",
    )
    return request.scope.get_item_or_404(queryset, pk, module="rectification")


def list_items(scope, enrollment: Enrollment | None, campaign: Campaign):
    """The items of a unit's list (or the bureau's) that this user may see."""
    if enrollment is None:
        return RectificationItem.objects.filter(campaign=campaign, level=Level.BUREAU)
    items = RectificationItem.objects.filter(enrollment=enrollment)
    if not scope.sees_members_items(enrollment.organization):
        own = scope.member.pk if scope.member else None
        items = items.filter(~Q(level=Level.MEMBER) | Q(member_id=own))
    return items


def filter_items(request, items):
    status = request.GET.get("status", "")
    if status in Status.values:
        items = items.filter(status=status)
    level = request.GET.get("level", "")
    if level in Level.values:
        items = items.filter(level=level)
    if request.GET.get("overdue") == "1":
        items = items.overdue(timezone.localdate())
    return items.select_related("member", "responsible", "organization").order_by("deadline", "pk")


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# -- the campaign's overview -----------------------------------------------------------------


@login_required
def overview(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    today = timezone.localdate()
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization", "batch")
        .order_by("batch__number", "organization__path")
    )
    items = RectificationItem.objects.filter(campaign=campaign).filter(
        Q(enrollment__in=enrollments) | Q(enrollment__isnull=True)
    )
    summaries = stats.summarize(items, today)
    bureau = summaries.get(None) or stats.ListSummary()
    rows = [
        {"enrollment": e, "summary": summaries.get(e.pk) or stats.ListSummary()}
        for e in enrollments
    ]
    satisfaction = effect.latest_satisfaction(campaign, [e.pk for e in enrollments])
    for row in rows:
        row["satisfaction"] = satisfaction.get(row["enrollment"].pk)
    lists = [row["summary"] for row in rows if row["summary"].items]
    if bureau.items:
        lists.append(bureau)
    context = {
        "campaign": campaign,
        "rows": rows,
        "bureau": bureau,
        "totals": stats.total(lists),
        "satisfaction": effect.pooled_satisfaction(satisfaction.values()),
        "can_manage_bureau": request.scope.can_manage_org(campaign.organization),
        "statuses": Status,
    }
    return render(request, "rectification/overview.html", context)


@login_required
def effect_page(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    today = timezone.localdate()
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization")
        .order_by("batch__number", "organization__path")
    )
    items = RectificationItem.objects.filter(campaign=campaign).filter(
        Q(enrollment__in=enrollments) | Q(enrollment__isnull=True)
    )
    summaries = stats.summarize(items, today)
    satisfaction = effect.latest_satisfaction(campaign, [e.pk for e in enrollments])
    rows = [
        {
            "organization": e.organization,
            "enrollment": e,
            "summary": summaries.get(e.pk) or stats.ListSummary(),
            "satisfaction": satisfaction.get(e.pk),
        }
        for e in enrollments
    ]
    bureau = summaries.get(None)
    context = {
        "campaign": campaign,
        "rows": rows,
        "bureau": bureau,
        "totals": stats.total(summaries.values()),
        "satisfaction": effect.pooled_satisfaction(satisfaction.values()),
    }
    return render(request, "rectification/effect.html", context)


# -- a unit's list and the bureau's ----------------------------------------------------------


@login_required
def unit_list(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, module="rectification"
    )
    return _list_page(request, enrollment.campaign, enrollment)


@login_required
def bureau_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    return _list_page(request, campaign, None)


def _list_page(request, campaign, enrollment):
    scope = request.scope
    organization = enrollment.organization if enrollment else campaign.organization
    items = list_items(scope, enrollment, campaign)
    summary = (
        stats.summarize(items, timezone.localdate()).get(enrollment.pk if enrollment else None)
        or stats.ListSummary()
    )
    page = Paginator(filter_items(request, items), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "organization": organization,
        "summary": summary,
        "page": page,
        "query_string": _query_string(request),
        "can_manage": scope.can_manage_org(organization),
        "statuses": Status.choices,
        "levels": Level.choices,
        "today": timezone.localdate(),
    }
    return render(request, "rectification/list.html", context)


@login_required
@require_POST
def publish_unit(request, campaign_pk, enrollment_pk=None):
    scope = request.scope
    if enrollment_pk is None:
        campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
        scope.require(scope.can_manage_org(campaign.organization))
        enrollment, target = None, redirect("rectification:bureau", campaign_pk=campaign_pk)
    else:
        enrollment = request.scope.get_enrollment_or_404(
            campaign_pk, enrollment_pk, require=MANAGE, module="rectification"
        )
        campaign = enrollment.campaign
        target = redirect(
            "rectification:unit", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk
        )
    items = list_items(scope, enrollment, campaign)
    published, skipped = services.publish_list(items, acting=scope, user=request.user)
    messages.success(
        request,
        ngettext("%(count)s item published.", "%(count)s items published.", published)
        % {"count": published},
    )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s item was not published: give it measures, a responsible person "
                "and a deadline first.",
                "%(count)s items were not published: give them measures, a responsible person "
                "and a deadline first.",
                skipped,
            )
            % {"count": skipped},
        )
    return target


# -- creating items ----------------------------------------------------------------------------


@login_required
def new_unit_item(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, require=MANAGE, module="rectification"
    )
    return _new_item(request, enrollment.campaign, enrollment)


@login_required
def new_bureau_item(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    request.scope.require(request.scope.can_manage_org(campaign.organization))
    return _new_item(request, campaign, None)


def _new_item(request, campaign, enrollment, source=None):
    unit = enrollment.organization if enrollment else campaign.organization
    bureau = enrollment is None
    initial = None
    if source is not None:
        kind = services.source_kind_for(source)
        initial = {"problem": str(source), "from_public": kind in services.PUBLIC_KINDS}
    form = ItemForm(request.POST or None, unit=unit, bureau=bureau, source=source, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = _create(request, campaign, unit, form, source)
        if item is not None:
            messages.success(request, _("The item was created."))
            return redirect("rectification:item", pk=item.pk)
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "organization": unit,
        "form": form,
        "source": source,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "rectification/item_form.html", context, status=status)


def _create(request, campaign, unit, form, source):
    data = dict(form.cleaned_data)
    level = data.pop("level", Level.BUREAU)
    member = data.pop("member", None)
    if level == Level.BUREAU:
        organization = None
    else:  # an item made from a record belongs where the record does (e.g. a sub-branch)
        organization = services.source_unit(source) if source is not None else unit
    try:
        if source is not None:
            return services.create_item_from_source(
                source,
                campaign=campaign,
                level=level,
                organization=organization,
                member=member,
                **data,
                acting=request.scope,
            )
        return services.create_item(
            campaign,
            level=level,
            organization=organization,
            member=member,
            **data,
            acting=request.scope,
        )
    except ValidationError as error:
        add_service_error(form, error)
        return None


@login_required
def new_item_from_source(request, campaign_pk, type_id, object_id):
    """Make an item from a record of another module: an opinion, an appraisal conclusion, a
    supervision suggestion or a public comment (`services.SOURCE_MODELS`); any other type
    is 404.

    The record's organisation must be one the user manages, inside an enrolled unit.
    """
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    content_type = get_object_or_404(ContentType, pk=type_id)
    model = services.source_model(content_type.app_label, content_type.model)
    if model is None:
        raise Http404
    source = get_object_or_404(model, pk=object_id)
    unit = services.source_unit(source)
    if unit is None or not request.scope.can_view_org(unit):
        raise Http404
    request.scope.require(request.scope.can_manage_org(unit))
    enrollment = services.enrollment_for(campaign, unit)
    if enrollment is None:
        raise Http404
    return _new_item(request, campaign, enrollment, source=source)


# -- an item's page and its actions ---------------------------------------------------------


@login_required
def item_detail(request, pk):
    item = item_or_404(request, pk)
    return render(request, "rectification/item.html", item_context(request, item))


def item_context(request, item, **forms):
    scope = request.scope
    can_manage = scope.can_manage_item(item)
    can_judge = scope.can_judge_item(item)
    comments = (
        item.comments.all() if can_manage else item.comments.filter(status=CommentStatus.APPROVED)
    )
    actions = [
        (action, Action(action).label)
        for action in workflow.allowed_actions(item.status)
        if (can_judge if workflow.TRANSITIONS[action].actor == Actor.UPPER else can_manage)
        and action != Action.REOPEN
    ]
    return {
        "item": item,
        "campaign": item.campaign,
        "can_manage": can_manage,
        "can_judge": can_judge,
        "can_report": scope.can_report_progress(item) and not item.is_solved,
        "can_reopen": can_judge and Action.REOPEN in workflow.allowed_actions(item.status),
        "actions": actions,
        "notes": item.notes.select_related("author"),
        "evidence": item.evidence.all(),
        "comments": comments,
        "trail": changes.audit_trail(item),
        "source_url": source_url(item),
        "publication_problems": services.publication_problems(item),
        "today": timezone.localdate(),
        "note_form": forms.get("note_form")
        or NoteForm(initial={"noted_on": timezone.localdate(), "progress": item.progress}),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "explanation_form": forms.get("explanation_form")
        or ExplanationForm(initial={"text": item.explanation}),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
    }


def source_url(item) -> str | None:
    """The source record's page, if its module is installed and the record still exists."""
    if item.source_type_id is None:
        return None
    model = item.source_type.model_class()
    source = model._base_manager.filter(pk=item.source_id).first() if model else None
    get_url = getattr(source, "get_absolute_url", None)
    return get_url() if get_url else None


def _rerender(request, item, message=None, **forms):
    if message:
        messages.error(request, message)
    return render(
        request, "rectification/item.html", item_context(request, item, **forms), status=400
    )


@login_required
def edit_item(request, pk):
    item = item_or_404(request, pk)
    request.scope.require(request.scope.can_manage_item(item))
    unit = item.enrollment.organization if item.enrollment_id else item.campaign.organization
    initial = {name: getattr(item, name) for name in services.EDITABLE_FIELDS}
    form = ItemEditForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item, acting=request.scope, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("rectification:item", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    context = {"item": item, "campaign": item.campaign, "form": form}
    return render(request, "rectification/item_edit.html", context, status=status)


@login_required
@require_POST
def delete_item(request, pk):
    item = item_or_404(request, pk)
    target = _list_url(item)
    try:
        services.delete_item(item, acting=request.scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rectification:item", pk=item.pk)
    messages.success(request, _("The item was deleted."))
    return target


def _list_url(item):
    if item.enrollment_id is None:
        return redirect("rectification:bureau", campaign_pk=item.campaign_id)
    return redirect(
        "rectification:unit", campaign_pk=item.campaign_id, enrollment_pk=item.enrollment_id
    )


@login_required
@require_POST
def item_action(request, pk, action):
    item = item_or_404(request, pk)
    if action not in workflow.TRANSITIONS:
        raise Http404
    reason, progress = "", 0
    if action == Action.REOPEN:
        request.scope.require(request.scope.can_judge_item(item))
        form = ReopenForm(request.POST)
        if not form.is_valid():
            return _rerender(request, item, _("The item was not reopened."), reopen_form=form)
        reason, progress = form.cleaned_data["reason"], form.cleaned_data["progress"]
    try:
        item = services.apply_action(
            item, action, acting=request.scope, user=request.user, reason=reason, progress=progress
        )
    except ValidationError as error:
        return _rerender(request, item, " ".join(error.messages))
    messages.success(
        request, _("The item is now %(status)s.") % {"status": item.get_status_display()}
    )
    return redirect("rectification:item", pk=item.pk)


@login_required
@require_POST
def add_note(request, pk):
    item = item_or_404(request, pk)
    request.scope.require(request.scope.can_report_progress(item))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(item, acting=request.scope, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The progress note was recorded."))
            return redirect("rectification:item", pk=item.pk)
    return _rerender(request, item, _("The progress note was not recorded."), note_form=form)


@login_required
@require_POST
def upload_evidence(request, pk):
    item = item_or_404(request, pk)
    request.scope.require(request.scope.can_report_progress(item))
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _rerender(request, item, _("The file was not uploaded."), evidence_form=form)
    services.add_evidence(item=item, user=request.user, **form.cleaned_data, acting=request.scope)
    messages.success(request, _("Evidence uploaded."))
    return redirect("rectification:item", pk=item.pk)


@login_required
@require_POST
def publish_item(request, pk):
    item = item_or_404(request, pk)
    try:
        services.publish(item, acting=request.scope, user=request.user)
    except ValidationError as error:
        return _rerender(request, item, " ".join(error.messages))
    messages.success(request, _("The item is published on the public site."))
    return redirect("rectification:item", pk=item.pk)


@login_required
@require_POST
def explain_item(request, pk):
    item = item_or_404(request, pk)
    request.scope.require(request.scope.can_manage_item(item))
    form = ExplanationForm(request.POST)
    if form.is_valid():
        try:
            services.explain(item, acting=request.scope, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The explanation was saved."))
            return redirect("rectification:item", pk=item.pk)
    return _rerender(request, item, _("The explanation was not saved."), explanation_form=form)


@login_required
def download_evidence(request, pk):
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related(
            "item__organization", "item__campaign", "deed__organization", "deed__campaign"
        ),
        pk=pk,
    )
    if evidence.item_id:
        if not request.scope.can_view_item(evidence.item):
            raise Http404
    elif not request.scope.can_view_unit(evidence.deed.organization):
        raise Http404
    request.scope.module_or_404((evidence.item or evidence.deed).campaign, "rectification")
    return send_file(evidence.file)


# -- moderating public comments ----------------------------------------------------------------


@login_required
def comments(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    status = request.GET.get("status", CommentStatus.PENDING)
    if status not in CommentStatus.values:
        status = CommentStatus.PENDING
    queryset = (
        PublicComment.objects.filter(item__campaign=campaign, status=status)
        .filter(request.scope.unit_filter("item__organization__"))
        .select_related("item__organization")
        .order_by("-posted_on", "-pk")
    )
    page = Paginator(queryset, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    for comment in page:
        comment.can_moderate = request.scope.can_manage_org(comment.item.organization)
    context = {
        "campaign": campaign,
        "page": page,
        "status": status,
        "statuses": CommentStatus.choices,
        "query_string": _query_string(request),
    }
    return render(request, "rectification/comments.html", context)


@login_required
@require_POST
def moderate_comment(request, pk):
    comment = get_object_or_404(
        PublicComment.objects.select_related("item__organization", "item__campaign"), pk=pk
    )
    if not request.scope.can_view_item(comment.item):
        raise Http404
    request.scope.module_or_404(comment.item.campaign, "rectification")
    approve = request.POST.get("decision") == "approve"
    services.moderate(comment, acting=request.scope, approve=approve, user=request.user)
    if approve:
        messages.success(request, _("The comment is shown on the public site."))
    else:
        messages.success(request, _("The comment was rejected."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("rectification:item", pk=comment.item_id)
