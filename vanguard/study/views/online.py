"""Study carriers (五.1(4)二, issue 20): the 网络党校's online materials and their
heartbeat, members' 学习体会 and 调研文章 with their review and the public column, and the
讲师团's roster and lectures. Each part answers 404 in a campaign whose template lacks it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import STAFF
from vanguard.campaigns.models import Enrollment
from vanguard.ops.files import send_file
from vanguard.study import online, writings
from vanguard.study.forms import LectureForm, LecturerForm, OnlineMaterialForm, WritingForm
from vanguard.study.hours import member_hours, required_hours
from vanguard.study.models import (
    Lecture,
    Lecturer,
    OnlineMaterial,
    OnlineProgress,
    Writing,
    WritingStatus,
)


def _require(on: bool) -> None:
    if not on:
        raise Http404


# -- 网络党校 ---------------------------------------------------------------------------------


def _progress_of(member, materials) -> dict[int, int]:
    if member is None:
        return {}
    rows = OnlineProgress.objects.filter(member=member, material__in=[m.pk for m in materials])
    return dict(rows.values_list("material", "seconds"))


@login_required
def online_mine(request, campaign_pk):
    """A member's online materials, the time counted on each and the hours credited."""
    campaign, enrollment = request.scope.get_member_enrollment_or_404(campaign_pk)
    _require(online.online_study_on(campaign))
    member = request.scope.member
    materials = list(online.materials_for(enrollment).select_related("enrollment"))
    progress = _progress_of(member, materials)
    for material in materials:
        material.seconds = progress.get(material.pk, 0)
        material.percent = min(100, material.seconds * 100 // material.seconds_cap)
    seconds = sum(online.online_seconds(campaign.pk, [member.pk]).values())
    cap = online.max_online_hours(campaign)
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "materials": materials,
        "online_minutes": seconds // 60,
        "credited": online.credited_hours(seconds, cap),
        "cap": cap,
        "hours": member_hours(campaign, [member])[member.pk],
        "required": required_hours(campaign, member),
    }
    return render(request, "study/online_mine.html", context)


def _material_or_404(request, pk) -> OnlineMaterial:
    material = (
        OnlineMaterial.objects.select_related(
            "campaign__organization", "enrollment__organization", "enrollment__campaign"
        )
        .filter(pk=pk)
        .first()
    )
    if material is None or not request.scope.can_view_online_material(material):
        raise Http404
    _require(online.online_study_on(material.campaign))
    return material


@login_required
def online_material(request, pk):
    """The material's page: read or watch it; the heartbeat counts the time."""
    material = _material_or_404(request, pk)
    studying = request.scope.can_study_online(material)
    member = request.scope.member
    seconds = _progress_of(member, [material]).get(material.pk, 0)
    hours = member_hours(material.campaign, [member])[member.pk] if studying else None
    context = {
        "campaign": material.campaign,
        "hours": hours,
        "material": material,
        "studying": studying,
        "seconds": seconds,
        "heartbeat_seconds": online.HEARTBEAT_SECONDS,
        "can_manage": request.scope.can_manage_online_material(material),
    }
    return render(request, "study/online_material.html", context)


@login_required
@require_POST
def online_beat(request, pk):
    material = _material_or_404(request, pk)
    start = request.POST.get("start") == "1"
    progress = online.heartbeat(material, acting=request.scope, start=start)
    campaign = material.campaign
    member = request.scope.member
    return JsonResponse(
        {
            "seconds": progress.seconds,
            "clock": online.clock(progress.seconds),
            "hours": str(member_hours(campaign, [member])[member.pk]),
        }
    )


@login_required
def online_file(request, pk):
    material = _material_or_404(request, pk)
    if not material.file:
        raise Http404
    return send_file(material.file, as_attachment=material.kind != "video")


@login_required
@require_POST
def online_withdraw(request, pk):
    material = _material_or_404(request, pk)
    online.withdraw(material, acting=request.scope)
    messages.success(request, _("The material is withdrawn; the time already spent still counts."))
    if material.enrollment_id:
        return redirect("study:online-unit", material.campaign_id, material.enrollment_id)
    return redirect("study:online-office", material.campaign_id)


def _manage_page(request, *, campaign, enrollment, template_context):
    org = enrollment.organization if enrollment else campaign.organization
    can_manage = request.scope.can_manage_org(org)
    form = OnlineMaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        request.scope.require(can_manage)
        if form.is_valid():
            online.add_material(
                form, campaign=campaign, enrollment=enrollment, acting=request.scope
            )
            messages.success(request, _("Material added."))
            return redirect(request.path)
        messages.error(request, _("The material was not added; see the form."))
    own = OnlineMaterial.objects.filter(campaign=campaign, enrollment=enrollment)
    materials = list(own.order_by("withdrawn_at", "-added_at"))
    readers = (
        OnlineProgress.objects.filter(material__in=[m.pk for m in materials], seconds__gt=0)
        .order_by()
        .values_list("material")
    )
    counts: dict[int, int] = {}
    for (material_pk,) in readers:
        counts[material_pk] = counts.get(material_pk, 0) + 1
    for material in materials:
        material.readers = counts.get(material.pk, 0)
    context = {
        "campaign": campaign,
        "enrollment": enrollment,
        "materials": materials,
        "form": form,
        "can_manage": can_manage,
        **template_context,
    }
    status = 400 if form.errors else 200
    return render(request, "study/online_manage.html", context, status=status)


@login_required
def online_office(request, campaign_pk):
    """The office's materials, offered to every unit of the campaign."""
    campaign = request.scope.get_campaign_or_404(campaign_pk)
    _require(online.online_study_on(campaign))
    return _manage_page(request, campaign=campaign, enrollment=None, template_context={})


@login_required
def online_unit(request, campaign_pk, enrollment_pk):
    """A unit's own materials, for its members."""
    enrollment = request.scope.get_enrollment_or_404(campaign_pk, enrollment_pk, require=STAFF)
    _require(online.online_study_on(enrollment.campaign))
    return _manage_page(
        request, campaign=enrollment.campaign, enrollment=enrollment, template_context={}
    )


# -- 学习体会 and 调研文章 ---------------------------------------------------------------------


@login_required
def writings_mine(request, campaign_pk):
    campaign, enrollment = request.scope.get_member_enrollment_or_404(campaign_pk)
    _require(writings.writings_on(campaign))
    form = WritingForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        if form.is_valid():
            writings.submit(form, enrollment=enrollment, acting=request.scope)
            messages.success(request, _("Submitted to your unit."))
            return redirect("study:writings-mine", campaign_pk)
        messages.error(request, _("Nothing was submitted; see the form."))
    mine = Writing.objects.filter(campaign=campaign, member=request.scope.member)
    context = {"campaign": campaign, "form": form, "writings": mine, "kinds": _kinds(campaign)}
    return render(request, "study/writings_mine.html", context, status=400 if form.errors else 200)


def _kinds(campaign) -> dict[str, str]:
    return {kind.code: kind.title for kind in campaign.rules.writing_kinds}


def _writing_or_404(request, pk) -> Writing:
    writing = (
        Writing.objects.select_related(
            "campaign__organization", "enrollment__organization", "member"
        )
        .filter(pk=pk)
        .first()
    )
    if writing is None or not request.scope.can_view_writing(writing):
        raise Http404
    _require(writings.writings_on(writing.campaign))
    return writing


@login_required
def writing_detail(request, pk):
    """A writing; its author revises it here once returned."""
    writing = _writing_or_404(request, pk)
    is_author = request.scope.member is not None and writing.member_id == request.scope.member.pk
    editable = is_author and writing.status == WritingStatus.RETURNED
    form = WritingForm(request.POST or None, instance=writing, campaign=writing.campaign)
    if request.method == "POST":
        request.scope.require(editable)
        if form.is_valid():
            writings.submit(form, enrollment=writing.enrollment, acting=request.scope)
            messages.success(request, _("Submitted to your unit."))
            return redirect("study:writing", writing.pk)
        messages.error(request, _("Nothing was submitted; see the form."))
    context = {
        "campaign": writing.campaign,
        "writing": writing,
        "kind": _kinds(writing.campaign).get(writing.kind, writing.kind),
        "actions": writings.allowed_actions(writing, request.scope),
        "form": form if editable else None,
    }
    return render(request, "study/writing_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def writing_act(request, pk):
    writing = _writing_or_404(request, pk)
    try:
        writings.act(
            writing,
            request.POST.get("action", ""),
            acting=request.scope,
            note=request.POST.get("note", "").strip(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Done: the writing is now “%(status)s”.") % {"status": writing.get_status_display()},
        )
    return redirect("study:writing", writing.pk)


@login_required
def writings_unit(request, campaign_pk, enrollment_pk):
    """A unit's writings to review."""
    enrollment = request.scope.get_enrollment_or_404(campaign_pk, enrollment_pk, require=STAFF)
    _require(writings.writings_on(enrollment.campaign))
    found = Writing.objects.filter(enrollment=enrollment).select_related("member")
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "writings": found,
        "kinds": _kinds(enrollment.campaign),
    }
    return render(request, "study/writings_unit.html", context)


@login_required
def writings_campaign(request, campaign_pk):
    """Writings recommended to the office and published, over the units the user reads."""
    campaign = request.scope.get_campaign_or_404(campaign_pk)
    _require(writings.writings_on(campaign))
    units = Enrollment.objects.visible_to(request.scope).filter(campaign=campaign)
    found = Writing.objects.filter(
        campaign=campaign,
        enrollment__in=units,
        status__in=[WritingStatus.RECOMMENDED, WritingStatus.PUBLISHED],
    ).select_related("member", "enrollment__organization")
    context = {
        "campaign": campaign,
        "writings": found.order_by("status", "-recommended_at"),
        "kinds": _kinds(campaign),
        "can_publish": request.scope.is_campaign_office(campaign),
    }
    return render(request, "study/writings_campaign.html", context)


# -- 讲师团 -----------------------------------------------------------------------------------


@login_required
def lecturers(request, campaign_pk):
    """The roster: the office keeps it; every staff reader of the campaign sees it."""
    campaign = request.scope.get_campaign_or_404(campaign_pk)
    _require(online.lecturers_on(campaign))
    can_manage = request.scope.is_campaign_office(campaign)
    form = LecturerForm(request.POST or None)
    if request.method == "POST":
        request.scope.require(can_manage)
        if form.is_valid():
            form.instance.campaign = campaign
            form.save()
            messages.success(request, _("Lecturer added to the roster."))
            return redirect("study:lecturers", campaign_pk)
        messages.error(request, _("Nothing was added; see the form."))
    roster = Lecturer.objects.filter(campaign=campaign).prefetch_related("lectures")
    context = {"campaign": campaign, "lecturers": roster, "form": form, "can_manage": can_manage}
    return render(request, "study/lecturers.html", context, status=400 if form.errors else 200)


@login_required
def lecturer_detail(request, pk):
    """A lecturer's lectures to units (those the user reads), and a new one (the office)."""
    lecturer = Lecturer.objects.select_related("campaign__organization").filter(pk=pk).first()
    if lecturer is None:
        raise Http404
    campaign = request.scope.get_campaign_or_404(lecturer.campaign_id)
    _require(online.lecturers_on(campaign))
    can_manage = request.scope.is_campaign_office(campaign)
    units = Enrollment.objects.visible_to(request.scope).filter(campaign=campaign)
    form = LectureForm(
        request.POST or None,
        campaign=campaign,
        enrollments=units.select_related("organization"),
    )
    if request.method == "POST":
        request.scope.require(can_manage)
        if form.is_valid():
            form.instance.lecturer = lecturer
            form.save()
            messages.success(request, _("Lecture recorded."))
            return redirect("study:lecturer", pk)
        messages.error(request, _("Nothing was recorded; see the form."))
    given = online.with_kind_titles(
        campaign,
        Lecture.objects.filter(lecturer=lecturer, enrollment__in=units).select_related(
            "enrollment__organization", "session"
        ),
    )
    context = {
        "campaign": campaign,
        "lecturer": lecturer,
        "lectures": given,
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "study/lecturer.html", context, status=400 if form.errors else 200)
