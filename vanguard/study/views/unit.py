"""A unit's study pages: members' hours, the 两本一册 (roster, collective study log, study
notes) on screen, as PDF and as Excel, the reading list with the unit's own materials, and
the unit's 五个一."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE, STAFF
from vanguard.orgs.models import Member
from vanguard.reports import jobs
from vanguard.study import books, services
from vanguard.study.forms import FiveOneForm, MaterialForm
from vanguard.study.hours import (
    hours_by_enrollment,
    participation_by_enrollment,
    with_hours,
)
from vanguard.study.jobs import labelled
from vanguard.study.models import FiveOneRecord, UnitMaterial

PHASES = ("phases",)  # study pages show the unit's phase windows


def _staff_enrollment(request, pk, enrollment_pk, module):
    """An enrolled unit whose working papers the user reads (its members get 403), in a
    campaign with the page's module (else 404)."""
    return request.scope.get_enrollment_or_404(
        pk, enrollment_pk, prefetch=PHASES, require=STAFF, module=module
    )


def _base(enrollment, **extra) -> dict:
    return {"campaign": enrollment.campaign, "enrollment": enrollment, **extra}


def _start(request, job: str, what: str, pk, enrollment_pk, module):
    """Check access now (an outsider gets 404), then let the worker make the file."""
    enrollment = _staff_enrollment(request, pk, enrollment_pk, module)
    title = f"{enrollment.organization.name} · {what}"
    return jobs.start_response(request, job, title, {"pk": pk, "enrollment_pk": enrollment.pk})


# -- hours ----------------------------------------------------------------------------------


def unit_hours_rows(enrollment, only_short: bool = False):
    members = Member.objects.within(enrollment.organization)
    rows = with_hours(members, enrollment.campaign)
    if only_short:
        rows = rows.filter(shortfall__gt=0)
    return rows.order_by("organization__path", "code")


@login_required
def unit_hours(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, require=STAFF, module="sessions"
    )
    only_short = request.GET.get("short") == "1"
    summary = hours_by_enrollment(enrollment.campaign, [enrollment]).get(enrollment.pk)
    context = _base(
        enrollment,
        rows=unit_hours_rows(enrollment, only_short),
        summary=summary,
        participation=participation_by_enrollment([enrollment]).get(enrollment.pk),
        only_short=only_short,
    )
    return render(request, "study/unit_hours.html", context)


@login_required
@require_POST
def unit_hours_xlsx(request, campaign_pk, enrollment_pk):
    return _start(
        request, "study.unit_hours_xlsx", _("Study hours"), campaign_pk, enrollment_pk, "sessions"
    )


# -- 两本一册 -------------------------------------------------------------------------------


@login_required
def roster(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, require=STAFF, module="two_books"
    )
    context = _base(enrollment, roster=books.roster(enrollment), legend=books.legend())
    return render(request, "study/roster.html", context)


@login_required
@require_POST
def roster_pdf(request, campaign_pk, enrollment_pk):
    return _start(request, "study.roster_pdf", _("Roster"), campaign_pk, enrollment_pk, "two_books")


@login_required
@require_POST
def roster_xlsx(request, campaign_pk, enrollment_pk):
    return _start(
        request, "study.roster_xlsx", _("Roster"), campaign_pk, enrollment_pk, "two_books"
    )


@login_required
def study_log(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, require=STAFF, module="two_books"
    )
    context = _base(
        enrollment,
        entries=labelled(books.study_log(enrollment), enrollment.campaign.rules),
        can_manage=request.scope.can_manage_org(enrollment.organization),
    )
    return render(request, "study/study_log.html", context)


@login_required
@require_POST
def study_log_pdf(request, campaign_pk, enrollment_pk):
    return _start(
        request, "study.log_pdf", _("Collective study log"), campaign_pk, enrollment_pk, "two_books"
    )


@login_required
@require_POST
def study_log_xlsx(request, campaign_pk, enrollment_pk):
    return _start(
        request,
        "study.log_xlsx",
        _("Collective study log"),
        campaign_pk,
        enrollment_pk,
        "two_books",
    )


def notes_member(request, enrollment):
    member_id = request.GET.get("member", "")
    if not member_id.isdigit():
        return None
    member = request.scope.get_member_or_404(int(member_id))
    if not member.organization.is_in_subtree_of(enrollment.organization):
        raise Http404
    return member


@login_required
def notes_book(request, campaign_pk, enrollment_pk):
    enrollment = _staff_enrollment(request, campaign_pk, enrollment_pk, "two_books")
    member = notes_member(request, enrollment)
    leaders = Member.objects.filter(
        enrollment.organization.subtree_q("organization__"), is_leader_cadre=True
    ).order_by("organization__path", "code")
    context = _base(
        enrollment,
        notes=books.unit_notes(enrollment, member),
        member=member,
        member_query=f"?member={member.pk}" if member else "",
        leaders=leaders,
    )
    return render(request, "study/notes_book.html", context)


@login_required
@require_POST
def notes_pdf(request, campaign_pk, enrollment_pk):
    notes_member(request, _staff_enrollment(request, campaign_pk, enrollment_pk, "two_books"))
    return _start(
        request, "study.notes_pdf", _("Study notes"), campaign_pk, enrollment_pk, "two_books"
    )


@login_required
@require_POST
def notes_xlsx(request, campaign_pk, enrollment_pk):
    notes_member(request, _staff_enrollment(request, campaign_pk, enrollment_pk, "two_books"))
    return _start(
        request, "study.notes_xlsx", _("Study notes"), campaign_pk, enrollment_pk, "two_books"
    )


# -- materials ------------------------------------------------------------------------------


@login_required
def materials(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, module="materials"
    )
    can_manage = request.scope.can_manage_org(enrollment.organization)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            form.instance.enrollment = enrollment
            form.instance.added_by = request.user
            form.save()
            messages.success(request, _("Material added."))
            return redirect("study:materials", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)
        messages.error(request, _("The material was not added; see the form."))
    rules = enrollment.campaign.rules
    kinds = {"basic": _("Basic text"), "key": _("Key readings"), "auxiliary": _("Auxiliary")}
    reading_list = [
        (title, [m for m in rules.materials if m.kind == kind]) for kind, title in kinds.items()
    ]
    context = _base(
        enrollment,
        reading_list=reading_list,
        own=UnitMaterial.objects.filter(enrollment=enrollment).select_related("added_by"),
        form=form,
        can_manage=can_manage,
    )
    return render(request, "study/materials.html", context, status=400 if form.errors else 200)


def _material_or_404(request, pk, *, manage=False) -> UnitMaterial:
    material = request.scope.get_in_unit_or_404(
        UnitMaterial.objects.select_related("enrollment__organization", "enrollment__campaign"),
        pk=pk,
        unit=lambda m: m.enrollment.organization,
        module="materials",
    )
    if manage and not request.scope.can_manage_org(material.enrollment.organization):
        raise PermissionDenied
    return material


@login_required
@require_POST
def material_delete(request, pk):
    material = _material_or_404(request, pk, manage=True)
    enrollment = material.enrollment
    material.delete()
    messages.success(request, _("Material removed."))
    return redirect(
        "study:materials", campaign_pk=enrollment.campaign_id, enrollment_pk=enrollment.pk
    )


@login_required
def material_file(request, pk):
    material = _material_or_404(request, pk)
    if not material.file:
        raise Http404
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.file.name.rsplit("/", 1)[-1],
    )


# -- 五个一 ---------------------------------------------------------------------------------


def five_one_grid(enrollment):
    """Members × the template's 五个一, each cell the record or None. Two queries."""
    items = enrollment.campaign.rules.five_ones
    members = list(Member.objects.within(enrollment.organization).select_related("organization"))
    records = FiveOneRecord.objects.filter(
        enrollment.organization.subtree_q("member__organization__"),
        campaign=enrollment.campaign,
    )
    by_cell = {(r.member_id, r.item): r for r in records}
    rows = [
        {
            "member": member,
            "cells": [by_cell.get((member.pk, item.code)) for item in items],
            "done": sum(1 for item in items if (member.pk, item.code) in by_cell),
        }
        for member in members
    ]
    done_per_item = [sum(1 for r in records if r.item == item.code) for item in items]
    return items, rows, done_per_item


@login_required
def unit_five_ones(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, require=STAFF, module="five_ones"
    )
    can_manage = request.scope.can_manage_org(enrollment.organization)
    form = FiveOneForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        member = request.scope.get_member_or_404(request.POST.get("member", "0") or 0, manage=True)
        if not member.organization.is_in_subtree_of(enrollment.organization):
            raise Http404
        if form.is_valid():
            try:
                services.mark_five_one(
                    enrollment.campaign, member, acting=request.scope, **form.cleaned_data
                )
            except services.FiveOneError as error:
                messages.error(request, f"{member.name}：{error}")
            else:
                messages.success(request, _("%(name)s: saved.") % {"name": member.name})
                return redirect(
                    "study:unit-five-ones", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk
                )
        else:
            messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    items, rows, done_per_item = five_one_grid(enrollment)
    complete = sum(1 for row in rows if row["done"] == len(items))
    context = _base(
        enrollment,
        items=items,
        rows=rows,
        done_per_item=done_per_item,
        complete=complete,
        can_manage=can_manage,
        today=timezone.localdate(),
    )
    return render(request, "study/unit_five_ones.html", context)


@login_required
@require_POST
def unit_five_one_clear(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, require=MANAGE, module="five_ones"
    )
    member = request.scope.get_member_or_404(request.POST.get("member", "0") or 0, manage=True)
    if not member.organization.is_in_subtree_of(enrollment.organization):
        raise Http404
    services.unmark_five_one(
        enrollment.campaign, member, request.POST.get("item", ""), acting=request.scope
    )
    messages.success(request, _("%(name)s: saved.") % {"name": member.name})
    return redirect("study:unit-five-ones", campaign_pk=campaign_pk, enrollment_pk=enrollment.pk)
