"""Fixtures of the study tests: unit A's study phase planned (1 July – 14 August 2024), and
a factory of sessions. The personas and the tree come from tests/conftest.py."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.utils import translation

from tests.conftest import make_member
from vanguard.campaigns import services as campaign_services
from vanguard.study.models import StudySession

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}
PLAN_B = {
    "study": (date(2024, 1, 1), date(2024, 2, 14)),
    "analysis": (date(2024, 2, 15), date(2024, 3, 15)),
    "rectification": (date(2024, 3, 16), date(2024, 4, 14)),
}


@pytest.fixture(autouse=True)
def english():
    """Messages made outside a request (services) in English, so tests can match them.
    Pages still answer in the language of the request (Chinese by default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def planned(enrollments):
    campaign_services.save_phase_plan(enrollments["A"], PLAN, acting=None)
    campaign_services.save_phase_plan(enrollments["B"], PLAN_B, acting=None)
    return enrollments


@pytest.fixture
def make_session(planned):
    def make(
        enrollment=None,
        *,
        org=None,
        day=date(2024, 7, 10),
        hours="2.0",
        starts=time(14, 0),
        ends=None,
        kind="concentrated_study",
        topic="学习党章",
    ):
        enrollment = enrollment or planned["A"]
        hours = Decimal(hours)
        if ends is None:
            minutes = starts.hour * 60 + starts.minute + int(hours * 60) + 30
            ends = time(min(minutes // 60, 23), minutes % 60)
        return StudySession.objects.create(
            enrollment=enrollment,
            organization=org or enrollment.organization,
            kind=kind,
            topic=topic,
            date=day,
            starts_at=starts,
            ends_at=ends,
            hours=hours,
        )

    return make


@pytest.fixture
def bob_member(personas):
    return personas["bob"].member


@pytest.fixture
def a_members(tree, personas):
    """Bob and two more members of unit A (one in A itself, one in A1)."""
    return [
        personas["bob"].member,
        make_member(tree["A"], "A-001", "甲一"),
        make_member(tree["A1"], "A1-002", "甲二"),
    ]
