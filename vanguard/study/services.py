"""State changes of the study module: sessions, the roll-call, member check-in, the
collective study log, study notes, 五个一 and 三进 records. Views and the demo call these;
tests call them directly.

Rules of the app (not of the notice) live here as named constants: a member may check in
from CHECKIN_OPENS_BEFORE before a session starts until it ends, and one checking in more
than LATE_AFTER after the start is marked late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting
from vanguard.campaigns import revision
from vanguard.campaigns.models import Campaign, Enrollment, PhaseWindow
from vanguard.core.dates import format_date
from vanguard.orgs.models import Member, Organization
from vanguard.study.hours import refresh_member_hours
from vanguard.study.models import (
    Attendance,
    AttendanceStatus,
    FiveOneRecord,
    RollCall,
    SessionLog,
    StudySession,
)

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
REASON_MAX_LENGTH = 200


# -- the study phase ---------------------------------------------------------------------


def study_phase_code(campaign: Campaign) -> str:
    """The campaign's study phase (学习动员): its template's first phase."""
    return campaign.rules.phases[0].code


def study_window(enrollment: Enrollment, campaign: Campaign | None = None) -> PhaseWindow | None:
    """The unit's planned study phase, from its (prefetched) `phases`; pass the campaign
    when `enrollment.campaign` is not loaded."""
    code = study_phase_code(campaign or enrollment.campaign)
    return next((w for w in enrollment.phases.all() if w.phase_code == code), None)


def outside_window(day: date, window: PhaseWindow | None) -> bool:
    """A session outside the unit's study window (or with none planned) is flagged."""
    return window is None or not (window.starts_on <= day <= window.ends_on)


# -- sessions ------------------------------------------------------------------------------


def session_start(session: StudySession) -> datetime:
    return timezone.make_aware(datetime.combine(session.date, session.starts_at))


def session_end(session: StudySession) -> datetime:
    return timezone.make_aware(datetime.combine(session.date, session.ends_at))


def checkin_window(session: StudySession) -> tuple[datetime, datetime]:
    """When members may check themselves in: from a little before the start to the end."""
    return session_start(session) - CHECKIN_OPENS_BEFORE, session_end(session)


def checkin_open(session: StudySession, now: datetime | None = None) -> bool:
    opens, closes = checkin_window(session)
    return opens <= (now or timezone.now()) <= closes


def expected_members(session: StudySession):
    """The members of the session's organisation subtree on the session's day, by their
    dated transfers: one who moved away after the session is still expected at it, one who
    moved in after it is not."""
    return Member.objects.in_subtree_on(session.organization.path, session.date)


def roll_rows(session: StudySession) -> list[tuple[Member, Attendance | None]]:
    """Who is on the roll: members already marked (kept, even if they have moved since:
    their marks are never dropped) and the members of the subtree on the session's day not
    yet marked. Four queries."""
    marked = {
        row.member_id: row
        for row in Attendance.objects.filter(session=session).select_related("member__organization")
    }
    current = expected_members(session).exclude(pk__in=list(marked)).select_related("organization")
    rows = [(row.member, row) for row in marked.values()] + [(m, None) for m in current]
    return sorted(rows, key=lambda pair: (pair[0].organization.path, pair[0].code))


@dataclass(frozen=True)
class Mark:
    status: str
    reason: str = ""


class RollError(ValueError):
    """A roll that cannot be saved; `errors` maps member ids to messages."""

    def __init__(self, errors: Mapping[int, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def check_marks(marks: Mapping[int, Mark]) -> dict[int, str]:
    errors = {}
    for member_id, mark in marks.items():
        if mark.status not in AttendanceStatus.values:
            errors[member_id] = _("Choose present, late, on leave or absent.")
        elif mark.status == AttendanceStatus.LEAVE and not mark.reason.strip():
            errors[member_id] = _("Give the reason for the leave.")
        elif len(mark.reason) > REASON_MAX_LENGTH:
            errors[member_id] = _("The reason is longer than %(max)s characters.") % {
                "max": REASON_MAX_LENGTH
            }
    return errors


def save_roll(
    session: StudySession,
    marks: Mapping[int, Mark],
    *,
    user,
    now: datetime | None = None,
    acting: Scope | None,
) -> RollCall:
    """Save a whole session's roll in one go, in a constant number of queries.

    `marks` gives each member's mark; members on the roll (`roll_rows`) without a mark keep
    theirs (new ones are marked absent), and marks for members not on the roll are
    ignored. Raises RollError, writing nothing, if any mark is invalid.
    """
    require_acting(acting, lambda scope: scope.can_manage_org(session.organization))
    session.enrollment.campaign.check_writable()  # an ended campaign is read-only
    errors = check_marks(marks)
    if errors:
        raise RollError(errors)
    now = now or timezone.now()
    to_create, to_update, changes = [], [], []
    for member, row in roll_rows(session):
        mark = marks.get(member.pk)
        if row is None:
            mark = mark or Mark(AttendanceStatus.ABSENT)
            to_create.append(
                Attendance(session=session, member=member, status=mark.status, reason=mark.reason)
            )
            changes.append([member.pk, None, mark.status, mark.reason])
        elif mark is not None and (mark.status, mark.reason) != (row.status, row.reason):
            changes.append([member.pk, row.status, mark.status, mark.reason])
            row.status, row.reason = mark.status, mark.reason
            to_update.append(row)
    first_roll = session.roll_taken_at is None
    unit = {session.enrollment_id: session.enrollment.campaign_id}
    with revision.attributed_to(unit), transaction.atomic():  # bulk writes of one unit
        Attendance.objects.bulk_create(to_create)
        Attendance.objects.bulk_update(to_update, ["status", "reason"])
        session.roll_taken_by = user
        session.roll_taken_at = now
        session.save(update_fields=["roll_taken_by", "roll_taken_at"])
        if first_roll:
            count_for_step(session)
        refresh_member_hours(session.enrollment.campaign_id, [change[0] for change in changes])
        return RollCall.objects.create(
            session=session, taken_by=user, taken_at=now, changes=changes
        )


def count_for_step(session: StudySession) -> None:
    """A session whose kind counts for a step (the 动员大会 for 思想发动, per the template's
    `counts_for_step`) marks that step done on the session's date, once its roll is taken."""
    from vanguard.campaigns.models import StepRecord, StepStatus
    from vanguard.campaigns.services import record_step

    campaign = session.enrollment.campaign
    kind = next((k for k in campaign.rules.session_kinds if k.code == session.kind), None)
    if kind is None or not kind.counts_for_step:
        return
    done = StepRecord.objects.filter(
        enrollment=session.enrollment, step_code=kind.counts_for_step, status=StepStatus.DONE
    ).exists()
    if not done:
        record_step(
            session.enrollment,
            kind.counts_for_step,
            status=StepStatus.DONE,
            done_on=session.date,
            notes=f"{kind.title}：{session.topic}",
            acting=None,
        )


# -- member check-in -------------------------------------------------------------------------


class CheckinRefused(Exception):
    """A check-in that is not accepted; the message says why, for the member to read."""


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def check_in(
    session: StudySession,
    member: Member,
    code: str,
    *,
    now: datetime | None = None,
    acting: Scope | None,
) -> Attendance:
    """Check `member` in to `session` with the code shown at the session.

    Refused (CheckinRefused) for a member not expected at the session, a wrong code,
    outside the session's time window, or a second time. The first check-in of a session
    puts every current member of its subtree on the roll (absent until they check in).
    Only the member themself checks in (`acting`).
    """
    require_acting(acting, lambda scope: scope.is_member(member))
    session.enrollment.campaign.check_writable()  # an ended campaign is read-only
    now = now or timezone.now()
    row = Attendance.objects.filter(session=session, member=member).first()
    in_subtree = expected_members(session).filter(pk=member.pk).exists()
    if row is None and not in_subtree:
        raise CheckinRefused(
            _("This session is for the members of %(unit)s; you are not on its roll.")
            % {"unit": session.organization.name}
        )
    if normalise_code(code) != session.checkin_code:
        raise CheckinRefused(_("The check-in code is wrong. Check the code shown at the session."))
    opens, closes = checkin_window(session)
    if now < opens:
        raise CheckinRefused(
            _("Check-in opens at %(time)s on %(date)s.")
            % {"time": _time(opens), "date": format_date(timezone.localdate(opens))}
        )
    if now > closes:
        raise CheckinRefused(
            _("Check-in closed at %(time)s on %(date)s, when the session ended.")
            % {"time": _time(closes), "date": format_date(session.date)}
        )
    if row is not None and row.checked_in_at is not None:
        raise CheckinRefused(
            _("You already checked in at %(time)s.") % {"time": _time(row.checked_in_at)}
        )
    if row is not None and row.attended:
        raise CheckinRefused(_("You are already marked present at this session."))
    late = now > session_start(session) + LATE_AFTER
    status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
    unit = {session.enrollment_id: session.enrollment.campaign_id}
    with revision.attributed_to(unit), transaction.atomic():  # the roll's bulk write: one unit
        if row is None:
            row = _put_on_roll(session, member)
        old = row.status
        row.status, row.reason, row.checked_in_at = status, "", now
        row.save(update_fields=["status", "reason", "checked_in_at"])
        RollCall.objects.create(
            session=session,
            taken_by=member.user,
            taken_at=now,
            self_checkin=True,
            changes=[[member.pk, old, status, ""]],
        )
    return row


def _put_on_roll(session: StudySession, member: Member) -> Attendance:
    """Mark every unmarked current member absent (the snapshot); return `member`'s row."""
    marked = Attendance.objects.filter(session=session).values("member_id")
    missing = expected_members(session).exclude(pk__in=marked).values_list("pk", flat=True)
    Attendance.objects.bulk_create(
        [Attendance(session=session, member_id=pk) for pk in missing if pk != member.pk]
    )
    return Attendance.objects.create(session=session, member=member)


def _time(moment: datetime) -> str:
    return time_format(timezone.localtime(moment), "H:i")


# -- the collective study log --------------------------------------------------------------


def save_log(
    session: StudySession,
    *,
    content: str,
    summary: str = "",
    recorder: str = "",
    user=None,
    acting: Scope | None,
) -> SessionLog:
    require_acting(acting, lambda scope: scope.can_manage_org(session.organization))
    session.enrollment.campaign.check_writable()  # an ended campaign is read-only
    log, _created = SessionLog.objects.update_or_create(
        session=session,
        defaults={
            "content": content,
            "summary": summary,
            "recorder": recorder,
            "written_by": user,
        },
    )
    return log


# -- 五个一 ----------------------------------------------------------------------------------


class FiveOneError(ValueError):
    pass


def mark_five_one(
    campaign: Campaign,
    member: Member,
    item: str,
    *,
    done_on: date,
    partner: str = "",
    note: str = "",
    today: date | None = None,
    acting: Scope | None,
) -> FiveOneRecord:
    """Mark one of the template's 五个一 done for `member` (or update its record): the
    member themself or the managers of the member's organisation."""
    require_acting(acting, lambda scope: scope.can_act_for_member(member))
    campaign.check_writable()  # an ended campaign is read-only
    try:
        definition = next(i for i in campaign.rules.five_ones if i.code == item)
    except StopIteration:
        raise FiveOneError(_("Unknown item.")) from None
    if definition.needs_partner and not partner.strip():
        raise FiveOneError(_("%(item)s: name the person paired with.") % {"item": definition.title})
    if done_on > (today or timezone.localdate()):
        raise FiveOneError(_("The date is in the future."))
    record, _created = FiveOneRecord.objects.update_or_create(
        campaign=campaign,
        member=member,
        item=item,
        defaults={"done_on": done_on, "partner": partner.strip(), "note": note.strip()},
    )
    return record


def unmark_five_one(campaign: Campaign, member: Member, item: str, *, acting: Scope | None) -> None:
    require_acting(acting, lambda scope: scope.can_act_for_member(member))
    campaign.check_writable()  # an ended campaign is read-only
    for record in FiveOneRecord.objects.filter(campaign=campaign, member=member, item=item):
        record.delete()  # one by one, so the history keeps the deletion


# -- places in the tree ----------------------------------------------------------------------


def ancestor_paths(org: Organization) -> list[str]:
    """The paths of `org` and all its ancestors."""
    step = Organization.steplen
    return [org.path[:end] for end in range(step, len(org.path) + 1, step)]
