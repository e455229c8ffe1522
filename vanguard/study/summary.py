"""Each enrolled unit's study at a glance — sessions, 参学率, hours, the collective study
log, leader cadres' notes, 五个一 — for the study overview, the unit page's panel and the
compliance rules. Every figure is aggregated in the database, a constant number of
queries for any number of units, members and sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from vanguard.campaigns.models import Campaign, Enrollment, PhaseWindow
from vanguard.study.hours import (
    EMPTY_HOURS,
    NO_PARTICIPATION,
    HoursSummary,
    Participation,
    enrolled_members,
    enrollment_case,
    hours_by_enrollment,
    participation_by_enrollment,
)
from vanguard.study.models import Attendance, FiveOneRecord, StudyNote, StudySession
from vanguard.study.services import study_window


@dataclass(frozen=True)
class SessionFigures:
    total: int = 0
    held: int = 0  # on or before today
    logged: int = 0  # with a page in the collective study log
    outside_window: int = 0  # outside the unit's study window (or none planned)
    without_roll: int = 0  # held, but nobody marked
    evidence: tuple[tuple[int, date, str], ...] = ()  # sessions counting for a step


@dataclass(frozen=True)
class UnitStudy:
    enrollment: Enrollment
    window: PhaseWindow | None = None  # the unit's study phase
    sessions: SessionFigures = field(default_factory=SessionFigures)
    participation: Participation = NO_PARTICIPATION
    hours: HoursSummary = EMPTY_HOURS
    leaders: int = 0
    leaders_with_notes: int = 0
    five_ones_complete: int = 0


def _window_q(campaign: Campaign, enrollments: list[Enrollment]) -> Q:
    inside = Q(pk__in=[])
    for enrollment in enrollments:
        window = study_window(enrollment, campaign)
        if window is not None:
            inside |= Q(
                enrollment=enrollment.pk,
                date__gte=window.starts_on,
                date__lte=window.ends_on,
            )
    return inside


def session_figures(
    campaign: Campaign, enrollments: list[Enrollment], today: date
) -> dict[int, SessionFigures]:
    """Per enrolled unit: its sessions, counted. Two queries."""
    marked = Attendance.objects.filter(session=OuterRef("pk"))
    rows = (
        StudySession.objects.filter(enrollment__in=[e.pk for e in enrollments])
        .annotate(has_roll=Exists(marked))
        .order_by()
        .values("enrollment")
        .annotate(
            total=Count("pk"),
            held=Count("pk", filter=Q(date__lte=today)),
            logged=Count("log"),
            outside=Count("pk", filter=~_window_q(campaign, enrollments)),
            without_roll=Count("pk", filter=Q(date__lt=today, has_roll=False)),
        )
    )
    step_kinds = [kind.code for kind in campaign.rules.session_kinds if kind.counts_for_step]
    evidence: dict[int, list] = {}
    for row in (
        StudySession.objects.filter(enrollment__in=[e.pk for e in enrollments], kind__in=step_kinds)
        .order_by("date")
        .values_list("enrollment", "pk", "date", "kind")
    ):
        evidence.setdefault(row[0], []).append(row[1:])
    return {
        row["enrollment"]: SessionFigures(
            row["total"],
            row["held"],
            row["logged"],
            row["outside"],
            row["without_roll"],
            tuple(evidence.get(row["enrollment"], ())),
        )
        for row in rows
    }


def leader_notes(campaign: Campaign, enrollments: list[Enrollment]) -> dict[int, tuple[int, int]]:
    """Per enrolled unit: leader cadres, and those with at least one study note. One query."""
    noted = StudyNote.objects.filter(campaign=campaign, member=OuterRef("pk"))
    rows = (
        enrolled_members(enrollments)
        .filter(is_leader_cadre=True)
        .annotate(unit=enrollment_case(enrollments), noted=Exists(noted))
        .order_by()
        .values("unit")
        .annotate(leaders=Count("pk"), with_notes=Count("pk", filter=Q(noted=True)))
    )
    return {row["unit"]: (row["leaders"], row["with_notes"]) for row in rows}


def five_ones_complete(campaign: Campaign, enrollments: list[Enrollment]) -> dict[int, int]:
    """Per enrolled unit: members with every one of the template's 五个一 done. One query."""
    items = [item.code for item in campaign.rules.five_ones]
    done = (
        FiveOneRecord.objects.filter(campaign=campaign, member=OuterRef("pk"), item__in=items)
        .order_by()
        .values("member")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        enrolled_members(enrollments)
        .annotate(
            unit=enrollment_case(enrollments),
            done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        )
        .order_by()
        .values("unit")
        .annotate(complete=Count("pk", filter=Q(done__gte=len(items))))
    )
    return {row["unit"]: row["complete"] for row in rows}


def unit_studies(
    campaign: Campaign, enrollments: Iterable[Enrollment], today: date
) -> dict[int, UnitStudy]:
    """Every figure for each enrolled unit (prefetch their `phases`). Seven queries."""
    enrollments = list(enrollments)
    if not enrollments:
        return {}
    sessions = session_figures(campaign, enrollments, today)
    participation = participation_by_enrollment(enrollments)
    hours = hours_by_enrollment(campaign, enrollments)
    notes = leader_notes(campaign, enrollments)
    five_ones = five_ones_complete(campaign, enrollments)
    return {
        e.pk: UnitStudy(
            e,
            study_window(e, campaign),
            sessions.get(e.pk, SessionFigures()),
            participation.get(e.pk, NO_PARTICIPATION),
            hours.get(e.pk, EMPTY_HOURS),
            *notes.get(e.pk, (0, 0)),
            five_ones.get(e.pk, 0),
        )
        for e in enrollments
    }
