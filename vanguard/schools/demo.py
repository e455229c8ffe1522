"""Demo data of schools' Party work: the first school's 三培养, a 党员先锋岗 and teacher
members' commitments. Uses no randomness, so the other loaders' data stay as they were."""

from __future__ import annotations

import random
from datetime import timedelta

from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import OrgCategory
from vanguard.schools import services
from vanguard.schools.models import RoleCommitment, RoleRecord, TrainingRecord, VanguardPost


def load_demo(campaign: Campaign, rng: random.Random) -> None:
    if not services.any_part_on(campaign):
        return
    enrollment = (
        campaign.enrollments.filter(organization__category=OrgCategory.SCHOOL)
        .select_related("organization", "batch")
        .order_by("organization__path")
        .first()
    )
    if enrollment is None:
        return
    members = list(services.unit_members(enrollment).order_by("code")[:6])
    start = enrollment.batch.starts_on
    rules = campaign.rules
    if services.trainings_on(campaign) and members:
        tracks = [t.code for t in rules.training_tracks]
        TrainingRecord.objects.create(
            enrollment=enrollment,
            track=tracks[0],
            name="李明（骨干教师）",
            position="语文教研组长",
            mentor=members[0].name,
            started_on=start,
        )
        for track, member in zip(tracks[1:], members[1:], strict=False):
            TrainingRecord.objects.create(
                enrollment=enrollment,
                track=track,
                name=member.name,
                member=member,
                started_on=start,
                outcome="achieved",
                outcome_on=start + timedelta(days=60),
                outcome_note="已达到培养目标",
            )
    if services.posts_on(campaign) and members:
        post = VanguardPost.objects.create(
            enrollment=enrollment,
            title="毕业班教学质量先锋岗",
            duties="带头上好示范课，结对帮扶后进学生。",
            starts_on=start,
            ends_on=enrollment.batch.ends_on,
        )
        post.holders.set(members[:2])
    if services.roles_on(campaign):
        for role, member in zip(rules.teacher_roles, members, strict=False):
            commitment = RoleCommitment.objects.create(
                enrollment=enrollment,
                member=member,
                role=role.code,
                pledge=f"做{role.title}",
                made_on=start,
            )
            RoleRecord.objects.create(
                commitment=commitment,
                done_on=start + timedelta(days=10),
                description="已按承诺开展活动",
            )
