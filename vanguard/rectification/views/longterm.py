"""Consolidation and long-term mechanisms (五.3(2)–(3)): practical deeds for rural schools,
and each unit's recurring activities, 三培养 pipeline and pairings."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.campaigns.models import Enrollment
from vanguard.orgs.models import Organization
from vanguard.rectification import services
from vanguard.rectification.forms import (
    AdvanceForm,
    CultivationForm,
    DeedForm,
    EvidenceForm,
    MechanismForm,
    OccurrenceForm,
    PairingForm,
    add_service_error,
)
from vanguard.rectification.models import (
    RHYTHM_DAYS,
    Cultivation,
    Mechanism,
    Occurrence,
    Pairing,
    PracticalDeed,
    Stage,
)
from vanguard.rectification.views.items import _query_string

DEEDS_PER_PAGE = 30
OCCURRENCES_SHOWN = 5


# -- practical deeds -------------------------------------------------------------------------


def _deed_units(request, campaign):
    """The organisations the user may record deeds for: managed enrolled units, the bureau."""
    scope = request.scope
    ids = [
        e.organization_id
        for e in Enrollment.objects.filter(campaign=campaign).select_related("organization")
        if scope.can_manage_org(e.organization)
    ]
    if scope.can_manage_org(campaign.organization):
        ids.append(campaign.organization_id)
    return Organization.objects.filter(pk__in=ids).order_by("path")


@login_required
def deeds(request, campaign_pk, form=None):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    queryset = (
        PracticalDeed.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization")
        .prefetch_related("evidence")
        .order_by("-done_on", "-pk")
    )
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        queryset = queryset.filter(_unit(request, unit).subtree_q("organization__"))
    page = Paginator(queryset, DEEDS_PER_PAGE).get_page(request.GET.get("page"))
    units = _deed_units(request, campaign)
    for deed in page:
        deed.can_manage = request.scope.can_manage_org(deed.organization)
    context = {
        "campaign": campaign,
        "page": page,
        "form": form or (DeedForm(organizations=units) if units.exists() else None),
        "evidence_form": EvidenceForm(),
        "enrollments": Enrollment.objects.filter(campaign=campaign)
        .filter(request.scope.unit_filter())
        .select_related("organization")
        .order_by("organization__path"),
        "unit": unit,
        "query_string": _query_string(request),
    }
    return render(request, "rectification/deeds.html", context, status=400 if form else 200)


def _unit(request, org_id):
    return request.scope.get_org_or_404(int(org_id))


@login_required
@require_POST
def add_deed(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, module="rectification")
    units = _deed_units(request, campaign)
    request.scope.require(units.exists())
    form = DeedForm(request.POST, organizations=units)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_deed(campaign, **data, acting=request.scope)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The practical deed was recorded."))
            return redirect("rectification:deeds", campaign_pk=campaign_pk)
    messages.error(request, _("The practical deed was not recorded; see the problems below."))
    return deeds(request, campaign_pk, form=form)


@login_required
@require_POST
def deed_evidence(request, pk):
    deed = get_object_or_404(
        PracticalDeed.objects.select_related("organization", "campaign"), pk=pk
    )
    if not request.scope.can_view_unit(deed.organization):
        raise Http404
    request.scope.module_or_404(deed.campaign, "rectification")
    request.scope.require(request.scope.can_manage_org(deed.organization))
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_evidence(
            deed=deed, user=request.user, **form.cleaned_data, acting=request.scope
        )
        messages.success(request, _("Evidence uploaded."))
    else:
        messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("rectification:deeds", campaign_pk=deed.campaign_id)


# -- long-term mechanisms, 三培养, pairings -------------------------------------------------


def _reader_enrollment(request, campaign_pk, enrollment_pk, *, manage=False) -> Enrollment:
    """A unit's long-term page is for the unit's readers: it names students and activists."""
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, module="rectification"
    )
    if not request.scope.can_view_org(enrollment.organization):
        raise Http404
    if manage:
        request.scope.require(request.scope.can_manage_org(enrollment.organization))
    return enrollment


@login_required
def longterm(request, campaign_pk, enrollment_pk):
    enrollment = _reader_enrollment(request, campaign_pk, enrollment_pk)
    return render(request, "rectification/longterm.html", longterm_context(request, enrollment))


def longterm_context(request, enrollment, **forms):
    today = timezone.localdate()
    labels = {item.code: item.title for item in enrollment.campaign.rules.mechanisms}
    mechanisms = list(
        Mechanism.objects.filter(enrollment=enrollment)
        .select_related("responsible")
        .prefetch_related(
            Prefetch("occurrences", queryset=Occurrence.objects.order_by("-held_on", "-pk"))
        )
    )
    for mechanism in mechanisms:
        held = list(mechanism.occurrences.all())
        mechanism.title = labels.get(mechanism.kind, mechanism.kind)
        mechanism.count = len(held)
        mechanism.recent = held[:OCCURRENCES_SHOWN]
        last = held[0].held_on if held else mechanism.started_on
        mechanism.due_on = last + timedelta(days=RHYTHM_DAYS[mechanism.rhythm])
        mechanism.behind = mechanism.due_on < today
        mechanism.form = forms.get(f"occurrence_{mechanism.pk}") or OccurrenceForm(
            prefix=f"m{mechanism.pk}", initial={"held_on": today}
        )
    subtree = enrollment.organization.subtree_q("organization__")
    people = list(Cultivation.objects.filter(subtree).select_related("organization", "mentor"))
    pipeline = {stage: [p for p in people if p.stage == stage] for stage in Stage.values}
    can_manage = request.scope.can_manage_org(enrollment.organization)
    return {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "can_manage": can_manage,
        "mechanisms": mechanisms,
        "pipeline": [(Stage(stage).label, pipeline[stage]) for stage in Stage.values],
        "pairings": Pairing.objects.filter(subtree)
        .select_related("member")
        .order_by("member__name", "started_on"),
        "mechanism_form": forms.get("mechanism_form") or MechanismForm(enrollment=enrollment),
        "cultivation_form": forms.get("cultivation_form") or CultivationForm(enrollment=enrollment),
        "pairing_form": forms.get("pairing_form") or PairingForm(enrollment=enrollment),
        "advance_form": AdvanceForm(),
        "open_form": forms.get("open_form", ""),
    }


def _longterm_rerender(request, enrollment, **forms):
    messages.error(request, _("Not saved; see the problems below."))
    context = longterm_context(request, enrollment, **forms)
    return render(request, "rectification/longterm.html", context, status=400)


def _back(enrollment):
    return redirect(
        "rectification:longterm", campaign_pk=enrollment.campaign_id, enrollment_pk=enrollment.pk
    )


@login_required
@require_POST
def add_mechanism(request, campaign_pk, enrollment_pk):
    enrollment = _reader_enrollment(request, campaign_pk, enrollment_pk, manage=True)
    form = MechanismForm(request.POST, enrollment=enrollment)
    if form.is_valid():
        try:
            services.institute_mechanism(enrollment, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The mechanism was instituted."))
            return _back(enrollment)
    return _longterm_rerender(request, enrollment, mechanism_form=form, open_form="mechanism")


@login_required
@require_POST
def add_occurrence(request, pk):
    mechanism = get_object_or_404(
        Mechanism.objects.select_related("enrollment__organization", "enrollment__campaign"), pk=pk
    )
    enrollment = _reader_enrollment(
        request, mechanism.campaign_id, mechanism.enrollment_id, manage=True
    )
    form = OccurrenceForm(request.POST, prefix=f"m{mechanism.pk}")
    if form.is_valid():
        try:
            services.record_occurrence(mechanism, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The activity was recorded."))
            return _back(enrollment)
    return _longterm_rerender(request, enrollment, **{f"occurrence_{mechanism.pk}": form})


@login_required
@require_POST
def add_cultivation(request, campaign_pk, enrollment_pk):
    enrollment = _reader_enrollment(request, campaign_pk, enrollment_pk, manage=True)
    form = CultivationForm(request.POST, enrollment=enrollment)
    if form.is_valid():
        try:
            services.add_cultivation(
                enrollment.organization, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The person was added to the pipeline."))
            return _back(enrollment)
    return _longterm_rerender(request, enrollment, cultivation_form=form, open_form="cultivation")


@login_required
@require_POST
def advance_cultivation(request, campaign_pk, enrollment_pk, person_pk):
    enrollment = _reader_enrollment(request, campaign_pk, enrollment_pk, manage=True)
    person = get_object_or_404(
        Cultivation.objects.filter(enrollment.organization.subtree_q("organization__")),
        pk=person_pk,
    )
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            services.advance_cultivation(person, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The pipeline was updated."))
    else:
        messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return _back(enrollment)


@login_required
@require_POST
def add_pairing(request, campaign_pk, enrollment_pk):
    enrollment = _reader_enrollment(request, campaign_pk, enrollment_pk, manage=True)
    form = PairingForm(request.POST, enrollment=enrollment)
    if form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member")
        try:
            services.add_pairing(member, **data, acting=request.scope)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The pairing was recorded."))
            return _back(enrollment)
    return _longterm_rerender(request, enrollment, pairing_form=form, open_form="pairing")
