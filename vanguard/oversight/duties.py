"""Leaders' 三先 and the 市委“十个一”规定 (三.4): each leader cadre records, item by item of
the template's `leader_duties`, what they did, with evidence. Beside the 三进 visits
(`study.LeaderVisit`), which the leader's page shows too.

A record is corrected by recording again and withdrawn (kept) rather than deleted. An item
is due by the end of its `due_phase` window of the cadre's unit (default the last phase);
`missing_by_cadre` is what the compliance rule and the pages read, in two queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import subtree_filter
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.campaigns.template import LeaderDuty
from vanguard.orgs.models import Member, Organization
from vanguard.oversight.models import LeaderDutyRecord


def _check_actor(acting, allowed) -> None:
    if acting is not None and not allowed(acting):
        raise PermissionDenied


def duties(campaign: Campaign) -> tuple[LeaderDuty, ...]:
    return campaign.rules.leader_duties


def due_phase(campaign: Campaign, duty: LeaderDuty) -> str:
    return duty.due_phase or campaign.rules.phases[-1].code


def record_duty(
    campaign: Campaign,
    member: Member,
    duty: str,
    *,
    done_on: date,
    description: str,
    evidence=None,
    user=None,
    acting,
) -> LeaderDutyRecord:
    """Record what a leader cadre did for one item."""
    _check_actor(acting, lambda scope: scope.can_record_leader_duty(member))
    if duty not in {item.code for item in duties(campaign)}:
        raise ValidationError(_("Unknown item."))
    if not member.is_leader_cadre:
        raise ValidationError(_("Only leader cadres record the 三先 and 十个一."))
    if done_on > timezone.localdate():
        raise ValidationError(_("The date is in the future."))
    return LeaderDutyRecord.objects.create(
        campaign=campaign,
        member=member,
        duty=duty,
        done_on=done_on,
        description=description,
        evidence=evidence or "",
        recorded_by=user,
    )


def withdraw_record(record: LeaderDutyRecord, *, acting) -> LeaderDutyRecord:
    """Withdraw a record entered by mistake (kept, and shown as withdrawn)."""
    _check_actor(acting, lambda scope: scope.can_record_leader_duty(record.member))
    if record.withdrawn_on is None:
        record.withdrawn_on = timezone.localdate()
        record.save(update_fields=["withdrawn_on"])
    return record


def records_of(campaign: Campaign, members: Iterable[Member]) -> dict[int, dict[str, list]]:
    """Each member's records (not withdrawn) by item code; one query."""
    found: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    rows = LeaderDutyRecord.objects.filter(
        campaign=campaign, member__in=[m.pk for m in members], withdrawn_on__isnull=True
    ).order_by("done_on", "pk")
    for record in rows:
        found[record.member_id][record.duty].append(record)
    return found


def cadres_of(enrollments: Iterable[Enrollment]) -> dict[int, list[Member]]:
    """The active leader cadres of each enrolled unit (its subtree), by enrolment id; one
    query."""
    enrollments = list(enrollments)
    by_path = {e.organization.path: e.pk for e in enrollments}
    found: dict[int, list[Member]] = {e.pk: [] for e in enrollments}
    if not enrollments:
        return found
    cadres = (
        Member.objects.active()
        .filter(is_leader_cadre=True)
        .filter(subtree_filter(list(by_path), prefix="organization__"))
        .select_related("organization")
        .order_by("organization__path", "code")
    )
    step = Organization.steplen
    for cadre in cadres:
        path = cadre.organization.path
        # The deepest enrolled unit holding the cadre: its own organisation or the
        # nearest ancestor enrolled (the path's prefixes, deepest first).
        for end in range(len(path), 0, -step):
            if path[:end] in by_path:
                found[by_path[path[:end]]].append(cadre)
                break
    return found


def missing(campaign: Campaign, records: dict[str, list]) -> list[LeaderDuty]:
    return [duty for duty in duties(campaign) if not records.get(duty.code)]


def open_items(
    campaign: Campaign, cadre: Member, enrollment: Enrollment
) -> list[tuple[LeaderDuty, date]]:
    """The cadre's items still without a record, each with the day it is due (the end of
    its `due_phase` in the unit's plan; an item whose phase is not planned yet is left
    out). Two queries: the plan and the records."""
    windows = dict(enrollment.phases.values_list("phase_code", "ends_on"))
    recorded = records_of(campaign, [cadre]).get(cadre.pk, {})
    return [
        (duty, windows[phase])
        for duty in duties(campaign)
        if not recorded.get(duty.code) and (phase := due_phase(campaign, duty)) in windows
    ]
