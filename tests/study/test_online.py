"""网络党校 (issue 20): honest time, capped per material and by the template, counted in
the stored hours; access for every persona; absent from a template without it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vanguard.accounts.access import Scope
from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Member
from vanguard.study import online
from vanguard.study.hours import live_hours, member_hours, refresh_member_hours
from vanguard.study.models import MemberHours, OnlineMaterial, OnlineProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(planned, personas):
    return OnlineMaterial.objects.create(
        campaign=planned["A"].campaign,
        enrollment=planned["A"],
        title="党章学习",
        kind="document",
        text="第一章 党员",
        minutes=10,
    )


@pytest.fixture
def bob(personas):
    return Member.objects.get(user=personas["bob"])


def scope_of(user):
    return Scope.for_user(user)


def beat(material, user, at, start=False):
    return online.heartbeat(material, acting=scope_of(user), start=start, now=at)


def test_the_first_beat_starts_the_clock_and_each_next_one_counts_the_real_time(material, personas):
    t0 = timezone.now()
    assert beat(material, personas["bob"], t0).seconds == 0
    assert beat(material, personas["bob"], t0 + timedelta(seconds=30)).seconds == 30
    # a page left open in the background: the next beat after 5 minutes earns the most
    # one beat may earn, not 5 minutes
    later = t0 + timedelta(seconds=330)
    assert beat(material, personas["bob"], later).seconds == 30 + online.MAX_STEP_SECONDS
    # after a pause the script restarts the clock: the pause earns nothing
    assert beat(material, personas["bob"], later + timedelta(hours=1), start=True).seconds == 70


def test_two_materials_open_at_once_share_one_clock(material, personas, planned):
    other = OnlineMaterial.objects.create(
        campaign=planned["A"].campaign, title="视频", kind="document", text="x", minutes=10
    )
    t0 = timezone.now()
    beat(material, personas["bob"], t0)
    beat(other, personas["bob"], t0 + timedelta(seconds=1))
    beat(material, personas["bob"], t0 + timedelta(seconds=30))
    beat(other, personas["bob"], t0 + timedelta(seconds=31))
    total = sum(OnlineProgress.objects.values_list("seconds", flat=True))
    assert total == 31  # the wall clock, not twice it


def test_a_material_earns_at_most_its_own_minutes(material, personas):
    t0 = timezone.now()
    beat(material, personas["bob"], t0)
    seconds = 0
    for step in range(1, 40):
        seconds = beat(material, personas["bob"], t0 + timedelta(seconds=30 * step)).seconds
    assert seconds == material.minutes * 60  # 600: exactly the limit, never past it


@pytest.mark.parametrize(
    ("seconds", "credited"),
    [
        (35_999, Decimal("9.9")),  # whole tenths only
        (36_000, Decimal("10.0")),  # exactly the template's cap
        (36_360, Decimal("10.0")),  # past it: capped
        (0, Decimal("0.0")),
    ],
)
def test_online_time_is_credited_up_to_the_templates_cap(seconds, credited):
    assert online.credited_hours(seconds, Decimal("10")) == credited


def test_online_hours_are_in_the_stored_hours(material, planned, bob, personas):
    campaign = planned["A"].campaign
    # 10 hours over several materials, each within its own limit; then 30 s more
    for index in range(6):
        big = OnlineMaterial.objects.create(
            campaign=campaign, title=f"材料{index}", kind="document", text="x", minutes=120
        )
        OnlineProgress.objects.create(material=big, member=bob, seconds=6000)
    refresh_member_hours(campaign.pk, [bob.pk])  # as every bulk writer does
    assert MemberHours.objects.get(campaign=campaign, member=bob).hours == Decimal("10.0")
    t0 = timezone.now()
    beat(material, personas["bob"], t0)
    beat(material, personas["bob"], t0 + timedelta(seconds=30))
    stored = MemberHours.objects.get(campaign=campaign, member=bob).hours
    assert stored == Decimal("10.0") == live_hours(campaign.pk)[bob.pk]
    assert member_hours(campaign, [bob])[bob.pk] == Decimal("10.0")


def test_time_on_a_withdrawn_material_still_counts(material, planned, bob, personas):
    OnlineProgress.objects.create(material=material, member=bob, seconds=600)
    online.withdraw(material, acting=scope_of(personas["alice"]))
    assert OnlineMaterial.objects.filter(pk=material.pk).exists()  # nothing deleted
    assert live_hours(planned["A"].campaign_id)[bob.pk] == Decimal("0.1")
    with pytest.raises(PermissionDenied):
        beat(material, personas["bob"], timezone.now())


def test_only_members_it_is_offered_to_earn_time(material, personas, tree):
    from tests.conftest import make_user

    outsider = make_user("dora")
    Member.objects.filter(code="B-001").update(user=outsider)
    for user in (personas["alice"], personas["office"], outsider):
        with pytest.raises(PermissionDenied):
            beat(material, user, timezone.now())


def test_a_template_without_online_study_shows_and_counts_nothing(
    material, planned, bob, client, personas
):
    campaign = planned["A"].campaign
    data = campaign.template_data
    del data["thresholds"]["online_study_max_hours"]
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    OnlineProgress.objects.create(material=material, member=bob, seconds=600)
    assert bob.pk not in live_hours(campaign.pk)
    client.force_login(personas["bob"])
    assert client.get(reverse("study:online-mine", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("study:online-material", args=[material.pk])).status_code == 404
    page = client.get(reverse("study:me")).content.decode()
    assert reverse("study:online-mine", args=[campaign.pk]) not in page


# -- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "mine", "page", "unit"),
    [
        ("office", 404, 200, 200),
        ("leader", 404, 200, 200),
        ("liaison", 404, 200, 200),
        ("alice", 404, 200, 200),
        ("bob", 200, 200, 403),
        ("charlie", 404, 404, 404),
    ],
)
def test_access_for_every_persona(material, planned, personas, client, persona, mine, page, unit):
    campaign = planned["A"].campaign
    client.force_login(personas[persona])
    assert client.get(reverse("study:online-mine", args=[campaign.pk])).status_code == mine
    assert client.get(reverse("study:online-material", args=[material.pk])).status_code == page
    unit_url = reverse("study:online-unit", args=[campaign.pk, planned["A"].pk])
    assert client.get(unit_url).status_code == unit
    beat_status = client.post(reverse("study:online-beat", args=[material.pk])).status_code
    assert beat_status == {"bob": 200, "charlie": 404}.get(persona, 403)


def test_the_member_sees_the_time_counted(material, planned, personas, client, bob):
    OnlineProgress.objects.create(material=material, member=bob, seconds=300)
    client.force_login(personas["bob"])
    page = client.get(reverse("study:online-mine", args=[planned["A"].campaign_id]))
    text = page.content.decode()
    assert "data-online-minutes>5<" in text


def test_a_unit_admin_uploads_a_video_checked_by_content(planned, personas, client):
    client.force_login(personas["alice"])
    url = reverse("study:online-unit", args=[planned["A"].campaign_id, planned["A"].pk])
    fake = SimpleUploadedFile("lesson.mp4", b"<html><script>x</script></html>")
    answer = client.post(url, {"title": "党课视频", "kind": "video", "minutes": "30", "file": fake})
    assert answer.status_code == 400
    assert not OnlineMaterial.objects.exists()
    assert "党课视频" in answer.content.decode()  # the typed values are kept
    video = SimpleUploadedFile("lesson.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    answer = client.post(
        url, {"title": "党课视频", "kind": "video", "minutes": "30", "file": video}
    )
    assert answer.status_code == 302
    assert OnlineMaterial.objects.get().enrollment == planned["A"]


def test_the_office_adds_material_for_every_unit_and_a_unit_admin_may_not(
    planned, personas, client
):
    url = reverse("study:online-office", args=[planned["A"].campaign_id])
    data = {"title": "读本第一章", "kind": "document", "minutes": "20", "text": "正文"}
    client.force_login(personas["alice"])
    assert client.post(url, data).status_code == 403
    client.force_login(personas["office"])
    assert client.post(url, data).status_code == 302
    assert OnlineMaterial.objects.get().enrollment is None
