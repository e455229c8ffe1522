"""五.1(1) 摸清问题: "要摸清党员队伍的基本情况，特别是存在的突出问题".

A unit's profile of its membership (computed from the member data, `profile.py`, with what
the roster cannot tell entered by the unit under the template's headings) and its list of
突出问题, each linkable to the opinions, the 专题组织生活会 and the rectification items that
address it (through the registry's `problem_links.*` services; no import of those apps).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Enrollment


class UnitProfile(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="profile"
    )
    entered = models.JSONField(_("entered by the unit"), default=dict)  # heading code → text
    # The computed figures as confirmed (the members change; the confirmed picture stays).
    figures = models.JSONField(_("figures as confirmed"), default=dict)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit profile")
        verbose_name_plural = _("unit profiles")

    def __str__(self):
        return str(self.enrollment)


class Problem(models.Model):
    """One of the unit's 突出问题; withdrawn (kept) rather than deleted."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    heading = models.CharField(_("aspect"), max_length=50, blank=True)  # an `entered` code
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prominent problem")
        verbose_name_plural = _("prominent problems")
        ordering = ["enrollment", "pk"]

    def __str__(self):
        return self.title


class LinkKind(models.TextChoices):
    OPINION = "opinion", _("Opinion")
    MEETING = "meeting", _("Organisational-life meeting")
    ITEM = "item", _("Rectification item")


class ProblemLink(models.Model):
    """A problem addressed by an opinion, a meeting or a rectification item of the unit."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="links"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    linked_on = models.DateField(_("linked on"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem link")
        verbose_name_plural = _("problem links")
        ordering = ["problem", "kind", "pk"]

    def __str__(self):
        return f"{self.problem} · {self.kind} {self.object_id}"
