"""What people are told: notifications, their deliveries per channel, and each user's choices.

A `Notification` is the in-app message (the notification centre); each channel it goes out
on (email, WeCom, DingTalk, SMS, a unit's group robot) is one `Delivery` with its own
status, attempts and last error — the delivery log the office reads.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Organization


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    SMS = "sms", _("SMS")
    WECOM_ROBOT = "wecom_robot", _("WeCom group robot")
    DINGTALK_ROBOT = "dingtalk_robot", _("DingTalk group robot")


PERSONAL_CHANNELS = (Channel.EMAIL, Channel.WECOM, Channel.DINGTALK, Channel.SMS)
ROBOT_CHANNELS = (Channel.WECOM_ROBOT, Channel.DINGTALK_ROBOT)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # A person of the public (a survey's sample), reached by text message only.
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    event = models.CharField(_("event"), max_length=50)
    key = models.CharField(_("occurrence"), max_length=200)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, null=True, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same occurrence never notifies the same person twice.
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=models.Q(recipient__isnull=False),
                name="one_notification_per_key",
            ),
            models.UniqueConstraint(
                fields=["phone", "key"],
                condition=models.Q(recipient__isnull=True),
                name="one_public_notification_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(phone=""),
                name="notification_has_a_recipient",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Deliveries to attempt now: waiting or retrying, their time come."""
        return self.filter(
            status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING), next_attempt_at__lte=now
        )


class Delivery(models.Model):
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-next_attempt_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "address"], name="one_delivery_per_channel"
            ),
        ]

    def __str__(self):
        return f"{self.notification} · {self.get_channel_display()}"


class Preferences(models.Model):
    """A user's delivery choices: where to reach them, and when not to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        blank=True,
        help_text=_("For text messages; empty = the phone of your member record, if any."),
    )
    wecom_userid = models.CharField(_("WeCom user ID"), max_length=64, blank=True)
    dingtalk_userid = models.CharField(_("DingTalk user ID"), max_length=64, blank=True)
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True, default=time(22))
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True, default=time(7))
    # {event code: [channel, …]}; an event absent here uses the defaults (in-app + email).
    channels = models.JSONField(_("channels per event"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


class GroupRobot(models.Model):
    """A unit's WeCom or DingTalk group robot: events about the unit are posted there too."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(
        _("kind"),
        max_length=20,
        choices=[(c.value, c.label) for c in ROBOT_CHANNELS],
    )
    webhook = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk robots with 加签 security: the secret starting with SEC."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self):
        return f"{self.organization} · {self.get_channel_display()}"
