"""Generates the foundation of a campaign at a scale: the organisation tree, members,
the campaign with its batches, every unit enrolled with a phase plan and its steps.

Bulk inserts only (no per-row save); tree paths are computed as treebeard would.
Generated rows carry no audit history: they were never edited by anyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from vanguard.campaigns import services
from vanguard.campaigns.demo import GIVEN, SURNAMES
from vanguard.campaigns.models import Enrollment, PhaseWindow, StepRecord, StepStatus
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.datagen.scales import Scale
from vanguard.orgs.models import Gender, Member, MemberStatus, Organization, OrgCategory, OrgKind

BATCH_SIZE = 5_000
CATEGORIES = [OrgCategory.ORGAN, OrgCategory.INSTITUTION, OrgCategory.ENTERPRISE]


@dataclass
class Generated:
    """What the foundation made, for the modules' generators to build on."""

    campaign: object
    root: Organization
    units: list[Organization] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    members_by_unit: dict[int, list[int]] = field(default_factory=dict)  # org id → member ids


def generate(scale: Scale, rng: random.Random, code: str) -> Generated:
    root = Organization.objects.add_root(
        dict(
            code=f"{code}-R",
            name="市教育局党委",
            kind=OrgKind.COMMITTEE,
            category=OrgCategory.ORGAN,
        )
    )
    units = _units(root, scale, code)
    campaign = services.start_campaign(
        load_template(shipped_template_path("xianjinxing-2024")),
        organization=root,
        code=code,
        batches=[
            ("第一批（机关及直属单位）", date(2024, 1, 1), date(2024, 6, 30)),
            ("第二批（直属学校）", date(2024, 7, 1), date(2024, 12, 31)),
        ],
    )
    generated = Generated(campaign=campaign, root=root, units=units)
    generated.members_by_unit = _members(units, scale, rng, code)
    generated.enrollments = _enroll(campaign, units, rng)
    return generated


def _units(root: Organization, scale: Scale, code: str) -> list[Organization]:
    first_batch = scale.units // 3
    units = []
    for index in range(scale.units):
        school = index >= first_batch
        units.append(
            Organization(
                code=f"{code}-U{index:05d}",
                name=f"市第{index + 1}中学党支部"
                if school
                else f"市教育局直属单位{index + 1}党支部",
                kind=OrgKind.BRANCH,
                category=OrgCategory.SCHOOL if school else CATEGORIES[index % len(CATEGORIES)],
                depth=2,
                numchild=0,
                path=Organization._get_path(root.path, 2, index + 1),
            )
        )
    Organization.objects.bulk_create(units, batch_size=BATCH_SIZE)
    Organization.objects.filter(pk=root.pk).update(numchild=len(units))
    return list(Organization.objects.within(root).filter(depth=2).order_by("path"))


def _members(units, scale: Scale, rng: random.Random, code: str) -> dict[int, list[int]]:
    members = []
    for unit_index, unit in enumerate(units):
        for index in range(scale.members_per_unit):
            birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
            members.append(
                Member(
                    code=f"{code}-M{unit_index:05d}-{index:04d}",
                    name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
                    gender=rng.choice([Gender.MALE, Gender.FEMALE]),
                    birth_date=birth,
                    organization=unit,
                    joined_on=birth + timedelta(days=365 * rng.randint(20, 30)),
                    status=MemberStatus.PROBATIONARY
                    if rng.random() < 0.05
                    else MemberStatus.FORMAL,
                    is_leader_cadre=index < 2,
                    position="党支部书记" if index == 0 else "教师",
                    phone=f"13{rng.randint(100000000, 999999999)}",
                )
            )
    Member.objects.bulk_create(members, batch_size=BATCH_SIZE)
    by_unit: dict[int, list[int]] = {unit.pk: [] for unit in units}
    for pk, org_id in Member.objects.filter(organization__in=units).values_list(
        "pk", "organization_id"
    ):
        by_unit[org_id].append(pk)
    return by_unit


def _enroll(campaign, units, rng: random.Random) -> list[Enrollment]:
    batch_1, batch_2 = campaign.batches.order_by("number")
    first_batch = len(units) // 3
    enrollments = [
        Enrollment(
            campaign=campaign,
            batch=batch_1 if index < first_batch else batch_2,
            organization=unit,
        )
        for index, unit in enumerate(units)
    ]
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH_SIZE)
    enrollments = list(
        Enrollment.objects.filter(campaign=campaign).select_related("batch", "organization")
    )
    _plans(campaign, enrollments, rng)
    return list(
        Enrollment.objects.filter(campaign=campaign)
        .select_related("batch", "organization")
        .prefetch_related("phases")
    )


def _plans(campaign, enrollments, rng: random.Random) -> None:
    steps = campaign.rules.steps()
    windows, records = [], []
    for enrollment in enrollments:
        start = enrollment.batch.starts_on + timedelta(days=rng.randint(0, 14))
        cursor = start
        for phase in campaign.rules.phases:
            length = phase.duration_days + rng.randint(-3, 3)
            windows.append(
                PhaseWindow(
                    enrollment=enrollment,
                    phase_code=phase.code,
                    starts_on=cursor,
                    ends_on=cursor + timedelta(days=length - 1),
                )
            )
            cursor += timedelta(days=length)
        done_steps = len(steps) if rng.random() < 0.85 else rng.randint(0, len(steps))
        for index, (_phase, step) in enumerate(steps):
            done = index < done_steps
            records.append(
                StepRecord(
                    enrollment=enrollment,
                    step_code=step.code,
                    status=StepStatus.DONE if done else StepStatus.TODO,
                    done_on=cursor if done else None,
                )
            )
    PhaseWindow.objects.bulk_create(windows, batch_size=BATCH_SIZE)
    StepRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
