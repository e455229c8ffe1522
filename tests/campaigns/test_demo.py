"""The demo campaign: the notice's units, batches and leading group, loaded once."""

from io import StringIO

from django.core.management import call_command

from vanguard.accounts.models import RoleGrant, User
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization


def test_load_demo_builds_the_notice_campaign_once(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    counts = (Organization.objects.count(), Member.objects.count(), Enrollment.objects.count())

    call_command("load_demo", stdout=StringIO())  # a second run changes nothing
    # every member's stored hours are those of their marks (SystemExit if not)
    call_command("refresh_study_hours", check=True, stdout=StringIO())

    assert (Organization.objects.count(), Member.objects.count()) == counts[:2]
    assert Enrollment.objects.count() == counts[2]
    campaign = Campaign.objects.get()
    batch_1, batch_2 = campaign.batches.order_by("number")
    assert (batch_1.starts_on.isoformat(), batch_1.ends_on.isoformat()) == (
        "2024-01-01",
        "2024-06-30",
    )
    assert (batch_2.starts_on.isoformat(), batch_2.ends_on.isoformat()) == (
        "2024-07-01",
        "2024-12-31",
    )
    first = set(batch_1.enrollments.values_list("organization__name", flat=True))
    for unit in (
        "考试中心",
        "教研中心",
        "装备中心",
        "开发公司",
        "投资公司",
        "机关第一",
        "机关第二",
    ):
        assert any(unit in name for name in first), unit
    assert set(batch_2.enrollments.values_list("organization__category", flat=True)) == {"school"}
    assert 200 <= Member.objects.count() <= 600
    for name in ("钱军", "韩贤清", "刘嫔珺", "郭建民"):
        assert Member.objects.filter(name=name, is_leader_cadre=True).exists()
    roles = set(RoleGrant.objects.values_list("role", flat=True))
    assert roles == {"office", "leader", "liaison", "unit_admin"}
    assert User.objects.filter(member__isnull=False, grants__isnull=True).exists()  # a member
    for username in ("guojianmin", "qianjun", "liaison", "admin_kszx", "member", "admin"):
        assert username in out.getvalue()
