"""简报、信息报送: submit → accept → publish; the public page shows published briefs only;
counts per unit and per batch; pictures checked by content; the minimum per phase."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.reporting.conftest import PLAN
from vanguard.accounts.access import Scope
from vanguard.campaigns import compliance
from vanguard.campaigns.verdicts import Severity
from vanguard.reporting import services
from vanguard.reporting.models import Brief, BriefStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def scope(user):
    return Scope.for_user(user)


def brief(enrollment, user, title="简报", body="正文", pictures=()):
    return services.create_brief(
        enrollment, title=title, body=body, pictures=pictures, author=user, acting=scope(user)
    )


def test_submit_accept_publish(unit_a, personas):
    alice, office = personas["alice"], personas["office"]
    b = brief(unit_a, alice)
    assert b.status == BriefStatus.DRAFT
    services.submit_brief(b, today=date(2024, 7, 10), acting=scope(alice))
    assert (b.status, b.phase_code) == (BriefStatus.SUBMITTED, "study")
    services.accept_brief(b, by=office, acting=scope(office))
    assert b.status == BriefStatus.ACCEPTED
    services.publish_brief(b, today=date(2024, 7, 12), acting=scope(office))
    b.refresh_from_db()
    assert (b.status, b.published_on) == (BriefStatus.PUBLISHED, date(2024, 7, 12))
    services.unpublish_brief(b, acting=scope(office))
    assert (b.status, b.published_on) == (BriefStatus.ACCEPTED, None)


def test_only_an_accepted_brief_is_published(unit_a, personas):
    b = brief(unit_a, personas["alice"])
    services.submit_brief(b, acting=None)
    with pytest.raises(ValidationError, match=r"无法|Cannot"):
        services.publish_brief(b, acting=None)


def test_a_returned_brief_is_edited_and_resubmitted(unit_a, personas):
    b = brief(unit_a, personas["alice"])
    services.submit_brief(b, acting=None)
    services.return_brief(b, by=None, note="请配图片", acting=None)
    services.update_brief(
        b,
        title="新标题",
        body="新正文",
        pictures=[("图", SimpleUploadedFile("p.png", PNG))],
        acting=None,
    )
    services.submit_brief(b, acting=None)
    assert (b.status, b.title, b.pictures.count()) == (BriefStatus.SUBMITTED, "新标题", 1)


def test_a_withdrawn_brief_is_kept(unit_a, personas):
    b = brief(unit_a, personas["alice"])
    services.withdraw_brief(b, acting=scope(personas["alice"]))
    assert Brief.objects.get(pk=b.pk).status == BriefStatus.WITHDRAWN


def test_the_public_page_shows_only_published_briefs(client, unit_a, personas):
    published = brief(unit_a, personas["alice"], title="已发布的简报")
    services.submit_brief(published, acting=None)
    services.accept_brief(published, by=None, acting=None)
    services.publish_brief(published, acting=None)
    accepted = brief(unit_a, personas["alice"], title="已采用未发布")
    services.submit_brief(accepted, acting=None)
    services.accept_brief(accepted, by=None, acting=None)
    brief(unit_a, personas["alice"], title="草稿简报")

    page = client.get(reverse("reporting:public-briefs")).content.decode()
    assert "已发布的简报" in page
    assert "已采用未发布" not in page and "草稿简报" not in page
    assert client.get(reverse("reporting:public-brief", args=[published.pk])).status_code == 200
    assert client.get(reverse("reporting:public-brief", args=[accepted.pk])).status_code == 404


def test_public_pictures_only_of_published_briefs(client, unit_a, personas):
    b = brief(unit_a, personas["alice"], pictures=[("图", SimpleUploadedFile("p.png", PNG))])
    picture = b.pictures.get()
    url = reverse("reporting:public-picture", args=[picture.pk])
    assert client.get(url).status_code == 404
    services.submit_brief(b, acting=None)
    services.accept_brief(b, by=None, acting=None)
    services.publish_brief(b, acting=None)
    assert client.get(url).status_code == 200


def test_a_picture_must_be_an_image(client, unit_a, personas, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(personas["alice"])
    url = reverse("reporting:brief-new", args=[unit_a.campaign_id, unit_a.pk])
    response = client.post(
        url,
        {
            "title": "我的简报",
            "body": "正文",
            "picture": SimpleUploadedFile("p.png", b"%PDF-1.4 not a picture"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "我的简报" in page and "PNG" in page
    assert not Brief.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 302),
        ("leader", 403),
        ("liaison", 403),
        ("alice", 403),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_only_the_office_accepts(client, unit_a, personas, who, status):
    b = brief(unit_a, personas["alice"])
    services.submit_brief(b, acting=None)
    client.force_login(personas[who])
    assert (
        client.post(reverse("reporting:brief-action", args=[b.pk, "accept"])).status_code == status
    )


def test_counts_per_unit_and_per_batch(client, unit_a, enrollments, personas):
    for title in ("一", "二"):
        b = brief(unit_a, personas["alice"], title=title)
        services.submit_brief(b, acting=None)
        services.accept_brief(b, by=None, acting=None)
    b = brief(enrollments["B"], personas["charlie"], title="乙")
    services.submit_brief(b, acting=None)
    client.force_login(personas["office"])
    response = client.get(reverse("reporting:briefs", args=[unit_a.campaign_id]))
    per_unit = {row["enrollment_id"]: row for row in response.context["per_unit"]}
    assert (per_unit[unit_a.pk]["total"], per_unit[unit_a.pk]["accepted"]) == (2, 2)
    assert (per_unit[enrollments["B"].pk]["waiting"]) == 1
    per_batch = {
        row["enrollment__batch__title"]: row["total"] for row in response.context["per_batch"]
    }
    assert per_batch == {"第一批": 1, "第二批": 2}
    # A's admin counts A's only
    client.force_login(personas["alice"])
    response = client.get(reverse("reporting:briefs", args=[unit_a.campaign_id]))
    assert [row["enrollment_id"] for row in response.context["per_unit"]] == [unit_a.pk]


def briefs_verdict(enrollment, today):
    report = compliance.evaluate_unit(enrollment, today=today)
    return next(v for v in report.verdicts if v.code == "reporting.briefs")


def test_the_minimum_per_phase(unit_a, personas):
    after_study = PLAN["study"][1].replace(day=PLAN["study"][1].day + 1)
    verdict = briefs_verdict(unit_a, after_study)
    assert verdict.level == Severity.WARNING
    assert "briefs.min_per_phase = 2" in verdict.findings[0].threshold
    briefs_page = reverse("reporting:unit-briefs", args=[unit_a.campaign_id, unit_a.pk])
    assert briefs_page in dict(verdict.findings[0].links).values()
    for day in (date(2024, 7, 5), date(2024, 7, 20)):
        b = brief(unit_a, personas["alice"])
        services.submit_brief(b, today=day, acting=None)
        services.accept_brief(b, by=None, acting=None)
        if day.day == 5:  # one short of the minimum: counted against it
            (short,) = briefs_verdict(unit_a, after_study).findings
            assert short.counted in ("accepted 1 / 2", "已采用 1 / 2")
    green = briefs_verdict(unit_a, after_study)
    assert green.level == Severity.OK
    assert briefs_page in dict(green.evidence[0].links).values()
