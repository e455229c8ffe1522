"""Fixtures of the rectification tests: items at the three levels on the shared personas'
tree, a second member of unit A, and the public site's rate-limit counters cleared."""

from datetime import date

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.conftest import make_member, make_user
from vanguard.accounts.access import Scope
from vanguard.orgs.models import Member
from vanguard.rectification import services
from vanguard.rectification.models import Level

TODAY = date(2024, 10, 1)


def scope_of(user):
    return Scope.for_user(user)


@pytest.fixture(autouse=True)
def english_messages():
    """Messages of services called directly are read in English (the msgids), whatever
    the catalogue; pages keep the site's language, as the locale middleware decides."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bob_member(personas):
    return Member.objects.get(user=personas["bob"])


@pytest.fixture
def dora(tree, personas):
    """A member of unit A with a login: a colleague of bob's, not a reader."""
    user = make_user("dora")
    make_member(tree["A"], "A-002", "朵拉", user=user)
    return user


@pytest.fixture
def secretary(tree):
    return make_member(tree["A"], "A-001", "甲书记", is_leader_cadre=True)


def unit_item(campaign, org, responsible=None, **fields):
    defaults = {
        "problem": "联系群众不够",
        "measures": "设立接待日",
        "deadline": date(2024, 11, 30),
        "responsible": responsible,
    }
    return services.create_item(
        campaign, level=Level.ORGANIZATION, organization=org, **{**defaults, **fields}, acting=None
    )


@pytest.fixture
def items(campaign, enrollments, tree, personas, bob_member, secretary):
    """An item of unit A, of sub-branch A1, bob's own, the bureau's and unit B's."""
    b_member = Member.objects.get(code="B-001")
    return {
        "A": unit_item(campaign, tree["A"], secretary),
        "A1": unit_item(campaign, tree["A1"], bob_member, problem="支部学习不经常"),
        "bob": services.create_item(
            campaign,
            level=Level.MEMBER,
            member=bob_member,
            problem="理论学习不够系统",
            measures="制定学习计划",
            deadline=date(2024, 11, 30),
            acting=None,
        ),
        "bureau": services.create_item(
            campaign,
            level=Level.BUREAU,
            problem="机关效能不高",
            measures="推行限时办结",
            responsible=secretary,
            deadline=date(2024, 12, 31),
            acting=None,
        ),
        "B": unit_item(campaign, tree["B"], b_member, problem="乙中心窗口服务差"),
    }
