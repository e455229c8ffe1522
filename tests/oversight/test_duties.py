"""三.4 leaders' 三先 and the 市委“十个一”规定: records with evidence by the cadre or their unit,
the pages, the leader's page and the liaison points, and the verdict at the phase end."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.campaigns.compliance import ComplianceContext
from vanguard.campaigns.models import PhaseWindow
from vanguard.campaigns.verdicts import Severity
from vanguard.oversight import duties
from vanguard.oversight.compliance import leader_duties
from vanguard.oversight.models import LeaderDutyRecord


@pytest.fixture
def cadre(tree):
    return make_member(tree["A1"], "A1-009", "甲校长", is_leader_cadre=True)


def record_all(campaign, member, today, *, but=()):
    for duty in campaign.rules.leader_duties:
        if duty.code not in but:
            duties.record_duty(
                campaign, member, duty.code, done_on=today, description="做了", acting=None
            )


def test_who_records(campaign, cadre, people, personas, today):
    alice, charlie = Scope.for_user(personas["alice"]), Scope.for_user(personas["charlie"])
    leader = Scope.for_user(personas["leader"])
    code = campaign.rules.leader_duties[0].code
    duties.record_duty(campaign, cadre, code, done_on=today, description="带头学习", acting=alice)
    duties.record_duty(
        campaign, people["leader"], code, done_on=today, description="带头", acting=leader
    )
    for acting, member in [(charlie, cadre), (leader, cadre)]:
        with pytest.raises(PermissionDenied):
            duties.record_duty(
                campaign, member, code, done_on=today, description="x", acting=acting
            )
    with pytest.raises(ValidationError):
        duties.record_duty(
            campaign, people["carol"], code, done_on=today, description="x", acting=alice
        )
    with pytest.raises(ValidationError):
        duties.record_duty(campaign, cadre, "xyzzy", done_on=today, description="x", acting=alice)
    with pytest.raises(ValidationError):
        duties.record_duty(
            campaign, cadre, code, done_on=today + timedelta(days=1), description="x", acting=alice
        )
    assert LeaderDutyRecord.objects.count() == 2


def test_the_cadres_page(campaign, cadre, people, personas, client, today):
    url = reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk])
    for who, status in [
        ("alice", 200),
        ("office", 200),
        ("leader", 200),
        ("bob", 404),
        ("charlie", 404),
    ]:
        client.force_login(personas[who])
        assert client.get(url).status_code == status, who
    client.force_login(personas["alice"])
    code = campaign.rules.leader_duties[0].code
    evidence = SimpleUploadedFile("e.txt", b"evidence", content_type="text/plain")
    answer = client.post(
        url,
        {
            "duty": code,
            "done_on": today.isoformat(),
            "description": "带头学习",
            "evidence": evidence,
        },
    )
    assert answer.status_code == 302
    record = LeaderDutyRecord.objects.get()
    assert client.get(reverse("oversight:duty-evidence", args=[record.pk])).status_code == 200
    # bad input: 400, the typed text kept, nothing saved
    answer = client.post(url, {"duty": code, "done_on": "", "description": "我写的说明"})
    assert answer.status_code == 400 and "我写的说明" in answer.content.decode()
    assert LeaderDutyRecord.objects.count() == 1
    # a read-only leader cannot record for the cadre
    client.force_login(personas["leader"])
    assert client.post(url, {"duty": code}).status_code == 403
    # withdrawn, kept
    client.force_login(personas["alice"])
    client.post(reverse("oversight:duty-withdraw", args=[record.pk]))
    record.refresh_from_db()
    assert record.withdrawn_on == today
    assert duties.records_of(campaign, [cadre]) == {}


def test_the_verdict_at_the_phase_end(campaign, enrollments, cadre, today):
    enrollment = enrollments["A"]
    record_all(campaign, cadre, today, but=("ten_ones",))
    window = PhaseWindow.objects.create(
        enrollment=enrollment,
        phase_code="study",
        starts_on=today - timedelta(days=44),
        ends_on=today,
    )
    context = lambda: ComplianceContext(campaign, today=today)  # noqa: E731
    assert leader_duties(context()) == []  # the phase ends today: not yet
    window.ends_on = today - timedelta(days=1)
    window.save()
    [finding] = leader_duties(context())
    assert finding.level == Severity.FAILING and finding.members == ("甲校长",)
    assert finding.counted.endswith("0 / 1")
    duties.record_duty(campaign, cadre, "ten_ones", done_on=today, description="执行", acting=None)
    [counted] = leader_duties(context())  # green: what was counted, with its page
    assert counted.level == Severity.OK and counted.counted.endswith("1 / 1")
    unit_duties = reverse("oversight:unit-duties", args=[campaign.pk, enrollment.pk])
    assert unit_duties in [url for _label, url in counted.links]


def test_the_leaders_page_and_the_liaison_points(
    campaign, points, people, cadre, personas, client, today
):
    record_all(campaign, people["leader"], today, but=("ten_ones",))
    record_all(campaign, cadre, today)
    client.force_login(personas["leader"])
    page = client.get(reverse("oversight:leader-home")).content.decode()
    assert 'id="leader-duties"' in page and "先进性教育活动的先行者" in page
    assert "data-cadre-duties" in page  # the liaison-point unit's cadres: 1 of 1 complete
    client.force_login(personas["office"])
    page = client.get(reverse("oversight:points", args=[campaign.pk])).content.decode()
    assert "data-duties" in page and "3/4" in page
    unit = client.get(
        reverse(
            "oversight:unit-duties", args=[campaign.pk, points[0].organization.enrollments.get().pk]
        )
    )
    assert unit.status_code == 200 and "甲校长" in unit.content.decode()


def test_a_template_without_the_items_shows_nothing_of_them(
    campaign, enrollments, cadre, personas, client
):
    campaign.template_data = dataclasses.replace(campaign.rules, leader_duties=()).to_dict()
    campaign.save()
    client.force_login(personas["alice"])
    assert (
        client.get(reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("oversight:unit-duties", args=[campaign.pk, enrollments["A"].pk])
        ).status_code
        == 404
    )
    campaign.__dict__.pop("template", None)
    assert leader_duties(ComplianceContext(campaign)) == []
