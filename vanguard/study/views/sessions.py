"""Study sessions: the unit's list, creating and editing a session, the roll-call on one
screen, the check-in code and QR shown at the session, a member's check-in, and the
session's page of the collective study log."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from vanguard.accounts.access import MANAGE
from vanguard.orgs.models import Member
from vanguard.study import online, services
from vanguard.study.forms import CheckinForm, SessionForm, SessionLogForm
from vanguard.study.hours import NO_PARTICIPATION, participation_by, session_counts
from vanguard.study.models import Attendance, AttendanceStatus, StudySession, new_checkin_code

# Study pages show the unit's phase windows; sessions come with what their pages show.
PHASES = ("phases",)
SESSIONS = StudySession.objects.select_related(
    "organization", "enrollment__campaign", "enrollment__organization", "roll_taken_by"
)


def _sessions_for(request, enrollment):
    """The unit's sessions the user may see: all for readers; a member, those held by
    their organisation or one above it."""
    sessions = (
        StudySession.objects.filter(enrollment=enrollment)
        .select_related("organization", "log")
        .annotate(**session_counts())
    )
    if not request.scope.can_view_org(enrollment.organization):
        member = request.scope.member
        sessions = sessions.filter(
            organization__path__in=services.ancestor_paths(member.organization)
        )
    return sessions.order_by("-date", "-starts_at")


@login_required
def session_list(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, module="sessions"
    )
    window = services.study_window(enrollment)
    sessions = list(_sessions_for(request, enrollment))
    rules = enrollment.campaign.rules
    for session in sessions:
        session.kind_title = rules.label("session_kinds", session.kind)
        session.outside_window = services.outside_window(session.date, window)
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "sessions": sessions,
        "window": window,
        "can_manage": request.scope.can_manage_org(enrollment.organization),
        "is_staff": request.scope.can_view_org(enrollment.organization),
        "today": timezone.localdate(),
    }
    return render(request, "study/session_list.html", context)


@login_required
def session_create(request, campaign_pk, enrollment_pk):
    enrollment = request.scope.get_enrollment_or_404(
        campaign_pk, enrollment_pk, prefetch=PHASES, require=MANAGE, module="sessions"
    )
    form = SessionForm(request.POST or None, enrollment=enrollment)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        session = form.save()
        messages.success(request, _("Session saved."))
        return redirect("study:session", pk=session.pk)
    context = {"campaign": enrollment.campaign, "enrollment": enrollment, "form": form}
    return render(request, "study/session_form.html", context)


@login_required
def session_edit(request, pk):
    session = request.scope.get_or_404(SESSIONS, require=MANAGE, pk=pk, module="sessions")
    enrollment = session.enrollment
    form = SessionForm(request.POST or None, instance=session, enrollment=enrollment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Session saved."))
        return redirect("study:session", pk=session.pk)
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "form": form,
        "session": session,
    }
    return render(request, "study/session_form.html", context)


@login_required
def session_detail(request, pk):
    session = request.scope.get_or_404(SESSIONS, pk=pk, module="sessions")
    enrollment = session.enrollment
    rules = enrollment.campaign.rules
    is_staff = request.scope.can_view_org(session.organization)
    counts = Attendance.objects.filter(session=session)
    member = request.scope.member
    context = {
        "campaign": enrollment.campaign,
        "enrollment": enrollment,
        "session": session,
        "kind_title": rules.label("session_kinds", session.kind),
        "materials": [m for m in rules.materials if m.code in session.template_materials],
        "unit_materials": session.unit_materials.all(),
        "outside_window": services.outside_window(session.date, services.study_window(enrollment)),
        "can_manage": request.scope.can_manage_org(session.organization),
        "is_staff": is_staff,
        "marks": (
            counts.select_related("member__organization").order_by(
                "member__organization__path", "member__code"
            )
            if is_staff
            else None
        ),
        "my_mark": counts.filter(member=member).first() if member else None,
        "log": session.log if _has_log(session) else None,
        "participation": participation_by(counts, "session").get(session.pk, NO_PARTICIPATION),
        "roll_calls": session.roll_calls.select_related("taken_by")[:10] if is_staff else (),
        "checkin_open": services.checkin_open(session),
        "lectures": _lectures_of(request, session),
        "can_open_lecturers": request.scope.can_view_campaign_of(enrollment.campaign.organization),
    }
    return render(request, "study/session_detail.html", context)


def _lectures_of(request, session) -> list:
    """The 讲师团 lectures the session was part of, with their kind's title (none when the
    template has no 讲师团)."""
    campaign = session.enrollment.campaign
    if not online.lecturers_on(campaign):
        return []
    return online.with_kind_titles(
        campaign, session.lectures.select_related("lecturer").order_by("given_on", "pk")
    )


def _has_log(session) -> bool:
    try:
        session.log  # noqa: B018 — a missing OneToOne raises
    except StudySession.log.RelatedObjectDoesNotExist:
        return False
    return True


# -- the roll-call -------------------------------------------------------------------------


def _marks_from(post, rows) -> dict[int, services.Mark]:
    marks = {}
    for member, _row in rows:
        status = post.get(f"status-{member.pk}")
        if status is not None:
            marks[member.pk] = services.Mark(status, post.get(f"reason-{member.pk}", "").strip())
    return marks


@login_required
def roll_call(request, pk):
    session = request.scope.get_or_404(SESSIONS, require=MANAGE, pk=pk, module="sessions")
    rows = services.roll_rows(session)
    errors: dict[int, str] = {}
    typed: dict[int, services.Mark] = {}
    if request.method == "POST":
        typed = _marks_from(request.POST, rows)
        try:
            call = services.save_roll(session, typed, user=request.user, acting=request.scope)
        except services.RollError as error:
            errors = error.errors
            messages.error(request, _("The roll was not saved; see the marked rows."))
        else:
            messages.success(
                request,
                _("Roll saved: %(count)s marks changed.") % {"count": len(call.changes)},
            )
            return redirect("study:session", pk=session.pk)
    lines = []
    for member, row in rows:
        mark = typed.get(member.pk)
        status = mark.status if mark else (row.status if row else AttendanceStatus.PRESENT)
        reason = mark.reason if mark else (row.reason if row else "")
        lines.append(
            {
                "member": member,
                "row": row,
                "status": status,
                "reason": reason,
                "error": errors.get(member.pk),
                # Moved out of the session's unit since: greyed, the marks kept.
                "moved": not member.organization.is_in_subtree_of(session.organization),
            }
        )
    context = {
        "campaign": session.enrollment.campaign,
        "enrollment": session.enrollment,
        "session": session,
        "lines": lines,
        "statuses": AttendanceStatus.choices,
    }
    return render(request, "study/roll_call.html", context, status=400 if errors else 200)


# -- check-in --------------------------------------------------------------------------------


def checkin_url(request, session) -> str:
    url = reverse("study:checkin", args=[session.pk])
    return request.build_absolute_uri(f"{url}?code={session.checkin_code}")


@login_required
def checkin_display(request, pk):
    """The code and QR to show on the screen at the session (managers only)."""
    session = request.scope.get_or_404(SESSIONS, require=MANAGE, pk=pk, module="sessions")
    url = checkin_url(request, session)
    qr = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    context = {
        "session": session,
        "enrollment": session.enrollment,
        "campaign": session.enrollment.campaign,
        "url": url,
        "qr_svg": qr.to_string(encoding="unicode"),
        "window": services.checkin_window(session),
    }
    return render(request, "study/checkin_display.html", context)


def _checkin_session(request, pk) -> tuple[StudySession, Member]:
    """The session's check-in page is for the members of its unit and those on its roll;
    anyone else gets 404."""
    member = request.scope.member
    session = get_object_or_404(
        StudySession.objects.select_related("organization", "enrollment__campaign"), pk=pk
    )
    request.scope.module_or_404(session.enrollment.campaign, "sessions")
    on_roll = (
        member is not None and Attendance.objects.filter(session=session, member=member).exists()
    )
    if not request.scope.can_check_in_at(session.organization, on_roll=on_roll):
        raise Http404
    return session, member


@login_required
@ratelimit(key="user", rate="20/m", method="POST", block=False)
def checkin(request, pk):
    session, member = _checkin_session(request, pk)
    form = CheckinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    refused = None
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            refused, status = _("Too many attempts; wait a minute and try again."), 429
        elif form.is_valid():
            try:
                row = services.check_in(
                    session, member, form.cleaned_data["code"], acting=request.scope
                )
            except services.CheckinRefused as error:
                refused, status = str(error), 400
            else:
                messages.success(
                    request,
                    _("Checked in: %(status)s at %(time)s.")
                    % {
                        "status": row.get_status_display(),
                        "time": timezone.localtime(row.checked_in_at).strftime("%H:%M"),
                    },
                )
                return redirect("study:me")
    context = {"session": session, "form": form, "refused": refused}
    return render(request, "study/checkin.html", context, status=status)


# -- the collective study log ------------------------------------------------------------


@login_required
def session_log(request, pk):
    session = request.scope.get_or_404(SESSIONS, require=MANAGE, pk=pk, module="sessions")
    log = session.log if _has_log(session) else None
    form = SessionLogForm(request.POST or None, instance=log)
    if request.method == "POST" and form.is_valid():
        services.save_log(session, user=request.user, acting=request.scope, **form.cleaned_data)
        messages.success(request, _("The record of the session was saved."))
        return redirect("study:session", pk=session.pk)
    context = {
        "session": session,
        "enrollment": session.enrollment,
        "campaign": session.enrollment.campaign,
        "form": form,
    }
    return render(request, "study/session_log_form.html", context)


@login_required
@require_POST
def renew_checkin_code(request, pk):
    session = request.scope.get_or_404(SESSIONS, require=MANAGE, pk=pk, module="sessions")
    session.checkin_code = new_checkin_code()
    session.save(update_fields=["checkin_code"])
    messages.success(request, _("A new check-in code was made; the old one no longer works."))
    return redirect("study:checkin-display", pk=session.pk)
