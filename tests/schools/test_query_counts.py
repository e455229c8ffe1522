"""The lists of issue 20's parts read a constant number of queries, whatever their size."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.schools.models import RoleCommitment, RoleRecord, TrainingRecord, VanguardPost
from vanguard.study.models import Lecture, Lecturer, OnlineMaterial, OnlineProgress, Writing

pytestmark = pytest.mark.django_db


def add_rows(enrollment, tree, start: int, count: int):
    campaign = enrollment.campaign
    lecturer = Lecturer.objects.get_or_create(campaign=campaign, name="讲师")[0]
    for n in range(start, start + count):
        member = make_member(tree["A1"], f"Q-{n:03d}", f"党员{n}")
        material = OnlineMaterial.objects.create(
            campaign=campaign,
            enrollment=enrollment,
            title=f"材料{n}",
            kind="document",
            text="x",
            minutes=10,
        )
        OnlineProgress.objects.create(material=material, member=member, seconds=60)
        Writing.objects.create(
            campaign=campaign,
            enrollment=enrollment,
            member=member,
            kind="experience",
            title=f"体会{n}",
            body="x",
            submitted_at="2024-07-10T10:00:00+08:00",
        )
        Lecture.objects.create(
            lecturer=lecturer,
            enrollment=enrollment,
            kind="special_lecture",
            topic="专题",
            given_on=date(2024, 7, 10),
        )
        TrainingRecord.objects.create(
            enrollment=enrollment,
            track="member_to_teacher",
            name=member.name,
            member=member,
            started_on=date(2024, 7, 1),
        )
        post = VanguardPost.objects.create(
            enrollment=enrollment,
            title=f"岗{n}",
            starts_on=date(2024, 7, 1),
            ends_on=date(2024, 12, 31),
        )
        post.holders.set([member])
        commitment = RoleCommitment.objects.create(
            enrollment=enrollment,
            member=member,
            role="mentor",
            pledge="x",
            made_on=date(2024, 7, 1),
        )
        RoleRecord.objects.create(commitment=commitment, done_on=date(2024, 7, 2), description="x")
    return lecturer


def count(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_do_not_grow_with_their_rows(enrollments, personas, client, tree):
    enrollment = enrollments["A"]
    c, e = enrollment.campaign_id, enrollment.pk
    lecturer = add_rows(enrollment, tree, 0, 2)
    client.force_login(personas["alice"])
    urls = [
        reverse("study:online-unit", args=[c, e]),
        reverse("study:writings-unit", args=[c, e]),
        reverse("study:writings-campaign", args=[c]),
        reverse("study:lecturers", args=[c]),
        reverse("study:lecturer", args=[lecturer.pk]),
        reverse("schools:trainings", args=[c, e]),
        reverse("schools:posts", args=[c, e]),
        reverse("schools:roles", args=[c, e]),
    ]
    small = [count(client, url) for url in urls]
    add_rows(enrollment, tree, 2, 8)
    large = [count(client, url) for url in urls]
    assert large == small
