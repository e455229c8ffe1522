"""Each channel against its provider's stand-in (or a real SMTP server): success, the
provider's refusal, a timeout, retries with back-off and the final failure."""

from datetime import time, timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from tests.conftest import make_user
from vanguard.notifications import channels, delivery
from vanguard.notifications.models import Channel, Delivery, DeliveryStatus, Notification


@pytest.fixture
def notification(db, settings):
    settings.VANGUARD_PUBLIC_URL = "https://dangjian.example.org"
    user = make_user("zhang")
    return Notification.objects.create(
        recipient=user, event="item_due", key="k1", title="整改事项7天后到期", url="/me/"
    )


def deliver_via(notification, channel, address):
    item = Delivery.objects.create(
        notification=notification, channel=channel, address=address, next_attempt_at=timezone.now()
    )
    return delivery.attempt(item)


def test_email_reaches_a_real_smtp_server(notification, smtp):
    sent = deliver_via(notification, Channel.EMAIL, "zhang@example.org")
    assert sent.status == DeliveryStatus.SENT
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["zhang@example.org"]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert "整改事项7天后到期" in mail["Subject"]
    assert "https://dangjian.example.org/me/" in mail.get_content()


def test_email_server_down_is_retried_then_fails(notification, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    item = deliver_via(notification, Channel.EMAIL, "zhang@example.org")
    assert item.status == DeliveryStatus.RETRYING
    assert item.attempts == 1 and item.last_error
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        item = delivery.attempt(item, now=item.next_attempt_at)
    assert item.status == DeliveryStatus.FAILED
    assert item.attempts == delivery.MAX_ATTEMPTS


def test_backoff_grows():
    waits = [delivery.backoff(n) for n in range(1, delivery.MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)


def test_wecom_app_message(notification, providers):
    sent = deliver_via(notification, Channel.WECOM, "ZhangSan")
    assert sent.status == DeliveryStatus.SENT
    [call] = providers.calls("/cgi-bin/message/send")
    assert call["body"]["touser"] == "ZhangSan"
    assert call["body"]["agentid"] == 1000002
    assert "整改事项7天后到期" in call["body"]["text"]["content"]


def test_wecom_expired_token_is_refreshed_once(notification, providers):
    providers.script["/cgi-bin/message/send"].append({"errcode": 42001, "errmsg": "expired"})
    sent = deliver_via(notification, Channel.WECOM, "ZhangSan")
    assert sent.status == DeliveryStatus.SENT
    assert len(providers.calls("/cgi-bin/gettoken")) == 2


def test_wecom_rate_limit_is_retried(notification, providers):
    providers.script["/cgi-bin/message/send"].append({"errcode": 45009, "errmsg": "api freq"})
    item = deliver_via(notification, Channel.WECOM, "ZhangSan")
    assert item.status == DeliveryStatus.RETRYING
    assert "45009" in item.last_error
    assert delivery.attempt(item, now=item.next_attempt_at).status == DeliveryStatus.SENT


def test_wecom_wrong_secret_fails_with_the_providers_reason(notification, providers, settings):
    settings.VANGUARD_WECOM_SECRET = "wrong"
    item = deliver_via(notification, Channel.WECOM, "ZhangSan")
    assert item.status == DeliveryStatus.FAILED
    assert "40001" in item.last_error and "invalid credential" in item.last_error


def test_dingtalk_work_notice(notification, providers):
    assert deliver_via(notification, Channel.DINGTALK, "manager4220").status == "sent"
    [call] = providers.calls("/topapi/message/corpconversation/asyncsend_v2")
    assert call["body"]["userid_list"] == "manager4220"
    assert call["body"]["msg"]["msgtype"] == "text"


def test_dingtalk_robot_is_signed(notification, providers):
    from tests.notifications.fakes import ROBOT_SECRET
    from vanguard.notifications.models import GroupRobot

    webhook = f"{providers.base}/robot/send?access_token=abc"
    GroupRobot.objects.create(
        organization=_org(), channel=Channel.DINGTALK_ROBOT, webhook=webhook, secret=ROBOT_SECRET
    )
    assert deliver_via(notification, Channel.DINGTALK_ROBOT, webhook).status == "sent"
    [call] = providers.calls("/robot/send")
    assert call["query"]["access_token"] == "abc" and call["query"]["sign"]


def test_dingtalk_robot_with_a_wrong_secret_fails(notification, providers):
    from vanguard.notifications.models import GroupRobot

    webhook = f"{providers.base}/robot/send?access_token=abc"
    GroupRobot.objects.create(
        organization=_org(), channel=Channel.DINGTALK_ROBOT, webhook=webhook, secret="SECwrong"
    )
    item = deliver_via(notification, Channel.DINGTALK_ROBOT, webhook)
    assert item.status == DeliveryStatus.FAILED
    assert "310000" in item.last_error


def test_dingtalk_robot_too_fast_is_retried(notification, providers):
    webhook = f"{providers.base}/robot/send?access_token=abc"
    providers.script["/robot/send"].append({"errcode": 130101, "errmsg": "send too fast"})
    item = deliver_via(notification, Channel.DINGTALK_ROBOT, webhook)
    assert item.status == DeliveryStatus.RETRYING


def test_wecom_robot(notification, providers):
    webhook = f"{providers.base}/cgi-bin/webhook/send?key=robot-key"
    assert deliver_via(notification, Channel.WECOM_ROBOT, webhook).status == "sent"
    [call] = providers.calls("/cgi-bin/webhook/send")
    assert call["body"] == {"msgtype": "text", "text": {"content": call["body"]["text"]["content"]}}


def test_robot_webhook_elsewhere_is_refused_without_a_request(notification, providers):
    item = deliver_via(notification, Channel.WECOM_ROBOT, "http://169.254.169.254/latest/")
    assert item.status == DeliveryStatus.FAILED
    assert providers.requests == []


def test_sms_is_signed_as_the_provider_documents(notification, providers):
    assert deliver_via(notification, Channel.SMS, "13800138000").status == "sent"
    [call] = providers.calls("/")
    assert call["query"]["PhoneNumbers"] == "13800138000"
    assert call["query"]["TemplateCode"] == "SMS_1"
    assert "整改事项" in call["query"]["TemplateParam"]


def test_sms_refused_number_is_final(notification, providers):
    item = deliver_via(notification, Channel.SMS, "12345")
    assert item.status == DeliveryStatus.FAILED
    assert "isv.MOBILE_NUMBER_ILLEGAL" in item.last_error


@pytest.mark.parametrize("answer", ["timeout", 502])
def test_sms_timeout_or_server_error_is_retried(notification, providers, answer):
    providers.script["/"].append(answer)
    item = deliver_via(notification, Channel.SMS, "13800138000")
    assert item.status == DeliveryStatus.RETRYING
    assert item.next_attempt_at > timezone.now()


def test_a_channel_down_leaves_the_others_alone(notification, providers, smtp):
    providers.script["/"].extend(["timeout"])
    sms = deliver_via(notification, Channel.SMS, "13800138000")
    mail = deliver_via(notification, Channel.EMAIL, "zhang@example.org")
    assert (sms.status, mail.status) == (DeliveryStatus.RETRYING, DeliveryStatus.SENT)


def test_quiet_hours_hold_personal_channels(notification, providers):
    from vanguard.notifications.models import Preferences

    Preferences.objects.create(
        user=notification.recipient, quiet_from=time(22), quiet_until=time(7)
    )
    late = timezone.make_aware(timezone.datetime(2024, 5, 20, 23, 30))
    item = Delivery.objects.create(
        notification=notification, channel=Channel.SMS, address="13800138000", next_attempt_at=late
    )
    held = delivery.attempt(item, now=late)
    assert held.status == DeliveryStatus.PENDING and held.attempts == 0
    assert timezone.localtime(held.next_attempt_at).hour == 7
    assert providers.requests == []
    assert delivery.attempt(held, now=held.next_attempt_at).status == DeliveryStatus.SENT


def test_rate_limit_defers_without_counting_an_attempt(notification, providers, settings):
    settings.VANGUARD_NOTIFY_RATES = {"sms": 1}
    first = deliver_via(notification, Channel.SMS, "13800138000")
    second = deliver_via(notification, Channel.SMS, "13900139000")
    assert first.status == DeliveryStatus.SENT
    assert second.status == DeliveryStatus.PENDING and second.attempts == 0


def test_unconfigured_channels_are_not_offered(settings):
    settings.VANGUARD_SMS_ACCESS_KEY_ID = ""
    assert not channels.configured(Channel.SMS)


def _org():
    from vanguard.orgs.models import Organization, OrgKind

    return Organization.objects.add_root(dict(code="R", name="局党委", kind=OrgKind.COMMITTEE))
