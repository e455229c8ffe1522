"""Each enrolled unit's state of 分析评议, loaded for many units in a constant number of
queries: the overview page, the unit-page panel and the compliance rules all read it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from vanguard.appraisal.models import (
    HANDED_IN,
    AnalysisStatus,
    AppraisalConclusion,
    AppraisalRound,
    Candidate,
    Opinion,
    OpinionStatus,
    OrgLifeMeeting,
    SelfAnalysis,
    Talk,
)
from vanguard.campaigns.units import units_by_org
from vanguard.orgs.models import Member


@dataclass
class RoundState:
    pk: int
    title: str
    organization: str
    state: str  # scheduled, open, closed, published
    candidates: int
    concluded: int
    closes_at: object
    published_on: date | None


@dataclass
class UnitStats:
    """What one enrolled unit has done; member lists are (id, name) pairs."""

    enrollment: object
    members: list[tuple[int, str]] = field(default_factory=list)
    opinions: int = 0
    open: int = 0
    overdue: int = 0
    answered_late: int = 0
    not_fed_back: dict[int, str] = field(default_factory=dict)  # member id → name
    talked: set[int] = field(default_factory=set)
    talks: int = 0
    analyses: dict[int, str] = field(default_factory=dict)  # member id → status
    meetings: int = 0
    rounds: list[RoundState] = field(default_factory=list)
    # 五.2(3) talks before the meeting: each member's organisation path, first talk and
    # handing in of their 党性分析, and the unit's meetings as (date, organisation path).
    member_paths: dict[int, str] = field(default_factory=dict)
    first_talk: dict[int, date] = field(default_factory=dict)
    analysis_handed_in: dict[int, date] = field(default_factory=dict)
    meeting_dates: list[tuple[date, str]] = field(default_factory=list)

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def not_talked(self) -> list[tuple[int, str]]:
        return [(pk, name) for pk, name in self.members if pk not in self.talked]

    @property
    def talk_coverage(self) -> int:
        return self.member_count - len(self.not_talked)

    @property
    def analyses_missing(self) -> list[tuple[int, str]]:
        return [(pk, name) for pk, name in self.members if self.analyses.get(pk) not in HANDED_IN]

    @property
    def analyses_accepted(self) -> int:
        return sum(1 for status in self.analyses.values() if status == AnalysisStatus.ACCEPTED)

    @property
    def analyses_to_review(self) -> int:
        return sum(1 for status in self.analyses.values() if status == AnalysisStatus.SUBMITTED)

    @property
    def latest_round(self) -> RoundState | None:
        return self.rounds[0] if self.rounds else None


def load(campaign, enrollments, *, today: date, now=None) -> dict[int, UnitStats]:
    """UnitStats of each enrolment (keyed by its id), in seven queries whatever their number."""
    stats = {e.pk: UnitStats(enrollment=e) for e in enrollments}
    if not stats:
        return stats
    units = units_by_org(enrollments)
    _load_members(stats, units)
    _load_opinions(stats, units, campaign, today)
    _load_talks(stats, campaign)
    _load_analyses(stats, units, campaign)
    _load_meetings(stats)
    _load_rounds(stats, now)
    return stats


def _load_members(stats, units):
    members = (
        Member.objects.filter(organization__in=list(units))
        .order_by("organization__path", "code")
        .values_list("pk", "name", "organization_id", "organization__path")
    )
    for pk, name, org, path in members:
        stats[units[org]].members.append((pk, name))
        stats[units[org]].member_paths[pk] = path


def _load_opinions(stats, units, campaign, today):
    """Opinions counted per responsible organisation in the database (tens of thousands of
    rows at city scale are not worth carrying into Python), and the members still to be
    told the answer: two queries."""
    opinions = Opinion.objects.filter(campaign=campaign, responsible_unit__in=list(units))
    is_open = Q(status=OpinionStatus.OPEN)
    rows = (
        opinions.order_by()
        .values("responsible_unit_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
            late=Count("pk", filter=~is_open & Q(answered_on__gt=F("due_on"))),
        )
        .values_list("responsible_unit_id", "total", "open", "overdue", "late")
    )
    for org, total, open_, overdue, late in rows:
        unit = stats[units[org]]
        unit.opinions += total
        unit.open += open_
        unit.overdue += overdue
        unit.answered_late += late
    waiting = (
        opinions.filter(member__isnull=False, fed_back_on__isnull=True)
        .order_by()
        .values_list("responsible_unit_id", "member_id", "member__name")
        .distinct()
    )
    for org, member_id, member_name in waiting:
        stats[units[org]].not_fed_back[member_id] = member_name


def _load_talks(stats, campaign):
    rows = Talk.objects.filter(campaign=campaign, enrollment__in=list(stats)).values_list(
        "enrollment_id", "initiator_id", "partner_id", "talked_on"
    )
    for enrollment_id, initiator_id, partner_id, talked_on in rows:
        unit = stats[enrollment_id]
        unit.talks += 1
        unit.talked.update((initiator_id, partner_id))
        for member_id in (initiator_id, partner_id):
            first = unit.first_talk.get(member_id)
            if first is None or talked_on < first:
                unit.first_talk[member_id] = talked_on


def _load_analyses(stats, units, campaign):
    rows = (
        SelfAnalysis.objects.filter(campaign=campaign, member__organization__in=list(units))
        .order_by()
        .values_list("member_id", "member__organization_id", "status", "submitted_on")
    )
    for member_id, org, status, submitted_on in rows:
        stats[units[org]].analyses[member_id] = status
        if status in HANDED_IN and submitted_on is not None:
            stats[units[org]].analysis_handed_in[member_id] = submitted_on


def _load_meetings(stats):
    rows = OrgLifeMeeting.objects.filter(enrollment__in=list(stats)).values_list(
        "enrollment_id", "held_on", "organization__path"
    )
    for enrollment_id, held_on, path in rows:
        stats[enrollment_id].meetings += 1
        stats[enrollment_id].meeting_dates.append((held_on, path))


def _count(model):
    rows = model.objects.filter(round=OuterRef("pk")).order_by().values("round")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), Value(0))


def _load_rounds(stats, now):
    rounds = (
        AppraisalRound.objects.filter(enrollment__in=list(stats))
        .select_related("organization")
        .annotate(
            # Counted apart: joining both would multiply candidates by conclusions.
            candidate_count=_count(Candidate),
            concluded_count=_count(AppraisalConclusion),
        )
        .order_by("-opens_at", "-pk")
    )
    by_unit = defaultdict(list)
    for appraisal_round in rounds:
        by_unit[appraisal_round.enrollment_id].append(
            RoundState(
                pk=appraisal_round.pk,
                title=appraisal_round.title,
                organization=appraisal_round.organization.name,
                state=appraisal_round.state(now),
                candidates=appraisal_round.candidate_count,
                concluded=appraisal_round.concluded_count,
                closes_at=appraisal_round.closes_at,
                published_on=appraisal_round.published_on,
            )
        )
    for enrollment_id, states in by_unit.items():
        stats[enrollment_id].rounds = states
