"""A member's own study (phone first): hours and what remains, sessions and check-in, the
五个一, study notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.study import services
from vanguard.study.forms import FiveOneForm, NoteForm
from vanguard.study.hours import member_hours, required_hours
from vanguard.study.models import Attendance, FiveOneRecord, Quiz, StudyNote, StudySession


def my_campaigns(scope, member, today):
    """Per campaign the member takes part in: hours, minimum, sessions, 五个一, quizzes."""
    enrollments = scope.enrollments_covering(member)
    paths = services.ancestor_paths(member.organization)
    sessions = list(
        StudySession.objects.filter(
            enrollment__in=[e.pk for e in enrollments], organization__path__in=paths
        )
        .select_related("organization")
        .order_by("date", "starts_at")
    )
    marks = {
        a.session_id: a
        for a in Attendance.objects.filter(member=member, session__in=[s.pk for s in sessions])
    }
    records = {(r.campaign_id, r.item): r for r in FiveOneRecord.objects.filter(member=member)}
    quizzes = Quiz.objects.filter(
        campaign__in=[e.campaign_id for e in enrollments],
        organization__path__in=paths,
        closes_at__gte=timezone.now(),
    ).order_by("opens_at")
    plans = []
    for enrollment in enrollments:
        campaign = enrollment.campaign
        hours = member_hours(campaign, [member])[member.pk]
        required = required_hours(campaign, member)
        own = [s for s in sessions if s.enrollment_id == enrollment.pk]
        for session in own:
            session.mark = marks.get(session.pk)
            session.kind_title = campaign.rules.label("session_kinds", session.kind)
            session.checkin_open = services.checkin_open(session)
        plans.append(
            {
                "enrollment": enrollment,
                "campaign": campaign,
                "hours": hours,
                "required": required,
                "remaining": max(required - hours, 0),
                "percent": min(int(hours / required * 100), 100) if required else 100,
                "upcoming": [s for s in own if s.date >= today],
                "past": [s for s in reversed(own) if s.date < today],
                "five_ones": [
                    (item, records.get((campaign.pk, item.code)))
                    for item in campaign.rules.five_ones
                ],
                "quizzes": [q for q in quizzes if q.campaign_id == campaign.pk],
            }
        )
    return plans


@login_required
def my_study(request):
    member = request.scope.member
    if member is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "member": member,
        "plans": my_campaigns(request.scope, member, today),
        "today": today,
        "five_one_form": FiveOneForm(initial={"done_on": today}),
    }
    return render(request, "study/me.html", context)


@login_required
@require_POST
def my_five_one(request, campaign_pk):
    campaign, _enrollment = request.scope.get_member_enrollment_or_404(
        campaign_pk, module="five_ones"
    )
    member = request.scope.member
    form = FiveOneForm(request.POST)
    if form.is_valid():
        try:
            services.mark_five_one(campaign, member, acting=request.scope, **form.cleaned_data)
        except services.FiveOneError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("study:me")


@login_required
def my_notes(request, campaign_pk):
    campaign, enrollment = request.scope.get_member_enrollment_or_404(
        campaign_pk, module="two_books"
    )
    member = request.scope.member
    sessions = StudySession.objects.filter(
        enrollment=enrollment,
        organization__path__in=services.ancestor_paths(member.organization),
    ).order_by("-date")
    form = NoteForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        form.instance.campaign = campaign
        form.instance.member = member
        form.save()
        messages.success(request, _("Note saved."))
        return redirect("study:my-notes", campaign_pk=campaign.pk)
    notes = StudyNote.objects.filter(campaign=campaign, member=member).select_related("session")
    context = {"campaign": campaign, "notes": notes.order_by("-written_on", "-pk"), "form": form}
    return render(request, "study/my_notes.html", context, status=400 if form.errors else 200)


def _own_note_or_404(request, pk) -> StudyNote:
    member = request.scope.member
    note = StudyNote.objects.select_related("campaign").filter(pk=pk).first()
    if member is None or note is None or note.member_id != member.pk:
        raise Http404
    request.scope.module_or_404(note.campaign, "two_books")
    return note


@login_required
def note_edit(request, pk):
    note = _own_note_or_404(request, pk)
    member = request.scope.member
    sessions = StudySession.objects.filter(
        enrollment__campaign=note.campaign,
        organization__path__in=services.ancestor_paths(member.organization),
    ).order_by("-date")
    form = NoteForm(request.POST or None, instance=note, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Note saved."))
        return redirect("study:my-notes", campaign_pk=note.campaign_id)
    return render(request, "study/note_form.html", {"form": form, "note": note})


@login_required
@require_POST
def note_delete(request, pk):
    note = _own_note_or_404(request, pk)
    campaign_id = note.campaign_id
    note.delete()
    messages.success(request, _("Note deleted."))
    return redirect("study:my-notes", campaign_pk=campaign_id)
