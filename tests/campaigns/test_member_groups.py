"""分类指导 (三.5): member groups declared by the template, decided from the member data or
set by the unit, shown on the member's page, and used by the verdicts (thresholds and
五个一 per group), at their boundaries; a template without groups shows nothing of them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.campaigns import groups
from vanguard.campaigns.models import MemberGroupChoice
from vanguard.campaigns.template import (
    GroupMatch,
    MemberGroup,
    TemplateError,
    Variant,
    load_template,
    parse_template,
    shipped_template_path,
)
from vanguard.orgs import excel
from vanguard.orgs.models import Member, Organization, PostKind
from vanguard.study.hours import required_hours, required_hours_expression, with_hours
from vanguard.study.models import FiveOneRecord, MemberHours
from vanguard.study.summary import five_ones_complete


def _replace(campaign, **changes):
    campaign.template_data = dataclasses.replace(campaign.rules, **changes).to_dict()
    campaign.save()
    campaign.__dict__.pop("template", None)
    return campaign


@pytest.fixture
def retired_campaign(campaign):
    """The shipped groups, and the retired held to 20 hours and to two of the 五个一."""
    rules = campaign.rules
    member_groups = tuple(
        dataclasses.replace(g, five_ones=("renew_oath", "org_life_meeting"))
        if g.code == "retired_members"
        else g
        for g in rules.member_groups
    )
    variants = (Variant(category=None, group="retired_members", values={"min_study_hours": 20}),)
    return _replace(campaign, member_groups=member_groups, variants=variants)


def test_the_shipped_groups_follow_the_notice(campaign):
    rules = campaign.rules
    titles = [g.title for g in rules.guidance_groups()]
    assert titles == ["离退休党员", "党员领导干部", "学校党员教师", "机关党员", "直属事业单位党员"]
    teachers = rules.member_group("school_teachers")
    assert any("师德建设的标兵" in text for text in teachers.requirements)
    assert "机关效能建设" in rules.member_group("organ_members").focus


def test_a_member_group_comes_from_the_member_data_first_match_wins(tree, campaign):
    rules = campaign.rules
    teacher = make_member(tree["A1"], "T1", "教师", post_kind=PostKind.TEACHER)
    retired = make_member(tree["A1"], "T2", "退休教师", retired=True)
    head = make_member(tree["A1"], "T3", "校长", is_leader_cadre=True)
    retired_head = make_member(tree["A1"], "T4", "退休校长", is_leader_cadre=True, retired=True)
    centre = make_member(tree["B"], "B9", "中心党员")
    organ = Organization.objects.add_child(
        tree["root"], {"code": "O", "name": "机关", "kind": "branch", "category": "organ"}
    )
    clerk = make_member(organ, "O1", "科员")
    found = {m.code: groups.computed_group(rules, m).code for m in Member.objects.all()}
    assert found[teacher.code] == "school_teachers"
    assert found[retired.code] == "retired_members"
    assert found[head.code] == "leading_cadres"
    assert found[retired_head.code] == "retired_members"  # listed first in the template
    assert found[centre.code] == "institution_members"  # the catch-all
    assert found[clerk.code] == "organ_members"


def test_the_unit_sets_a_group_and_outsiders_cannot(tree, personas, campaign):
    member = make_member(tree["A1"], "T1", "教师")
    alice, charlie = Scope.for_user(personas["alice"]), Scope.for_user(personas["charlie"])
    with pytest.raises(PermissionDenied):
        groups.set_member_group(campaign, member, "organ_members", acting=charlie)
    groups.set_member_group(campaign, member, "organ_members", acting=alice)
    assert groups.member_group(campaign, member).code == "organ_members"
    # the SQL expression agrees with Python
    row = Member.objects.annotate(g=groups.group_expression(campaign.rules, campaign)).get(
        pk=member.pk
    )
    assert row.g == "organ_members"
    with pytest.raises(KeyError):
        groups.set_member_group(campaign, member, "leader_cadre", acting=alice)  # not 分类
    groups.set_member_group(campaign, member, "", acting=alice)
    assert groups.member_group(campaign, member).code == "school_teachers"
    assert MemberGroupChoice.history.count() == 2  # set, then returned: both kept


def test_a_retired_member_is_held_to_their_groups_threshold(tree, retired_campaign):
    campaign = retired_campaign
    retired = make_member(tree["A1"], "R1", "退休党员", retired=True)
    active = make_member(tree["A1"], "R2", "在职党员")
    assert required_hours(campaign, retired) == Decimal(20)
    assert required_hours(campaign, active) == Decimal(40)
    # at the boundary: 19.5 hours is short by half an hour, 20 is enough
    other = make_member(tree["A1"], "R3", "另一退休党员", retired=True)
    MemberHours.objects.create(campaign=campaign, member=retired, hours=Decimal("19.5"))
    MemberHours.objects.create(campaign=campaign, member=other, hours=Decimal("20.0"))
    rows = {m.pk: m for m in with_hours(Member.objects.all(), campaign)}
    assert rows[retired.pk].required == Decimal(20)
    assert rows[retired.pk].shortfall == Decimal("0.5")
    assert rows[other.pk].shortfall == 0
    assert rows[active.pk].required == Decimal(40)


def test_the_units_choice_moves_the_threshold_in_sql_too(tree, personas, retired_campaign):
    campaign = retired_campaign
    member = make_member(tree["A1"], "R1", "党员")
    groups.set_member_group(campaign, member, "retired_members", acting=None)
    row = Member.objects.annotate(r=required_hours_expression(campaign.rules, campaign)).get(
        pk=member.pk
    )
    assert row.r == Decimal(20) == required_hours(campaign, member)


def test_five_ones_are_counted_against_the_members_group(tree, enrollments, retired_campaign):
    campaign = retired_campaign
    retired = make_member(tree["A1"], "R1", "退休党员", retired=True)
    teacher = make_member(tree["A1"], "R2", "教师")
    for member in (retired, teacher):
        for item in ("renew_oath", "org_life_meeting"):
            FiveOneRecord.objects.create(
                campaign=campaign, member=member, item=item, done_on="2024-07-10"
            )
    # the retired member's two items are all their group asks; the teacher needs five
    assert five_ones_complete(campaign, [enrollments["A"]]) == {enrollments["A"].pk: 1}
    assert groups.required_five_ones(
        campaign.rules, campaign.rules.member_group("retired_members")
    ) == [
        "renew_oath",
        "org_life_meeting",
    ]


def test_the_members_page_shows_their_groups_requirements(tree, personas, enrollments, client):
    client.force_login(personas["bob"])
    page = client.get(reverse("portal:me")).content.decode()
    assert "学校党员教师" in page
    assert "爱事业、爱学校、爱师生" in page


def test_the_unit_page_of_groups(tree, personas, campaign, enrollments, client):
    url = reverse("campaigns:unit-groups", args=[campaign.pk, enrollments["A"].pk])
    for who, status in [
        ("alice", 200),
        ("office", 200),
        ("liaison", 200),
        ("bob", 404),
        ("charlie", 404),
    ]:
        client.force_login(personas[who])
        assert client.get(url).status_code == status, who
    client.force_login(personas["alice"])
    bob = Member.objects.get(user=personas["bob"])
    set_url = reverse("campaigns:unit-group-set", args=[campaign.pk, enrollments["A"].pk, bob.pk])
    client.post(set_url, {"group": "organ_members"})
    assert groups.member_group(campaign, bob).code == "organ_members"
    client.post(set_url, {"group": "xyzzy"})  # unknown: nothing changed
    assert groups.member_group(campaign, bob).code == "organ_members"
    client.force_login(personas["leader"])
    assert client.post(set_url, {"group": ""}).status_code == 403


def test_a_template_without_groups_shows_nothing_of_them(
    tree, personas, campaign, enrollments, client
):
    _replace(
        campaign,
        member_groups=tuple(g for g in campaign.rules.member_groups if g.match is None),
    )
    url = reverse("campaigns:unit-groups", args=[campaign.pk, enrollments["A"].pk])
    client.force_login(personas["alice"])
    assert client.get(url).status_code == 404
    client.force_login(personas["bob"])
    page = client.get(reverse("portal:me")).content.decode()
    assert "member-group-" not in page
    bob = Member.objects.get(user=personas["bob"])
    assert groups.member_group(campaign, bob) is None
    assert required_hours(campaign, bob) == Decimal(40)


def test_the_template_checks_groups(tmp_path):
    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    bad = text.replace("match = { retired = true }", 'match = { retired = true, posts = ["cook"] }')
    bad = bad.replace('code = "retired_members"', 'code = "retired_members"\nfive_ones = ["xyzzy"]')
    with pytest.raises(TemplateError) as error:
        parse_template(bad, "t.toml")
    keys = {problem.key for problem in error.value.problems}
    assert "member_groups[4].match.posts[1]" in keys
    assert "member_groups[4].five_ones[1]" in keys
    # the snapshot keeps the groups whole
    rules = load_template(shipped_template_path("xianjinxing-2024"))
    group = rules.member_group("school_teachers")
    assert isinstance(group, MemberGroup) and group.match == GroupMatch(categories=("school",))


def test_the_workbook_carries_the_new_member_fields(tree, personas):
    from tests.orgs.test_excel import member_row, xlsx

    office = Scope.for_user(personas["office"])
    row = member_row(
        "A-777",
        "A",
        **{
            excel.MEMBER_POST: "教师",
            excel.MEMBER_RETIRED: "是",
            excel.MEMBER_FLOATING: "否",
            excel.MEMBER_LOST: "是",
        },
    )
    excel.import_workbook(xlsx([], [row]), office)
    member = Member.objects.get(code="A-777")
    assert (member.post_kind, member.retired, member.floating, member.out_of_contact) == (
        "teacher",
        True,
        False,
        True,
    )
    # a workbook without the optional columns leaves them as they are
    headers = [h for h in excel.MEMBER_HEADERS if h not in excel.OPTIONAL_MEMBER_HEADERS]
    excel.import_workbook(xlsx([], [member_row("A-777", "A")], member_headers=headers), office)
    member.refresh_from_db()
    assert member.retired and member.out_of_contact
    # a wrong value is refused with its row and column
    bad = member_row("A-778", "A", **{excel.MEMBER_RETIRED: "也许"})
    with pytest.raises(excel.WorkbookError) as failed:
        excel.import_workbook(xlsx([], [bad]), office)
    assert (excel.MEMBER_SHEET, 2, excel.MEMBER_RETIRED) in {
        (p.sheet, p.row, p.column) for p in failed.value.problems
    }
