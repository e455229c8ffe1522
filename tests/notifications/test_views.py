"""The notification centre, the preferences page, the delivery log and group robots, as
each persona uses them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vanguard.notifications.models import Delivery, GroupRobot, Notification, Preferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(personas, tree):
    return Notification.objects.create(
        recipient=personas["alice"],
        event="item_overdue",
        key="k1",
        title="甲中学：有一项整改事项已超期",
        url="/me/",
        organization=tree["A"],
    )


def test_unread_count_in_the_header_and_the_inbox(login, personas, note):
    page = login(personas["alice"]).get(reverse("notifications:index"))
    html = page.content.decode()
    assert 'id="unread-count"' in html and "有一项整改事项已超期" in html
    other = login(personas["charlie"]).get(reverse("notifications:index")).content.decode()
    assert "有一项整改事项已超期" not in other and 'id="unread-count"' not in other


def test_opening_marks_read_and_follows_the_link(login, personas, note):
    response = login(personas["alice"]).post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/me/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_elsewhere_is_not_followed(login, personas, note):
    note.url = "https://evil.example.com/"
    note.save()
    response = login(personas["alice"]).post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:index")


def test_someone_elses_notification_is_404(login, personas, note):
    client = login(personas["office"])
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all_touches_only_ones_own(login, personas, note):
    theirs = Notification.objects.create(recipient=personas["bob"], event="x", key="k2", title="t")
    login(personas["alice"]).post(reverse("notifications:read-all"))
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_saved_per_event_and_channel(login, personas):
    client = login(personas["bob"])
    response = client.post(
        reverse("notifications:preferences"),
        {
            "phone": "138 0013 8000",
            "quiet_from": "21:30",
            "quiet_until": "07:00",
            "hours_short:sms": "on",
            "hours_short:email": "on",
        },
    )
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=personas["bob"])
    assert prefs.phone == "13800138000"
    assert prefs.channels["hours_short"] == ["email", "sms"]
    assert prefs.channels["ballot_open"] == []


def test_bad_phone_and_half_quiet_hours_keep_what_was_typed(login, personas):
    client = login(personas["bob"])
    response = client.post(
        reverse("notifications:preferences"),
        {"phone": "12345", "wecom_userid": "BobLi", "quiet_from": "22:00", "quiet_until": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入11位手机号码" in html and "免打扰时段请同时填写" in html
    assert 'value="BobLi"' in html
    assert not Preferences.objects.filter(user=personas["bob"]).exists()


def test_a_user_without_address_is_told_in_app_only(login, personas):
    html = login(personas["bob"]).get(reverse("notifications:preferences")).content.decode()
    assert 'id="in-app-only"' in html


def test_a_user_with_an_email_and_mail_set_up_is_not(login, personas, settings):
    settings.EMAIL_HOST = "127.0.0.1"
    personas["bob"].email = "bob@example.org"
    personas["bob"].save()
    html = login(personas["bob"]).get(reverse("notifications:preferences")).content.decode()
    assert 'id="in-app-only"' not in html


def test_delivery_log_for_the_office_only(login, personas, note):
    Delivery.objects.create(
        notification=note,
        channel="sms",
        address="13800138000",
        status="failed",
        last_error="服务商拒绝（错误码 isv.MOBILE_NUMBER_ILLEGAL）",
        next_attempt_at=timezone.now(),
    )
    html = login(personas["office"]).get(reverse("notifications:log")).content.decode()
    assert "isv.MOBILE_NUMBER_ILLEGAL" in html
    for name in ("leader", "alice", "bob", "liaison"):
        assert login(personas[name]).get(reverse("notifications:log")).status_code == 404


def test_retry_a_failed_delivery(login, personas, note):
    failed = Delivery.objects.create(
        notification=note,
        channel="sms",
        address="13800138000",
        status="failed",
        attempts=5,
        next_attempt_at=timezone.now(),
    )
    login(personas["office"]).post(reverse("notifications:retry", args=[failed.pk]))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)


def test_unit_admin_adds_a_robot_for_their_unit_only(login, personas, tree, settings):
    settings.VANGUARD_DINGTALK_API = "https://oapi.dingtalk.com"
    client = login(personas["alice"])
    url = reverse("notifications:robots")
    webhook = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    refused = client.post(
        url, {"organization": tree["B"].pk, "channel": "dingtalk_robot", "webhook": webhook}
    )
    assert refused.status_code == 200 and not GroupRobot.objects.exists()
    client.post(
        url, {"organization": tree["A"].pk, "channel": "dingtalk_robot", "webhook": webhook}
    )
    robot = GroupRobot.objects.get()
    assert robot.organization == tree["A"]
    assert (
        login(personas["charlie"])
        .post(reverse("notifications:robot-toggle", args=[robot.pk]))
        .status_code
        == 404
    )


def test_a_robot_pointing_elsewhere_is_refused(login, personas, tree):
    response = login(personas["alice"]).post(
        reverse("notifications:robots"),
        {"organization": tree["A"].pk, "channel": "wecom_robot", "webhook": "http://10.0.0.1/hook"},
    )
    assert "请粘贴企业微信或钉钉" in response.content.decode()
    assert not GroupRobot.objects.exists()


def test_the_robot_secret_is_never_shown(login, personas, tree):
    GroupRobot.objects.create(
        organization=tree["A"],
        channel="dingtalk_robot",
        webhook="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="SECvery-secret",
    )
    html = login(personas["alice"]).get(reverse("notifications:robots")).content.decode()
    assert "SECvery-secret" not in html
