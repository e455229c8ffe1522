"""Each enrolled unit's study at a glance — sessions, 参学率, hours, the collective study
log, leader cadres' notes, 五个一 — for the study overview, the unit page's panel and the
compliance rules. Every figure is aggregated in the database, a constant number of
queries for any number of units, members and sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from vanguard.campaigns.groups import group_expression, required_five_ones
from vanguard.campaigns.models import Campaign, Enrollment, PhaseWindow
from vanguard.campaigns.units import sum_by_unit, units_by_org
from vanguard.orgs.models import Member
from vanguard.study.hours import (
    EMPTY_HOURS,
    NO_PARTICIPATION,
    HoursSummary,
    Participation,
    hours_by_enrollment,
    participation_by_enrollment,
)
from vanguard.study.models import (
    Attendance,
    FiveOneRecord,
    SessionLog,
    StudyNote,
    StudySession,
)
from vanguard.study.services import outside_window, study_window


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


def session_figures(
    campaign: Campaign, enrollments: list[Enrollment], today: date
) -> dict[int, SessionFigures]:
    """Per enrolled unit: its sessions, counted. One query (a row per session, counted
    here: comparing each session with its own unit's window is simpler in Python than as
    one SQL condition per unit)."""
    windows = {e.pk: study_window(e, campaign) for e in enrollments}
    step_kinds = {kind.code for kind in campaign.rules.session_kinds if kind.counts_for_step}
    rows = (
        StudySession.objects.filter(enrollment__in=list(windows))
        .annotate(
            has_roll=Exists(Attendance.objects.filter(session=OuterRef("pk"))),
            has_log=Exists(SessionLog.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("date", "pk")
        .values_list("enrollment", "pk", "date", "kind", "has_roll", "has_log")
    )
    counts: dict[int, list[int]] = {}
    evidence: dict[int, list] = {}
    for unit, pk, day, kind, has_roll, has_log in rows:
        count = counts.setdefault(unit, [0, 0, 0, 0, 0])
        window = windows[unit]
        count[0] += 1
        count[1] += day <= today
        count[2] += has_log
        count[3] += outside_window(day, window)
        count[4] += day < today and not has_roll
        if kind in step_kinds:
            evidence.setdefault(unit, []).append((pk, day, kind))
    return {
        unit: SessionFigures(*count, tuple(evidence.get(unit, ())))
        for unit, count in counts.items()
    }


def leader_notes(campaign: Campaign, enrollments: list[Enrollment]) -> dict[int, tuple[int, int]]:
    """Per enrolled unit: leader cadres, and those with at least one study note. Two
    queries."""
    units = units_by_org(enrollments)
    noted = StudyNote.objects.filter(campaign=campaign, member=OuterRef("pk"))
    rows = (
        Member.objects.filter(organization__in=list(units), is_leader_cadre=True)
        .annotate(noted=Exists(noted))
        .order_by()
        .values("organization")
        .annotate(leaders=Count("pk"), with_notes=Count("pk", filter=Q(noted=True)))
    )
    totals = sum_by_unit(rows, units, ["leaders", "with_notes"])
    return {unit: (row["leaders"], row["with_notes"]) for unit, row in totals.items()}


def five_ones_complete(campaign: Campaign, enrollments: list[Enrollment]) -> dict[int, int]:
    """Per enrolled unit: members with every one of the template's 五个一 done. Two
    queries. When a 分类指导 group (三.5) holds its members to fewer items, each member is
    counted against their own group's items."""
    rules = campaign.rules
    if any(group.five_ones is not None for group in rules.guidance_groups()):
        return _five_ones_complete_by_group(campaign, enrollments)
    items = [item.code for item in rules.five_ones]
    units = units_by_org(enrollments)
    complete = (
        FiveOneRecord.objects.filter(
            campaign=campaign, item__in=items, member__organization__in=list(units)
        )
        .order_by()
        .values("member")
        .annotate(count=Count("item", distinct=True))
        .filter(count__gte=len(items))
        .values_list("member__organization", flat=True)
    )
    totals: dict[int, int] = {}
    for org in complete:
        totals[units[org]] = totals.get(units[org], 0) + 1
    return totals


def _five_ones_complete_by_group(
    campaign: Campaign, enrollments: list[Enrollment]
) -> dict[int, int]:
    rules = campaign.rules
    units = units_by_org(enrollments)
    everything = [item.code for item in rules.five_ones]
    required = {group.code: required_five_ones(rules, group) for group in rules.guidance_groups()}
    counts = {
        f"done_{index}": Count(
            "five_ones",
            filter=Q(five_ones__campaign=campaign, five_ones__item__in=items),
            distinct=True,
        )
        for index, items in enumerate([everything, *required.values()])
    }
    complete = Q(done_0__gte=len(everything)) & ~Q(group__in=list(required))
    for index, (code, items) in enumerate(required.items(), start=1):
        complete |= Q(group=code, **{f"done_{index}__gte": len(items)})
    rows = (
        Member.objects.filter(organization__in=list(units))
        .annotate(group=group_expression(rules, campaign), **counts)
        .filter(complete)
        .values_list("organization", flat=True)
    )
    totals: dict[int, int] = {}
    for org in rows:
        totals[units[org]] = totals.get(units[org], 0) + 1
    return totals


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
