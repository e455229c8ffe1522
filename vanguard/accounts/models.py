"""Users and the roles they hold on organisation nodes.

A role granted on a node reaches the node's whole subtree. What each role may do is
decided in one place: `vanguard.accounts.access`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from vanguard.accounts.access import Scope


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # Who changed an account, and when (the password hash is not copied into the trail).
    history = HistoricalRecords(excluded_fields=["password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def access_scope(self, today: date | None = None) -> Scope:
        """This user's `Scope` outside a request (the background worker's jobs rebuild
        their owner's scope through it, without importing `accounts` from below it)."""
        from vanguard.accounts.access import Scope

        return Scope.for_user(self, today)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A sign-in stamps `last_login` only: no change of the account worth a history row
        # (the sign-in itself is in the login events).
        if set(kwargs.get("update_fields") or ()) == {"last_login"}:
            self.skip_history_when_saving = True
        try:
            super().save(*args, **kwargs)
        finally:
            self.__dict__.pop("skip_history_when_saving", None)


class Role(models.TextChoices):
    OFFICE = "office", _("Campaign office")
    LEADER = "leader", _("Leader")
    LIAISON = "liaison", _("Liaison officer")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")


class RoleGrant(models.Model):
    """A role held on an organisation node (and so on its subtree), optionally for a period.

    Members need no grant: a user linked to a `Member` sees themselves.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    starts_on = models.DateField(_("valid from"), null=True, blank=True)
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="one_grant_per_role_and_node"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class LoginEvent(models.Model):
    """A login, logout, failed or locked-out login on either login page (staff, admin).

    Kept for the office and the system administrators (`accounts/events/`); the failure
    counting that locks an account out is django-axes' own.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        FAILURE = "failure", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")

    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    username = models.CharField(_("username"), max_length=150, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_events",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    path = models.CharField(_("page"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
