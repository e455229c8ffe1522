"""Users and the roles they hold on organisation nodes.

A role granted on a node reaches the node's whole subtree. What each role may do is
decided in one place: `vanguard.accounts.access`.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # Who changed an account, and when (the password hash is not copied into the trail).
    history = HistoricalRecords(excluded_fields=["password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


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

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
