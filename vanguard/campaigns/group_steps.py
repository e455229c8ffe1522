"""Steps that differ per member group (三.5 区别情况，分类指导: 采取不同的教育方法).

A template's member group may declare `skip_steps` — steps of the template that do not
apply to its members — and `steps` of its own, which each of its members takes, member by
member, by the end of the step's phase (`GroupStepRecord`). A member is held to the steps
of every group they are in: the built-in ones of their data (`formal`, `probationary`,
`leader_cadre`) and their 分类指导 group (`groups.member_group`).

In the verdicts: `campaigns.group_steps` (`compliance`) names the members whose own steps
are not recorded — a warning while the phase runs, failing once it has ended; and a step
of the template that no member of a unit is held to (every member's groups skip it) is
not asked of that unit (`plan.steps`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting, subtree_filter
from vanguard.accounts.models import User
from vanguard.campaigns.groups import chosen_codes, group_of, member_group
from vanguard.campaigns.models import Campaign, Enrollment, GroupStepRecord, MemberGroupChoice
from vanguard.campaigns.template import CampaignTemplate, GroupStep, MemberGroup, StepDef
from vanguard.campaigns.units import unit_of
from vanguard.orgs.models import Member


@dataclass(frozen=True)
class MemberSteps:
    """The steps that differ for one member: the template's step codes that do not apply
    to them and the steps of their own."""

    skipped: frozenset[str] = frozenset()
    own: tuple[GroupStep, ...] = ()

    def own_step(self, code: str) -> GroupStep | None:
        return next((step for step in self.own if step.code == code), None)


NONE = MemberSteps()


def has_group_steps(rules: CampaignTemplate) -> bool:
    """Whether any group of the template has steps of its own or skips one."""
    return any(group.steps or group.skip_steps for group in rules.member_groups)


def steps_for(
    campaign: Campaign, member: Member, chosen: dict[int, str] | None = None
) -> MemberSteps:
    """The member's steps that differ (no query with `chosen` from `chosen_codes` and the
    member's organisation loaded)."""
    rules = campaign.rules
    if not has_group_steps(rules):
        return NONE
    return _steps_of_groups(rules, member.groups, member_group(campaign, member, chosen))


def _steps_of_groups(
    rules: CampaignTemplate, built_in: tuple[str, ...], guidance: MemberGroup | None
) -> MemberSteps:
    """The steps that differ for a member in the built-in groups `built_in` (`Member.groups`)
    and the 分类指导 group `guidance`."""
    groups = [g for g in rules.member_groups if g.match is None and g.code in built_in]
    if guidance is not None:
        groups.append(guidance)
    own: dict[str, GroupStep] = {}
    for group in groups:
        for step in group.steps:
            own.setdefault(step.code, step)  # the same code in two groups: one step
    skipped = frozenset(code for group in groups for code in group.skip_steps)
    return MemberSteps(skipped=skipped, own=tuple(own.values()))


def steps_of_members(campaign: Campaign, members: Iterable[Member]) -> dict[int, MemberSteps]:
    """`steps_for` each member, by id: one query (the units' choices)."""
    members = list(members)
    if not has_group_steps(campaign.rules):
        return {member.pk: NONE for member in members}
    chosen = chosen_codes(campaign, members)
    return {member.pk: steps_for(campaign, member, chosen) for member in members}


def records_of(campaign: Campaign, members: Iterable[Member]) -> dict[int, dict[str, date]]:
    """The day each member took each of their own steps (records in force); one query."""
    found: dict[int, dict[str, date]] = {}
    rows = GroupStepRecord.objects.filter(
        campaign=campaign,
        member__in=[member.pk for member in members],
        withdrawn_on__isnull=True,
    ).values_list("member_id", "step_code", "done_on")
    for member_id, code, done_on in rows:
        found.setdefault(member_id, {})[code] = done_on
    return found


def record_step(
    campaign: Campaign,
    member: Member,
    code: str,
    *,
    done_on: date,
    note: str = "",
    user: User | None = None,
    acting: Scope | None,
) -> GroupStepRecord:
    """Record that the member took one of their group's own steps (the member themself or
    whoever manages their organisation). Recording again corrects the date and note."""
    require_acting(acting, lambda scope: scope.can_record_group_step(member))
    campaign.check_writable()
    if steps_for(campaign, member).own_step(code) is None:
        raise ValidationError(_("This step is not one of the member's group."))
    if done_on > timezone.localdate():
        raise ValidationError(_("The date is in the future."))
    record, _created = GroupStepRecord.objects.update_or_create(
        campaign=campaign,
        member=member,
        step_code=code,
        withdrawn_on=None,
        defaults={"done_on": done_on, "note": note.strip(), "recorded_by": user},
    )
    return record


def withdraw_step(
    campaign: Campaign, member: Member, code: str, *, acting: Scope | None
) -> GroupStepRecord | None:
    """Withdraw the record in force (kept in the history, shown as not done again)."""
    require_acting(acting, lambda scope: scope.can_record_group_step(member))
    campaign.check_writable()
    record = GroupStepRecord.objects.filter(
        campaign=campaign, member=member, step_code=code, withdrawn_on__isnull=True
    ).first()
    if record is not None:
        record.withdrawn_on = timezone.localdate()
        record.save(update_fields=["withdrawn_on"])
    return record


# -- in the verdicts -----------------------------------------------------------------------


class UnitMember(NamedTuple):
    """An active member of an enrolled unit, as the verdicts name them."""

    pk: int
    name: str


@dataclass(frozen=True)
class UnitSteps:
    """One enrolled unit's active members with steps of their own (and those steps), and
    the distinct sets of template steps its members skip (one set per kind of member)."""

    members: list[UnitMember] = field(default_factory=list)
    steps: dict[int, MemberSteps] = field(default_factory=dict)
    skipped: set[frozenset[str]] = field(default_factory=set)

    def not_asked(self) -> frozenset[str]:
        """The template's steps no member of the unit is held to (none without members)."""
        if not self.skipped:
            return frozenset()
        return frozenset.intersection(*self.skipped)


def _members_in(enrollments: list[Enrollment]) -> QuerySet[Member]:
    paths = [e.organization.path for e in enrollments]
    members: QuerySet[Member] = Member.objects.active()
    return members.filter(subtree_filter(paths, prefix="organization__"))


def units_steps(campaign: Campaign, enrollments: Iterable[Enrollment]) -> dict[int, UnitSteps]:
    """For each enrolment (by id), what its active members — each in the enrolled unit
    holding them — take differently: one query, none without group steps.

    Members are read as plain values with their unit's choice of group, and the steps are
    worked out once per combination of the data that decide them (membership, leader
    cadre, category, post, retired, chosen group), not once per member."""
    enrollments = list(enrollments)
    found = {e.pk: UnitSteps() for e in enrollments}
    rules = campaign.rules
    if not enrollments or not has_group_steps(rules):
        return found
    unit_of_path = {e.organization.path: e.pk for e in enrollments}
    chosen = MemberGroupChoice.objects.filter(campaign=campaign, member=OuterRef("pk"))
    rows = (
        _members_in(enrollments)
        .annotate(chosen=Subquery(chosen.values("group")[:1]))
        .order_by("organization__path", "code")
        .values_list(
            "pk",
            "name",
            "organization__path",
            "status",
            "is_leader_cadre",
            "organization__category",
            "post_kind",
            "retired",
            "chosen",
        )
    )
    worked_out: dict[tuple[object, ...], MemberSteps] = {}
    for pk, name, path, status, cadre, category, post, retired, code in rows:
        unit = unit_of(path, unit_of_path)
        if unit is None:
            continue
        data = (status, cadre, category, post, retired, code)
        steps = worked_out.get(data)
        if steps is None:
            built_in = (status, "leader_cadre") if cadre else (status,)
            guidance = group_of(
                rules, code, category=category, post=post, leader_cadre=cadre, retired=retired
            )
            steps = worked_out[data] = _steps_of_groups(rules, built_in, guidance)
        held = found[unit]
        held.skipped.add(steps.skipped)
        if steps.own:
            held.members.append(UnitMember(pk, name))
            held.steps[pk] = steps
    return found


def units_records(
    campaign: Campaign, enrollments: Iterable[Enrollment]
) -> dict[int, dict[str, date]]:
    """`records_of` the active members of these units, by member id: one query."""
    members = _members_in(list(enrollments)).values("pk")
    rows = GroupStepRecord.objects.filter(
        campaign=campaign, member__in=members, withdrawn_on__isnull=True
    ).values_list("member_id", "step_code", "done_on")
    found: dict[int, dict[str, date]] = {}
    for member_id, code, done_on in rows:
        found.setdefault(member_id, {})[code] = done_on
    return found


# -- on the pages --------------------------------------------------------------------------


class OwnStepRow(TypedDict):
    step: GroupStep
    phase: str  # the phase's title
    done_on: date | None


class StepsShown(TypedDict):
    skipped: list[StepDef]
    own: list[OwnStepRow]


def shown(campaign: Campaign, steps: MemberSteps, done: dict[str, date]) -> StepsShown:
    """What a page shows of a member's steps that differ: the template's steps that do not
    apply (in the template's order) and their own steps with the day each was taken."""
    rules = campaign.rules
    phases = {phase.code: phase.title for phase in rules.phases}
    return {
        "skipped": [step for _phase, step in rules.steps() if step.code in steps.skipped],
        "own": [
            {
                "step": step,
                "phase": phases.get(step.phase, step.phase),
                "done_on": done.get(step.code),
            }
            for step in steps.own
        ],
    }


def member_shown(campaign: Campaign, member: Member) -> StepsShown:
    """`shown` for one member's page: no query for a template without group steps."""
    if not has_group_steps(campaign.rules):
        return {"skipped": [], "own": []}
    done = records_of(campaign, [member]).get(member.pk, {})
    return shown(campaign, steps_for(campaign, member), done)
