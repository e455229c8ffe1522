"""Concentrated study hours (R8) and 参学率 (R9), aggregated in the database.

A member's hours in a campaign are the credited hours of the campaign's sessions they
attended (present or late; leave and absence earn nothing), wherever the session was
held: attendance belongs to the member, not to the unit. The minimum is the template's
`min_study_hours`, which may vary by unit category and member group; `required_hours`
asks the template for one member and `required_hours_expression` computes the same value
in SQL, so that "who is short" can be counted per unit in one query.

Each member's sum is kept in `MemberHours` (one row per member and campaign), refreshed by
every change of the marks or of a session's hours (`refresh_member_hours`), so that a page
over thousands of members reads one row per member; `live_hours` adds up the marks
themselves and is what the stored sums are tested against.

参学率 is attended marks over expected marks (person-sessions): per session, unit or batch.
Sessions whose roll has not been taken have no expected members yet and do not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from vanguard.campaigns.groups import group_q, member_group_codes
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.campaigns.template import CampaignTemplate
from vanguard.campaigns.units import sum_by_unit, units_by_org
from vanguard.orgs.models import Member
from vanguard.study.models import ATTENDED, Attendance, MemberHours

HOURS_THRESHOLD = "min_study_hours"
HOURS_FIELD = DecimalField(max_digits=8, decimal_places=1)
ZERO = Decimal("0.0")


def _decimal(value) -> Decimal:
    return Decimal(str(value))


# -- the minimum --------------------------------------------------------------------------


def required_hours(campaign: Campaign, member: Member) -> Decimal:
    """The template's minimum for this member: the unit category and the member's groups
    (built-in and 分类指导, `campaigns.groups`)."""
    category = member.organization.category or None
    groups = member_group_codes(campaign, member)
    return _decimal(campaign.rules.threshold(HOURS_THRESHOLD, category=category, groups=groups))


def required_hours_expression(rules: CampaignTemplate, campaign: Campaign | None = None) -> Case:
    """`required_hours` as an SQL expression over Member rows (with `campaign`, the units'
    choices of 分类指导 group count).

    Variants apply in file order and later matches win, so the last matching variant is
    tested first.
    """
    whens = []
    for variant in reversed(rules.variants):
        if HOURS_THRESHOLD not in variant.values:
            continue
        condition = Q()
        if variant.category:
            condition &= Q(organization__category=variant.category)
        if variant.group:
            condition &= group_q(rules, variant.group, campaign)
        whens.append(When(condition, then=Value(_decimal(variant.values[HOURS_THRESHOLD]))))
    default = Value(_decimal(rules.thresholds[HOURS_THRESHOLD]))
    return Case(*whens, default=default, output_field=HOURS_FIELD)


# -- hours per member ---------------------------------------------------------------------


def live_hours(campaign_id: int, member_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Members' hours in a campaign added up from their marks (only members with some)."""
    attended = Attendance.objects.filter(
        status__in=ATTENDED, session__enrollment__campaign=campaign_id
    )
    if member_ids is not None:
        attended = attended.filter(member__in=list(member_ids))
    rows = attended.order_by().values("member").annotate(total=Sum("session__hours"))
    return {row["member"]: _decimal(row["total"]) for row in rows}


def refresh_member_hours(campaign_id: int, member_ids: Iterable[int] | None = None) -> None:
    """Store the members' hours (all the campaign's members when None) from their marks.
    Called by every change of attendance or of a session's credited hours; three queries."""
    hours = live_hours(campaign_id, member_ids)
    stored = MemberHours.objects.filter(campaign=campaign_id)
    if member_ids is not None:
        stored = stored.filter(member__in=list(member_ids))
    stored.delete()
    MemberHours.objects.bulk_create(
        [MemberHours(campaign_id=campaign_id, member_id=pk, hours=h) for pk, h in hours.items()],
        batch_size=5_000,
    )


def hours_expression(campaign: Campaign) -> Coalesce:
    """A member's hours in `campaign`, as a subquery expression over Member rows."""
    stored = MemberHours.objects.filter(campaign=campaign, member=OuterRef("pk")).values("hours")
    return Coalesce(Subquery(stored[:1], output_field=HOURS_FIELD), Value(ZERO))


def with_hours(members: QuerySet[Member], campaign: Campaign) -> QuerySet[Member]:
    """Members annotated with `hours`, `required` and `shortfall` (zero when met)."""
    return (
        members.annotate(
            hours=hours_expression(campaign),
            required=required_hours_expression(campaign.rules, campaign),
        )
        .annotate(
            shortfall=Greatest(
                ExpressionWrapper(F("required") - F("hours"), output_field=HOURS_FIELD),
                Value(ZERO),
                output_field=HOURS_FIELD,
            )
        )
        .select_related("organization")
    )


def member_hours(campaign: Campaign, members: Iterable[Member] | QuerySet) -> dict[int, Decimal]:
    """Each member's concentrated study hours in `campaign`, in one query.

    `members` is a queryset or an iterable of members or member ids; every one of them is
    in the answer, with Decimal 0 when they attended nothing.
    """
    if isinstance(members, QuerySet):
        base = Member.objects.filter(pk__in=members.values("pk"))
    else:
        ids = [getattr(member, "pk", member) for member in members]
        base = Member.objects.filter(pk__in=ids)
    rows = base.order_by().annotate(hours=hours_expression(campaign)).values_list("pk", "hours")
    return {pk: _decimal(hours).quantize(Decimal("0.1")) for pk, hours in rows}


# -- members by enrolled unit -------------------------------------------------------------


def enrolled_members(enrollments: Iterable[Enrollment]) -> QuerySet[Member]:
    return Member.objects.filter(organization__in=list(units_by_org(enrollments)))


@dataclass(frozen=True)
class HoursSummary:
    members: int
    short: int
    shortfall: Decimal  # hours missing, added up over the members who are short
    hours: Decimal  # hours of all members, added up

    @property
    def met(self) -> int:
        return self.members - self.short

    @property
    def average(self) -> Decimal:
        if not self.members:
            return ZERO
        return (self.hours / self.members).quantize(Decimal("0.1"))


EMPTY_HOURS = HoursSummary(0, 0, ZERO, ZERO)


def hours_by_enrollment(
    campaign: Campaign, enrollments: Iterable[Enrollment]
) -> dict[int, HoursSummary]:
    """Per enrolled unit: its current members, how many are short and by how much. Two
    queries."""
    units = units_by_org(enrollments)
    if not units:
        return {}
    rows = (
        with_hours(Member.objects.filter(organization__in=list(units)), campaign)
        .order_by()
        .values("organization")
        .annotate(
            members=Count("pk"),
            short=Count("pk", filter=Q(hours__lt=F("required"))),
            missing=Coalesce(Sum("shortfall"), Value(ZERO), output_field=HOURS_FIELD),
            total=Coalesce(Sum("hours"), Value(ZERO), output_field=HOURS_FIELD),
        )
    )
    totals = sum_by_unit(rows, units, ["members", "short", "missing", "total"])
    return {
        unit: HoursSummary(
            row["members"], row["short"], _decimal(row["missing"]), _decimal(row["total"])
        )
        for unit, row in totals.items()
    }


# -- 参学率 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    expected: int
    attended: int

    @property
    def rate(self) -> float | None:
        """Attended over expected, 0–1; None when no roll has been taken."""
        return self.attended / self.expected if self.expected else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.1f}%"


NO_PARTICIPATION = Participation(0, 0)
_ATTENDED_Q = Q(status__in=ATTENDED)


def participation_by(attendance: QuerySet[Attendance], key: str) -> dict[int, Participation]:
    """参学率 of `attendance` grouped by `key` (a lookup such as `session__enrollment`)."""
    rows = (
        attendance.order_by()
        .values(key)
        .annotate(expected=Count("pk"), attended=Count("pk", filter=_ATTENDED_Q))
    )
    return {row[key]: Participation(row["expected"], row["attended"]) for row in rows}


def participation_by_enrollment(enrollments: Iterable[Enrollment]) -> dict[int, Participation]:
    ids = [e.pk for e in enrollments]
    attendance = Attendance.objects.filter(session__enrollment__in=ids)
    return participation_by(attendance, "session__enrollment")


def participation_by_batch(campaign: Campaign, enrollments=None) -> dict[int, Participation]:
    attendance = Attendance.objects.filter(session__enrollment__campaign=campaign)
    if enrollments is not None:
        attendance = attendance.filter(session__enrollment__in=[e.pk for e in enrollments])
    return participation_by(attendance, "session__enrollment__batch")


def session_counts() -> dict:
    """Annotations of StudySession rows: expected and attended members."""
    return {
        "expected": Count("attendances"),
        "attended": Count("attendances", filter=Q(attendances__status__in=ATTENDED)),
    }
