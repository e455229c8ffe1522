"""Fixtures of 分析评议: unit A's members with logins, an opinion, an appraisal round.

Unit A (a general branch) has dora in A itself and bob and eve in its branch A1; all three
can log in, so all three vote in A's round.
"""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from tests.conftest import make_member, make_user
from vanguard.appraisal import services
from vanguard.appraisal.models import Subject
from vanguard.orgs.models import Member

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the interface defaults to Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser that asks for English, so pages say what the tests read."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limiter counts in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def members(personas, tree):
    """bob (A1, from the personas), dora (A) and eve (A1), each with a login."""
    dora = make_member(tree["A"], "A-001", "朵拉", user=make_user("dora"))
    eve = make_member(tree["A1"], "A1-002", "伊芙", user=make_user("eve"))
    bob = Member.objects.get(code="A1-001")
    return {"bob": bob, "dora": dora, "eve": eve}


@pytest.fixture
def campaign_a(enrollments):
    return enrollments["A"].campaign


@pytest.fixture
def opinion(enrollments, members, personas):
    """An anonymous opinion about bob, received at a teachers' forum, routed to A1."""
    return services.receive_opinion(
        enrollments["A"].campaign,
        channel="teacher_forum",
        subject=Subject.MEMBER,
        member=members["bob"],
        content="上课时经常接打电话。",
        entered_by=personas["alice"],
        received_on=date(2024, 8, 20),
        acting=None,
    ).opinion


def open_window(hours: int = 2):
    now = timezone.now()
    return {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(hours=hours)}


# The tellers' codes of the rounds set up by the tests (round id → codes), as the slips
# would be kept by the tellers.
TELLER_CODES: dict[int, list[str]] = {}


def appoint(appraisal_round, names=("监票人甲", "监票人乙", "监票人丙")):
    slips = services.appoint_tellers(appraisal_round, names, acting=None)
    TELLER_CODES[appraisal_round.pk] = [slip.code for slip in slips]
    return slips


@pytest.fixture
def open_round(enrollments, members, personas, tree):
    """A's appraisal round, open now, with three tellers; bob, dora and eve are its
    members."""
    appraisal_round = services.open_round(
        enrollments["A"],
        organization=tree["A"],
        title="甲中学民主评议",
        user=personas["alice"],
        **open_window(),
        acting=None,
    )
    appoint(appraisal_round)
    return appraisal_round


def ballot_for(appraisal_round, grade="qualified", overrides=None):
    """A complete ballot: every member of the round gets `grade`, but those in
    `overrides` (member id → grade)."""
    grades = {str(pk): grade for pk, _name in services.candidates_of(appraisal_round)}
    grades.update({str(pk): value for pk, value in (overrides or {}).items()})
    return grades


def close_now(appraisal_round, *, count=True):
    """End voting (as the unit's button does) and, unless told not to, have two of the
    three tellers count the ballots."""
    closed = services.close_round(appraisal_round, acting=None)
    if count:
        return count_now(appraisal_round)
    return closed


def count_now(appraisal_round, which=(0, 2)):
    codes = TELLER_CODES[appraisal_round.pk]
    return services.count_ballots(appraisal_round, [codes[i] for i in which], acting=None)


def new_round(enrollment, **fields):
    """A round set up by the service, with its three tellers appointed."""
    appraisal_round = services.open_round(enrollment, **fields, acting=None)
    appoint(appraisal_round)
    return appraisal_round
