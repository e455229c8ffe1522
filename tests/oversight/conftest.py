"""Fixtures of leadership and supervision.

`campaign` is overridden here so that its batches sit around today: batch 1 (unit B) ended
yesterday, batch 2 (unit A) runs from today. A liaison officer dispatched to A is in post
now; one dispatched to B no longer is. The shared `batches` and `enrollments` fixtures
pick this campaign up.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import TEMPLATE, make_member, make_user
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.orgs.models import Organization, OrgCategory, OrgKind
from vanguard.oversight import services
from vanguard.oversight.models import GroupRole, PointKind


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def campaign(tree, today):
    return campaign_services.start_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        organization=tree["root"],
        batches=[
            ("第一批", today - timedelta(days=180), today - timedelta(days=1)),
            ("第二批", today, today + timedelta(days=180)),
        ],
    )


@pytest.fixture
def department(tree):
    """A department of the bureau (机关处室), under the committee."""
    return Organization.objects.add_child(
        tree["root"],
        dict(code="D", name="测试局机关支部", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN),
    )


@pytest.fixture
def people(personas, tree, department):
    """Members behind the personas: the leader is a bureau member; alice heads unit A."""
    return {
        "leader": make_member(
            department, "D-001", "钱领导", user=personas["leader"], is_leader_cadre=True
        ),
        "deputy": make_member(department, "D-002", "韩副组长", is_leader_cadre=True),
        "office_head": make_member(department, "D-003", "郭主任"),
        "alice": make_member(tree["A"], "A-001", "爱丽丝", user=personas["alice"]),
        "carol": make_member(tree["A1"], "A1-002", "卡罗尔"),
        "bob": personas["bob"].member,
    }


@pytest.fixture
def bureau_group(campaign, people):
    group = services.create_leading_group(campaign, campaign.organization, acting=None)
    services.add_group_member(
        group, people["leader"], role=GroupRole.LEADER, is_responsible=True, acting=None
    )
    services.add_group_member(group, people["deputy"], role=GroupRole.DEPUTY, acting=None)
    services.add_group_member(
        group, people["office_head"], role=GroupRole.OFFICE_DIRECTOR, acting=None
    )
    return group


@pytest.fixture
def points(campaign, bureau_group, people, tree, department, enrollments):
    return [
        services.set_liaison_point(
            campaign, people["leader"], PointKind.UNIT, tree["A"], acting=None
        ),
        services.set_liaison_point(
            campaign, people["leader"], PointKind.DEPARTMENT, department, acting=None
        ),
    ]


@pytest.fixture
def officer(db):
    """A liaison officer with no grant of their own until dispatched."""
    return make_user("officer")


@pytest.fixture
def assignment(batches, enrollments, officer, tree, personas):
    """`officer` dispatched to unit A for the running batch 2."""
    return services.dispatch_officer(
        batches[1], officer, tree["A"], by=personas["office"], acting=None
    )


@pytest.fixture
def visit(assignment, officer, today):
    return services.record_visit(
        assignment,
        by=officer,
        visited_on=today,
        checked="两本一册",
        findings="点名册不全",
        suggestions=["补全点名册", "组织补学"],
        acting=None,
    )


@pytest.fixture
def suggestion(visit):
    return visit.suggestions.order_by("pk").first()


@pytest.fixture
def case(campaign, people, personas, today):
    """A non-qualifying member case about bob (member of A1, under alice's unit A)."""
    return services.open_case(
        campaign,
        people["bob"],
        by=personas["alice"],
        opened_on=today,
        reason="长期不参加组织生活",
        acting=None,
    )


@pytest.fixture
def other_member(tree):
    return make_member(tree["A1"], "A1-003", "戴夫", user=make_user("dave"))
