"""网络党校 (五.1(4)二: 充分发挥局党校和网络党校的作用): time spent on online materials.

Honest time: the material's page (`static/js/online-study.js`) sends a heartbeat every
`HEARTBEAT_SECONDS` only while the tab is visible, has the focus and the member has used it
recently (a video: while it plays). The server credits the time elapsed since the member's
previous heartbeat on any material of the campaign, at most `MAX_STEP_SECONDS`: a page left
open in the background earns nothing, many requests earn no more than the clock, and two
materials open side by side share one clock. A material earns at most its `minutes`.

Online time counts towards a member's concentrated study hours where the template says so:
`[thresholds] online_study_max_hours` (absent: online study is not part of the campaign),
the most hours of online time credited — the cap applies exactly (`online_hours`). The
credited hours are part of the stored `MemberHours` (`hours.live_hours`), refreshed after
each heartbeat that adds time (code writing progress rows in bulk calls
`hours.refresh_member_hours` itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Member
from vanguard.study.models import Lecture, OnlineMaterial, OnlineProgress

HEARTBEAT_SECONDS = 30
MAX_STEP_SECONDS = HEARTBEAT_SECONDS + 10  # a heartbeat a little late still counts whole
MAX_HOURS = "online_study_max_hours"
TENTH = Decimal("0.1")


def has_part(campaign: Campaign, module: str, declared: bool) -> bool:
    """A part of the campaign exists when its template enables its module (issue 16) and
    declares what it needs (its vocabulary or threshold)."""
    return declared and campaign.has_module(module)


def online_study_on(campaign: Campaign) -> bool:
    return has_part(campaign, "online_study", MAX_HOURS in campaign.rules.thresholds)


def lecturers_on(campaign: Campaign) -> bool:
    """The 讲师团 (its roster and lectures) exists when the template names lecture kinds."""
    return has_part(campaign, "lecturers", bool(campaign.rules.lecture_kinds))


def with_kind_titles(campaign: Campaign, lectures: Iterable[Lecture]) -> list[Lecture]:
    """The lectures as a list, each with `kind_title` (the template's word for its kind)."""
    kinds = {kind.code: kind.title for kind in campaign.rules.lecture_kinds}
    found = list(lectures)
    for lecture in found:
        lecture.kind_title = kinds.get(lecture.kind, lecture.kind)  # type: ignore[attr-defined]
    return found


def max_online_hours(campaign: Campaign) -> Decimal:
    return Decimal(str(campaign.rules.thresholds.get(MAX_HOURS, 0)))


def seconds_to_hours(seconds: int) -> Decimal:
    """Whole tenths of an hour (6 minutes), rounded down: time not yet a tenth earns none."""
    return (Decimal(seconds) / 3600).quantize(TENTH, rounding=ROUND_FLOOR)


def clock(seconds: int) -> str:
    """Time as minutes and seconds: 3:05."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def credited_hours(seconds: int, cap: Decimal) -> Decimal:
    """Online time towards the study hours: whole tenths, at most `cap`."""
    return min(seconds_to_hours(seconds), cap)


def online_seconds(campaign_id: int, member_ids=None) -> dict[int, int]:
    """Each member's online time in the campaign (each material already within its own
    limit), in one query; members without any are left out."""
    rows = OnlineProgress.objects.filter(material__campaign=campaign_id)
    if member_ids is not None:
        rows = rows.filter(member__in=list(member_ids))
    totals = rows.order_by().values("member").annotate(total=Sum("seconds"))
    return {row["member"]: row["total"] or 0 for row in totals}


def online_hours(campaign_id: int, member_ids=None) -> dict[int, Decimal]:
    """The online hours credited towards each member's study hours (empty when the
    campaign's template does not count online study)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if not online_study_on(campaign):
        return {}
    cap = max_online_hours(campaign)
    if cap <= 0:
        return {}
    found = online_seconds(campaign_id, member_ids)
    return {member: credited_hours(seconds, cap) for member, seconds in found.items() if seconds}


# -- what a member may study ---------------------------------------------------------------


def materials_for(enrollment) -> QuerySet[OnlineMaterial]:
    """The materials offered to a unit's members: the office's and the unit's own, not
    withdrawn."""
    return OnlineMaterial.objects.filter(
        Q(enrollment__isnull=True) | Q(enrollment=enrollment),
        campaign=enrollment.campaign_id,
        withdrawn_at__isnull=True,
    )


# -- the heartbeat -------------------------------------------------------------------------


@transaction.atomic
def heartbeat(
    material: OnlineMaterial, *, acting, start: bool = False, now: datetime | None = None
):
    """Credit the acting member the time since their previous heartbeat (at most
    `MAX_STEP_SECONDS`, and never beyond the material's own limit). The first heartbeat,
    or one that `start`s again after a pause, only starts the clock. Returns the member's
    progress on the material."""
    if not acting.can_study_online(material):
        raise PermissionDenied
    member = acting.member
    now = now or timezone.now()
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one clock per member
    previous = OnlineProgress.objects.filter(
        member=member, material__campaign=material.campaign_id
    ).aggregate(last=Max("last_beat_at"))["last"]
    progress, _created = OnlineProgress.objects.get_or_create(material=material, member=member)
    step = 0
    if not start and previous is not None and now > previous:
        step = min(int((now - previous).total_seconds()), MAX_STEP_SECONDS)
    before = progress.seconds
    progress.seconds = min(before + step, material.seconds_cap)
    progress.last_beat_at = now
    progress.save(update_fields=["seconds", "last_beat_at"])
    if progress.seconds != before:
        # hours.py adds online time to the marks (it imports this module), hence here
        from vanguard.study.hours import refresh_member_hours

        refresh_member_hours(material.campaign_id, [member.pk])
    return progress


# -- managing materials --------------------------------------------------------------------


def add_material(form, *, campaign: Campaign, enrollment, acting) -> OnlineMaterial:
    """Save a new material of the office (`enrollment` None) or of a unit."""
    org = enrollment.organization if enrollment is not None else campaign.organization
    if acting is not None:
        acting.require_manage(org)
    material = form.save(commit=False)
    material.campaign = campaign
    material.enrollment = enrollment
    material.added_by = getattr(acting, "user", None)
    material.save()
    return material


def withdraw(material: OnlineMaterial, *, acting) -> None:
    """No longer offered; the time members spent on it still counts."""
    if acting is not None:
        acting.require(acting.can_manage_online_material(material))
    if material.withdrawn_at is None:
        material.withdrawn_at = timezone.now()
        material.save(update_fields=["withdrawn_at"])
