"""The rules of schools' Party work (see `models`). Each state change takes the acting
`Scope` (`acting=None` is the system) and refuses anyone outside it; a broken rule raises
`ValidationError` with a Chinese message keyed by its field, and nothing is saved."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, OrgCategory
from vanguard.schools.models import (
    RoleCommitment,
    RoleRecord,
    TrainingOutcome,
    TrainingRecord,
    VanguardPost,
)

# Days before a unit's last phase ends from which its 三培养 records still in progress are
# on its administrators' to-do list (`schools.todo`): brought up to date for the summing up.
TRACK_REVIEW_DAYS = 14

# -- which parts the campaign has ----------------------------------------------------------


def _has_part(campaign: Campaign, module: str, vocabulary: str) -> bool:
    """The template enables the module (issue 16) and names its vocabulary."""
    return bool(getattr(campaign.rules, vocabulary)) and campaign.has_module(module)


def trainings_on(campaign: Campaign) -> bool:
    return _has_part(campaign, "three_trainings", "training_tracks")


def posts_on(campaign: Campaign) -> bool:
    return _has_part(campaign, "vanguard_posts", "post_grades")


def roles_on(campaign: Campaign) -> bool:
    return _has_part(campaign, "teacher_roles", "teacher_roles")


def any_part_on(campaign: Campaign) -> bool:
    return trainings_on(campaign) or posts_on(campaign) or roles_on(campaign)


def _manage(acting, enrollment: Enrollment) -> None:
    if acting is not None:
        acting.require_manage(enrollment.organization)


def unit_members(enrollment: Enrollment):
    return Member.objects.active().within(enrollment.organization)


# -- 三培养 -----------------------------------------------------------------------------------


def check_training(record: TrainingRecord) -> None:
    """The outcome is dated, on or after the start; a record in progress has no outcome date."""
    errors = {}
    codes = {t.code for t in record.enrollment.campaign.rules.training_tracks}
    if record.track not in codes:
        errors["track"] = _("Not one of the campaign's tracks.")
    if record.outcome == TrainingOutcome.IN_PROGRESS:
        if record.outcome_on is not None:
            errors["outcome_on"] = _("A training still in progress has no outcome date.")
    elif record.outcome_on is None:
        errors["outcome_on"] = _("Give the date of the outcome.")
    if record.outcome_on and record.started_on and record.outcome_on < record.started_on:
        errors["outcome_on"] = _("The outcome cannot come before the start.")
    if (
        record.member_id
        and not unit_members(record.enrollment).filter(pk=record.member_id).exists()
    ):
        errors["member"] = _("Not a member of this unit.")
    if errors:
        raise ValidationError(errors)


def save_training(record: TrainingRecord, *, acting) -> TrainingRecord:
    _manage(acting, record.enrollment)
    if record.member is not None and not record.name:
        record.name = record.member.name
    check_training(record)
    record.save()
    return record


# -- 党员先锋岗 ---------------------------------------------------------------------------------


@transaction.atomic
def save_post(post: VanguardPost, holders, *, acting) -> VanguardPost:
    """Create or change a post and who holds it (members of the unit)."""
    _manage(acting, post.enrollment)
    holders = list(holders)
    errors = {}
    if not holders:
        errors["holders"] = _("A post is held by at least one member.")
    allowed = set(unit_members(post.enrollment).values_list("pk", flat=True))
    if any(member.pk not in allowed for member in holders):
        errors["holders"] = _("Only members of this unit can hold its posts.")
    if post.starts_on and post.ends_on and post.ends_on < post.starts_on:
        errors["ends_on"] = _("The term cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    post.save()
    post.holders.set(holders)
    return post


def can_assess(post: VanguardPost, today: date) -> bool:
    """A post is assessed at the end: from the last day of its term on."""
    return today >= post.ends_on


def assess(post: VanguardPost, grade: str, remarks: str, *, today: date, acting) -> VanguardPost:
    _manage(acting, post.enrollment)
    if not can_assess(post, today):
        raise ValidationError(
            {
                "grade": _("The post is assessed at the end of its term (%(date)s).")
                % {"date": post.ends_on.isoformat()}
            }
        )
    if grade not in {g.code for g in post.enrollment.campaign.rules.post_grades}:
        raise ValidationError({"grade": _("Not one of the campaign's grades.")})
    post.grade = grade
    post.assessment = remarks
    post.assessed_on = today
    post.assessed_by = getattr(acting, "user", None)
    post.save()
    return post


# -- the four roles of teacher members ------------------------------------------------------


def is_teacher_member(member: Member | None, enrollment: Enrollment) -> bool:
    """A member of a school enrolled in the campaign (学校党员教师)."""
    return (
        member is not None
        and enrollment.organization.category == OrgCategory.SCHOOL
        and member.organization.is_in_subtree_of(enrollment.organization)
    )


def commit(
    enrollment: Enrollment, role: str, pledge: str, *, today: date, acting
) -> RoleCommitment:
    """The acting teacher member commits to one of the four roles (once per role)."""
    member = acting.member
    if not is_teacher_member(member, enrollment):
        raise PermissionDenied
    if role not in {r.code for r in enrollment.campaign.rules.teacher_roles}:
        raise ValidationError({"role": _("Not one of the campaign's roles.")})
    if not pledge.strip():
        raise ValidationError({"pledge": _("Say what you commit to.")})
    if RoleCommitment.objects.filter(enrollment=enrollment, member=member, role=role).exists():
        raise ValidationError({"role": _("You have already committed to this role.")})
    return RoleCommitment.objects.create(
        enrollment=enrollment, member=member, role=role, pledge=pledge.strip(), made_on=today
    )


def add_record(
    commitment: RoleCommitment, done_on: date, description: str, *, today: date, acting
) -> RoleRecord:
    """A record of what the member did: dated within their batch's campaign period and not
    in the future."""
    if acting is not None:
        acting.require(acting.can_keep_commitment(commitment))
    batch = commitment.enrollment.batch
    errors = {}
    if done_on < batch.starts_on or done_on > batch.ends_on:
        errors["done_on"] = _("The date is outside the campaign (%(start)s – %(end)s).") % {
            "start": batch.starts_on.isoformat(),
            "end": batch.ends_on.isoformat(),
        }
    elif done_on > today:
        errors["done_on"] = _("The date is in the future.")
    if not description.strip():
        errors["description"] = _("Say what you did.")
    if errors:
        raise ValidationError(errors)
    return RoleRecord.objects.create(
        commitment=commitment, done_on=done_on, description=description.strip()
    )
