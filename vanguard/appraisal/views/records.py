"""A unit's records of 五.2(3): talks with their coverage, self-analyses (the member
writes, the unit reviews), and the special organisational-life meeting."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.accounts.access import MANAGE, STAFF
from vanguard.appraisal import services
from vanguard.appraisal.forms import (
    CriticismForm,
    MeetingForm,
    ReviewForm,
    SelfAnalysisForm,
    TalkForm,
    unit_members,
)
from vanguard.appraisal.models import (
    AnalysisStatus,
    CriticismKind,
    OrgLifeMeeting,
    SelfAnalysis,
    Talk,
)
from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Member

# -- talks ---------------------------------------------------------------------------------


@login_required
def talks(request, campaign_pk, enrollment_pk):
    manage = request.method == "POST"
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk,
        enrollment_pk,
        reach=STAFF,
        require=MANAGE if manage else (),
        module="talks",
    )
    form = TalkForm(request.POST or None, enrollment=enrollment)
    if manage and form.is_valid():
        try:
            services.record_talk(
                enrollment, user=request.user, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The talk was recorded."))
            return redirect("appraisal:talks", campaign_pk=campaign_pk, enrollment_pk=enrollment_pk)
    records = list(
        Talk.objects.filter(enrollment=enrollment).select_related("initiator", "partner")
    )
    counts = defaultdict(int)
    for talk in records:
        counts[talk.initiator_id] += 1
        counts[talk.partner_id] += 1
    members = [(m, counts[m.pk]) for m in unit_members(enrollment)]
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "talks": records,
        "members": members,
        "covered": sum(1 for _m, count in members if count),
        "form": form,
        "can_manage": request.scope.can_manage_org(enrollment.organization),
    }
    return render(request, "appraisal/talks.html", context, status=400 if manage else 200)


# -- self-analysis -------------------------------------------------------------------------


@login_required
def self_analyses(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, reach=STAFF, module="self_analysis"
    )
    analyses = {
        a.member_id: a
        for a in SelfAnalysis.objects.filter(
            enrollment.organization.subtree_q("member__organization__"),
            campaign_id=campaign_pk,
        )
    }
    rows = [(member, analyses.get(member.pk)) for member in unit_members(enrollment)]
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "rows": rows,
        "handed_in": sum(1 for _m, a in rows if services.handed_in(a)),
        "to_review": sum(1 for _m, a in rows if a and a.status == AnalysisStatus.SUBMITTED),
    }
    return render(request, "appraisal/self_analyses.html", context)


def _member_in_campaign_or_404(request, campaign_pk, member_pk, *, manage=False):
    campaign = request.scope.module_or_404(
        get_object_or_404(Campaign, pk=campaign_pk), "self_analysis"
    )
    member = request.scope.get_or_404(
        Member.objects.select_related("organization"),
        reach=STAFF,
        unit=lambda m: m.organization,
        require=MANAGE if manage else (),
        pk=member_pk,
    )
    enrollment = services.enrollment_of(campaign, member)
    if enrollment is None:
        raise Http404
    return campaign, member, enrollment


@login_required
def self_analysis(request, campaign_pk, member_pk, review_form=None, text_form=None):
    campaign, member, enrollment = _member_in_campaign_or_404(request, campaign_pk, member_pk)
    analysis = SelfAnalysis.objects.filter(campaign=campaign, member=member).first()
    context = {
        "campaign": campaign,
        "member": member,
        "enrollment": enrollment,
        "analysis": analysis,
        "can_manage": request.scope.can_manage_org(member.organization),
        "review_form": review_form or ReviewForm(),
        "text_form": text_form or SelfAnalysisForm(initial={"text": analysis and analysis.text}),
        "history": analysis.history.select_related("history_user")[:20] if analysis else [],
    }
    status = 400 if (review_form or text_form) else 200
    return render(request, "appraisal/self_analysis.html", context, status=status)


@login_required
@require_POST
def self_analysis_review(request, campaign_pk, member_pk):
    campaign, member, _e = _member_in_campaign_or_404(request, campaign_pk, member_pk, manage=True)
    analysis = get_object_or_404(SelfAnalysis, campaign=campaign, member=member)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_self_analysis(
                analysis,
                accept=form.cleaned_data["decision"] == "accept",
                comments=form.cleaned_data["comments"],
                user=request.user,
                acting=request.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The review was saved."))
            return redirect(analysis.get_absolute_url())
    return self_analysis(request, campaign_pk, member_pk, review_form=form)


@login_required
@require_POST
def self_analysis_enter(request, campaign_pk, member_pk):
    """The unit enters a member's self-analysis handed in on paper."""
    campaign, member, _e = _member_in_campaign_or_404(request, campaign_pk, member_pk, manage=True)
    form = SelfAnalysisForm(request.POST)
    if form.is_valid():
        try:
            services.save_self_analysis(
                campaign, member, text=form.cleaned_data["text"], submit=True, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The self-analysis was entered as submitted."))
            return redirect("appraisal:self-analysis", campaign_pk=campaign.pk, member_pk=member.pk)
    return self_analysis(request, campaign_pk, member_pk, text_form=form)


@login_required
def my_self_analysis(request, campaign_pk):
    member = request.scope.member
    campaign = request.scope.module_or_404(
        get_object_or_404(Campaign, pk=campaign_pk), "self_analysis"
    )
    if member is None or services.enrollment_of(campaign, member) is None:
        raise Http404
    analysis = SelfAnalysis.objects.filter(campaign=campaign, member=member).first()
    form = SelfAnalysisForm(request.POST or None, initial={"text": analysis and analysis.text})
    if request.method == "POST":
        if analysis is not None and not analysis.editable_by_member:
            raise PermissionDenied
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.save_self_analysis(
                    campaign,
                    member,
                    text=form.cleaned_data["text"],
                    submit=submit,
                    acting=request.scope,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your self-analysis was submitted to your unit.")
                    if submit
                    else _("Your draft was saved."),
                )
                return redirect("appraisal:my-self-analysis", campaign_pk=campaign.pk)
    context = {"campaign": campaign, "analysis": analysis, "form": form}
    return render(
        request,
        "appraisal/my_self_analysis.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# -- the special organisational-life meeting -----------------------------------------------


@login_required
def meetings(request, campaign_pk, enrollment_pk):
    manage = request.method == "POST"
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk,
        enrollment_pk,
        reach=STAFF,
        require=MANAGE if manage else (),
        module="meetings",
    )
    form = MeetingForm(request.POST or None, enrollment=enrollment)
    if manage and form.is_valid():
        try:
            meeting = services.save_meeting(
                enrollment, user=request.user, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("appraisal:meeting", pk=meeting.pk)
    records = (
        OrgLifeMeeting.objects.filter(enrollment=enrollment)
        .select_related("organization")
        .prefetch_related("attendees", "items")
    )
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "meetings": records,
        "form": form,
        "can_manage": request.scope.can_manage_org(enrollment.organization),
    }
    return render(request, "appraisal/meetings.html", context, status=400 if manage else 200)


def _meeting_or_404(request, pk, *, manage=False) -> OrgLifeMeeting:
    return request.scope.get_or_404(
        OrgLifeMeeting.objects.select_related(
            "campaign", "enrollment__organization", "organization"
        ),
        reach=STAFF,
        unit=lambda meeting: meeting.organization,
        require=MANAGE if manage else (),
        module="meetings",
        pk=pk,
    )


def _meeting_context(request, meeting, *, edit_form=None, item_form=None):
    attendees = list(meeting.attendees.order_by("code"))
    members = list(Member.objects.within(meeting.organization).order_by("code"))
    items = defaultdict(list)
    for item in meeting.items.select_related("raised_by"):
        items[item.member_id].append(item)
    attended = {m.pk for m in attendees}
    rows = [
        {
            "member": member,
            "attended": member.pk in attended,
            "self": [i for i in items[member.pk] if i.kind == CriticismKind.SELF],
            "criticism": [i for i in items[member.pk] if i.kind == CriticismKind.CRITICISM],
        }
        for member in members
    ]
    initial = {
        "organization": meeting.organization_id,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "host": meeting.host,
        "attendees": [m.pk for m in attendees],
        "minutes": meeting.minutes,
    }
    return {
        "campaign": meeting.campaign,
        "meeting": meeting,
        "enrollment": meeting.enrollment,
        "rows": rows,
        "attendee_count": len(attendees),
        "without_self_criticism": [r["member"] for r in rows if r["attended"] and not r["self"]],
        "can_manage": request.scope.can_manage_org(meeting.organization),
        "edit_form": edit_form or MeetingForm(initial=initial, enrollment=meeting.enrollment),
        "item_form": item_form or CriticismForm(meeting=meeting),
    }


@login_required
def meeting_detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    return render(request, "appraisal/meeting.html", _meeting_context(request, meeting))


@login_required
@require_POST
def meeting_edit(request, pk):
    meeting = _meeting_or_404(request, pk, manage=True)
    form = MeetingForm(request.POST, enrollment=meeting.enrollment)
    if form.is_valid():
        try:
            services.save_meeting(
                meeting.enrollment, meeting=meeting, **form.cleaned_data, acting=request.scope
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("appraisal:meeting", pk=meeting.pk)
    meeting.refresh_from_db()
    context = _meeting_context(request, meeting, edit_form=form)
    return render(request, "appraisal/meeting.html", context, status=400)


@login_required
@require_POST
def meeting_item(request, pk):
    meeting = _meeting_or_404(request, pk, manage=True)
    form = CriticismForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.add_criticism(meeting, **form.cleaned_data, acting=request.scope)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The item was added."))
            return redirect("appraisal:meeting", pk=meeting.pk)
    context = _meeting_context(request, meeting, item_form=form)
    return render(request, "appraisal/meeting.html", context, status=400)
