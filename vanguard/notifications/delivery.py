"""From found events to sent messages: notifications, their deliveries, the attempts.

`notify(campaign, dues)` stores the in-app notifications (one per person and occurrence,
never two) and plans a delivery per channel the recipient chose and can be reached on;
`attempt(delivery)` sends one, respecting the recipient's quiet hours and the channel's
rate limit, and on failure retries with back-off until it gives up with the provider's
reason. Both run in the background worker (`tasks.py`), never in a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.accounts.models import User
from vanguard.core.registry import Due
from vanguard.notifications import channels
from vanguard.notifications.models import (
    PERSONAL_CHANNELS,
    ROBOT_CHANNELS,
    Channel,
    Delivery,
    DeliveryStatus,
    GroupRobot,
    Notification,
    Preferences,
)
from vanguard.orgs.models import Member

DEFAULT_CHANNELS = (Channel.EMAIL,)
MAX_ATTEMPTS = 5


def chosen_channels(preferences: Preferences | None, event: str) -> list[str]:
    """The personal channels a user chose for an event (in-app is always on)."""
    if preferences is None or event not in preferences.channels:
        return list(DEFAULT_CHANNELS)
    return [c for c in preferences.channels[event] if c in PERSONAL_CHANNELS]


def addresses(user: User, preferences: Preferences | None, phone: str) -> dict[str, str]:
    """Where a user can be reached, per personal channel the site has configured."""
    found = {
        Channel.EMAIL: user.email,
        Channel.SMS: (preferences.phone if preferences else "") or phone,
        Channel.WECOM: preferences.wecom_userid if preferences else "",
        Channel.DINGTALK: preferences.dingtalk_userid if preferences else "",
    }
    return {c: a for c, a in found.items() if a and channels.configured(c)}


def notify(campaign, event: str, found: Iterable[Due]) -> list[Notification]:
    """Store the notifications not stored yet and plan their deliveries; the new ones."""
    dues: dict[tuple[int | str, str], Due] = {
        (due.user_id or due.phone, due.key): due for due in found
    }
    if not dues:
        return []
    existing = {
        (recipient or phone, key)
        for recipient, phone, key in Notification.objects.filter(
            key__in={key for _recipient, key in dues}
        ).values_list("recipient_id", "phone", "key")
    }
    new = [
        Notification(
            recipient_id=due.user_id,
            phone="" if due.user_id else due.phone,
            event=event,
            key=due.key,
            campaign=campaign,
            organization_id=due.organization_id,
            title=due.title[:200],
            body=due.body,
            url=due.url,
        )
        for pair, due in dues.items()
        if pair not in existing
    ]
    with transaction.atomic():
        # PostgreSQL and SQLite ≥ 3.35 return the new keys.
        created = Notification.objects.bulk_create(new)
        Delivery.objects.bulk_create(plan(created))
    return created


def plan(notifications: list[Notification]) -> list[Delivery]:
    now = timezone.now()
    public = [n for n in notifications if n.recipient_id is None]
    notifications = [n for n in notifications if n.recipient_id is not None]
    deliveries = [
        Delivery(notification=n, channel=Channel.SMS, address=n.phone, next_attempt_at=now)
        for n in public
        if channels.configured(Channel.SMS)
    ]
    users = {n.recipient_id for n in notifications}
    prefs = {p.user_id: p for p in Preferences.objects.filter(user_id__in=users)}
    phones = dict(
        Member.objects.filter(user_id__in=users).exclude(phone="").values_list("user_id", "phone")
    )
    people = User.objects.in_bulk(users)
    robots = _robots({n.organization_id for n in notifications if n.organization_id})
    already_posted = set(
        Delivery.objects.filter(
            channel__in=ROBOT_CHANNELS, notification__key__in={n.key for n in notifications}
        ).values_list("notification__key", "address")
    )
    for notification in notifications:
        user = people[notification.recipient_id]
        preferences = prefs.get(user.pk)
        reachable = addresses(user, preferences, phones.get(user.pk, ""))
        for channel in chosen_channels(preferences, notification.event):
            if channel in reachable:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=channel,
                        address=reachable[channel],
                        next_attempt_at=now,
                    )
                )
        for robot in robots.get(notification.organization_id or 0, ()):
            # A unit's group hears of an occurrence once, whoever else is told.
            if (notification.key, robot.webhook) not in already_posted:
                already_posted.add((notification.key, robot.webhook))
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=robot.channel,
                        address=robot.webhook,
                        next_attempt_at=now,
                    )
                )
    return deliveries


def _robots(org_ids) -> dict[int, list[GroupRobot]]:
    found: dict[int, list[GroupRobot]] = {}
    for robot in GroupRobot.objects.filter(organization_id__in=org_ids, active=True):
        found.setdefault(robot.organization_id, []).append(robot)
    return found


# --- attempts ------------------------------------------------------------------------------


def quiet_until(preferences: Preferences | None, now: datetime) -> datetime | None:
    """The end of the recipient's quiet hours if `now` falls inside them, else None."""
    if preferences is None or preferences.quiet_from is None or preferences.quiet_until is None:
        return None
    local = timezone.localtime(now)
    start, end = preferences.quiet_from, preferences.quiet_until
    moment = local.time()
    inside = (start <= moment < end) if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends


def _rate_exceeded(channel: str, now: datetime) -> bool:
    limit = settings.VANGUARD_NOTIFY_RATES.get(channel)
    if not limit:
        return False
    key = f"notifications:rate:{channel}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, 120)
    return cache.incr(key) > limit


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(minutes=4 ** (attempts - 1))


def attempt(delivery: Delivery, now: datetime | None = None) -> Delivery:
    now = now or timezone.now()
    if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
        return delivery
    notification = delivery.notification
    if delivery.channel in PERSONAL_CHANNELS:
        # A person of the public (no account) gets the default quiet hours.
        preferences = (
            Preferences.objects.filter(user_id=notification.recipient_id).first()
            if notification.recipient_id is not None
            else Preferences()
        )
        later = quiet_until(preferences, now)
        if later:
            delivery.next_attempt_at = later
            delivery.save(update_fields=["next_attempt_at"])
            return delivery
    if _rate_exceeded(delivery.channel, now):
        delivery.next_attempt_at = now + timedelta(minutes=1)
        delivery.save(update_fields=["next_attempt_at"])
        return delivery
    secret = ""
    if delivery.channel == Channel.DINGTALK_ROBOT:
        robot = GroupRobot.objects.filter(webhook=delivery.address, active=True).first()
        secret = robot.secret if robot else ""
    message = channels.Message(
        title=notification.title, body=notification.body, link=absolute(notification.url)
    )
    delivery.attempts += 1
    try:
        if delivery.channel in ROBOT_CHANNELS and not channels.webhook_allowed(delivery.address):
            raise channels.DeliveryError(
                _("The webhook does not point at a configured provider."), retryable=False
            )
        channels.send(delivery.channel, delivery.address, secret, message)
    except channels.DeliveryError as exc:
        delivery.last_error = exc.reason
        if exc.retryable and delivery.attempts < MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        else:
            delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.last_error = ""
    delivery.save()
    return delivery


def absolute(url: str) -> str:
    base = settings.VANGUARD_PUBLIC_URL.rstrip("/")
    return f"{base}{url}" if url and base else url
