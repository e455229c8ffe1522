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
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.access import Scope, require_acting, subtree_filter
from vanguard.accounts.models import User
from vanguard.campaigns.groups import chosen_codes, member_group
from vanguard.campaigns.models import Campaign, Enrollment, GroupStepRecord
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


def _groups_of(
    rules: CampaignTemplate, member: Member, guidance: MemberGroup | None
) -> list[MemberGroup]:
    found = [g for g in rules.member_groups if g.match is None and g.code in member.groups]
    return [*found, guidance] if guidance is not None else found


def steps_for(
    campaign: Campaign, member: Member, chosen: dict[int, str] | None = None
) -> MemberSteps:
    """The member's steps that differ (no query with `chosen` from `chosen_codes` and the
    member's organisation loaded)."""
    rules = campaign.rules
    if not has_group_steps(rules):
        return NONE
    groups = _groups_of(rules, member, member_group(campaign, member, chosen))
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


@dataclass(frozen=True)
class UnitSteps:
    """The active members of one enrolled unit and their steps that differ."""

    members: list[Member]
    steps: dict[int, MemberSteps]

    def not_asked(self) -> frozenset[str]:
        """The template's steps no member of the unit is held to (none without members)."""
        if not self.members:
            return frozenset()
        return frozenset.intersection(*(self.steps[m.pk].skipped for m in self.members))


def units_steps(campaign: Campaign, enrollments: Iterable[Enrollment]) -> dict[int, UnitSteps]:
    """For each enrolment (by id), its active members — each in the deepest enrolled unit
    holding them — and their steps that differ: two queries, none without group steps."""
    enrollments = list(enrollments)
    found = {e.pk: UnitSteps([], {}) for e in enrollments}
    if not enrollments or not has_group_steps(campaign.rules):
        return found
    unit_of_path = {e.organization.path: e.pk for e in enrollments}
    members = list(
        Member.objects.active()
        .filter(subtree_filter(list(unit_of_path), prefix="organization__"))
        .select_related("organization")
        .order_by("organization__path", "code")
    )
    steps = steps_of_members(campaign, members)
    for member in members:
        unit = unit_of(member.organization.path, unit_of_path)
        if unit is not None:
            found[unit].members.append(member)
            found[unit].steps[member.pk] = steps[member.pk]
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
