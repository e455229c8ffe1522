"""两本一册 (五.1(4)三): the attendance roster (党员学习活动点名册), the collective study log
(党组织集体学习活动笔记本) and the leader cadres' study notes (学习笔记本) of a unit, as
data for the screen, the printed form (PDF) and Excel. Each is read in a constant number of
queries whatever the number of members and sessions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from vanguard.campaigns.models import Enrollment
from vanguard.core.exports import Sheet
from vanguard.orgs.models import Member, path_within
from vanguard.study.hours import session_counts, with_hours
from vanguard.study.models import Attendance, AttendanceStatus, StudyNote, StudySession

MARKS = {
    AttendanceStatus.PRESENT: "✓",
    AttendanceStatus.LATE: pgettext_lazy("roster mark: late", "L"),
    AttendanceStatus.LEAVE: pgettext_lazy("roster mark: on leave", "E"),
    AttendanceStatus.ABSENT: "×",
}
SESSIONS_PER_PRINTED_TABLE = 16


def legend() -> list[tuple[str, str]]:
    return [(str(MARKS[status]), status.label) for status in AttendanceStatus]


def unit_sessions(enrollment: Enrollment):
    return (
        StudySession.objects.filter(enrollment=enrollment)
        .select_related("organization")
        .annotate(**session_counts())
        .order_by("date", "starts_at", "pk")
    )


def roster_members(enrollment: Enrollment):
    """Current members of the unit, and anyone marked at one of its sessions since."""
    marked = Attendance.objects.filter(session__enrollment=enrollment).values("member_id")
    members = Member.objects.filter(
        enrollment.organization.subtree_q("organization__") | Q(pk__in=marked)
    )
    return with_hours(members, enrollment.campaign).order_by("organization__path", "code")


@dataclass
class RosterRow:
    member: Member
    marks: list[str]  # one per session: a MARKS symbol, or "" when not on that roll
    moved: bool  # no longer a member of the unit


@dataclass
class Roster:
    enrollment: Enrollment
    sessions: list[StudySession]
    rows: list[RosterRow]

    def chunks(self, size: int = SESSIONS_PER_PRINTED_TABLE) -> Iterator[dict]:
        """The roster split into tables of at most `size` sessions, for printing."""
        for start in range(0, max(len(self.sessions), 1), size):
            yield {
                "sessions": self.sessions[start : start + size],
                "rows": [(row, row.marks[start : start + size]) for row in self.rows],
                "last": start + size >= len(self.sessions),
            }


def roster(enrollment: Enrollment) -> Roster:
    """Members × sessions of the unit, with each member's hours. Three queries."""
    sessions = list(unit_sessions(enrollment))
    column = {session.pk: index for index, session in enumerate(sessions)}
    marks: dict[int, list[str]] = defaultdict(lambda: [""] * len(sessions))
    rows = Attendance.objects.filter(session__enrollment=enrollment).values_list(
        "member_id", "session_id", "status"
    )
    for member_id, session_id, status in rows:
        marks[member_id][column[session_id]] = str(MARKS[status])
    path = enrollment.organization.path
    return Roster(
        enrollment,
        sessions,
        [
            RosterRow(
                member,
                marks[member.pk],
                moved=not path_within(member.organization.path, path),
            )
            for member in roster_members(enrollment)
        ],
    )


def roster_sheet(data: Roster) -> Sheet:
    headers = [
        _("No."),
        _("Name"),
        _("Organisation"),
        *[f"{s.date:%m-%d} {s.topic}" for s in data.sessions],
        _("Hours"),
        _("Required"),
        _("Short by"),
    ]
    rows = (
        [
            index,
            row.member.name,
            row.member.organization.name,
            *row.marks,
            float(row.member.hours),
            float(row.member.required),
            float(row.member.shortfall),
        ]
        for index, row in enumerate(data.rows, start=1)
    )
    return Sheet(_("Roster"), headers, rows, widths=(6, 12, 24))


# -- the collective study log --------------------------------------------------------------


@dataclass
class LogEntry:
    session: StudySession
    absent: list[tuple[str, str, str]] = field(default_factory=list)  # name, status, reason

    @property
    def log(self):
        return getattr(self.session, "log", None)


def study_log(enrollment: Enrollment) -> list[LogEntry]:
    """Each session of the unit with its record, counts and who was missing. Two queries."""
    sessions = list(unit_sessions(enrollment).select_related("log"))
    entries = {session.pk: LogEntry(session) for session in sessions}
    missing = (
        Attendance.objects.filter(session__enrollment=enrollment)
        .exclude(status__in=[AttendanceStatus.PRESENT])
        .select_related("member")
        .order_by("member__organization__path", "member__code")
    )
    for row in missing:
        entries[row.session_id].absent.append(
            (row.member.name, row.get_status_display(), row.reason)
        )
    return list(entries.values())


def log_sheet(entries: list[LogEntry], rules) -> Sheet:
    headers = [
        _("Date"),
        _("Time"),
        _("Kind of session"),
        _("Topic"),
        _("Speaker"),
        _("Chaired by"),
        _("Place"),
        _("Hours"),
        _("Expected"),
        _("Attended"),
        _("Absent, late or on leave"),
        _("Record of the session"),
        _("Summary"),
        _("Recorded by"),
    ]

    def rows():
        for entry in entries:
            s, log = entry.session, entry.log
            yield [
                s.date,
                f"{s.starts_at:%H:%M}–{s.ends_at:%H:%M}",
                rules.label("session_kinds", s.kind),
                s.topic,
                s.speaker,
                s.host,
                s.place,
                float(s.hours),
                s.expected,
                s.attended,
                "；".join(f"{n}（{st}{'：' + r if r else ''}）" for n, st, r in entry.absent),
                log.content if log else "",
                log.summary if log else "",
                log.recorder if log else "",
            ]

    return Sheet(_("Collective study log"), headers, rows(), widths=(12, 12, 10, 30))


# -- the study notes -----------------------------------------------------------------------


def unit_notes(enrollment: Enrollment, member: Member | None = None):
    """Study notes of the unit's members in the campaign, leader cadres first. One query."""
    notes = StudyNote.objects.filter(
        enrollment.organization.subtree_q("member__organization__"),
        campaign=enrollment.campaign,
    )
    if member is not None:
        notes = notes.filter(member=member)
    return notes.select_related("member__organization", "session").order_by(
        "-member__is_leader_cadre", "member__organization__path", "member__code", "written_on"
    )


def notes_sheet(notes) -> Sheet:
    headers = [_("Name"), _("Position"), _("Date"), _("Title"), _("Session"), _("Notes")]
    rows = (
        [
            note.member.name,
            note.member.position,
            note.written_on,
            note.title,
            note.session.topic if note.session else "",
            note.content,
        ]
        for note in notes
    )
    return Sheet(_("Study notes"), headers, rows, widths=(12, 16, 12, 30, 24, 80))
