"""Benchmark data for study (vanguard.datagen): sessions in each unit's study phase with
the roll taken for every member. Bulk inserts; deterministic from the generator's rng."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from vanguard.core import bulk
from vanguard.study.hours import refresh_member_hours
from vanguard.study.models import Attendance, AttendanceStatus, StudySession

BATCH_SIZE = 5_000
KINDS = ["concentrated_study", "party_lecture", "special_lecture", "report_meeting"]
STATUSES = [AttendanceStatus.PRESENT] * 17 + [
    AttendanceStatus.LATE,
    AttendanceStatus.LEAVE,
    AttendanceStatus.ABSENT,
]


def generate(generated, scale, rng: random.Random) -> None:
    campaign = generated.campaign
    study = campaign.rules.phases[0].code
    sessions = []
    for enrollment in generated.enrollments:
        window = next(w for w in enrollment.phases.all() if w.phase_code == study)
        span = (window.ends_on - window.starts_on).days
        for index in range(scale.sessions_per_unit):
            day = window.starts_on + timedelta(days=index * span // scale.sessions_per_unit)
            sessions.append(
                StudySession(
                    enrollment=enrollment,
                    organization=enrollment.organization,
                    kind="mobilization_meeting" if index == 0 else rng.choice(KINDS),
                    topic=f"第{index + 1}次集中学习",
                    date=day,
                    starts_at=time(14, 0),
                    ends_at=time(16, 0),
                    hours=Decimal("1.5") if index % 3 else Decimal("2.0"),
                    roll_taken_at=timezone.make_aware(datetime.combine(day, time(16, 0))),
                )
            )
    StudySession.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    sessions = (
        StudySession.objects.filter(enrollment__campaign=campaign)
        .order_by("pk")
        .values_list("pk", "organization_id")
    )
    bulk.insert(
        Attendance,
        ["session", "member", "status", "reason"],
        (
            (session, member, rng.choice(STATUSES), "")
            for session, org in sessions
            for member in generated.members_by_unit.get(org, [])
        ),
    )
    refresh_member_hours(campaign.pk)
