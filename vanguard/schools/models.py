"""Schools' Party work in the campaign (五.1(4)二, 五.3(3); issue 20).

- 三培养 as schools mean it (`TrainingRecord`): a person on one of the template's
  `training_tracks` (把骨干教师培养成党员, 把党员培养成骨干教师, 把党员骨干培养成管理干部), from a
  start date to an outcome. The activist → member pipeline of `rectification.Cultivation`
  stays as it is.
- 党员先锋岗 (`VanguardPost`): a post created by a unit, held by its members for a term,
  assessed with one of the template's `post_grades` once the term has ended.
- The four roles of teacher members (`RoleCommitment`, `RoleRecord`): a teacher member
  commits to some of the template's `teacher_roles` and records what they did during the
  campaign.

Each part exists in a campaign whose template names its vocabulary (`schools.parts`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Enrollment
from vanguard.orgs.models import Member


class TrainingOutcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    STOPPED = "stopped", _("Stopped")


class TrainingRecord(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="trainings"
    )
    track = models.CharField(_("track"), max_length=50)  # a template training_tracks code
    name = models.CharField(_("name"), max_length=50)
    member = models.ForeignKey(
        Member,
        verbose_name=_("Party member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        help_text=_("Empty for a teacher who is not a Party member yet."),
    )
    position = models.CharField(_("post"), max_length=100, blank=True)
    mentor = models.CharField(_("mentor"), max_length=50, blank=True)
    started_on = models.DateField(_("started on"))
    goal = models.TextField(_("goal"), blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=TrainingOutcome.choices,
        default=TrainingOutcome.IN_PROGRESS,
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("three trainings record")
        verbose_name_plural = _("three trainings records")
        ordering = ["enrollment", "track", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome_on__isnull=True)
                | models.Q(outcome_on__gte=models.F("started_on")),
                name="training_outcome_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.track}"


class VanguardPost(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="vanguard_posts"
    )
    title = models.CharField(_("post"), max_length=200)
    duties = models.TextField(_("duties and pledge"), blank=True)
    starts_on = models.DateField(_("set up on"))
    ends_on = models.DateField(_("term ends on"))
    holders = models.ManyToManyField(
        Member, verbose_name=_("held by"), related_name="vanguard_posts"
    )
    grade = models.CharField(_("assessment"), max_length=50, blank=True)  # post_grades code
    assessment = models.TextField(_("assessment remarks"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[holders])

    class Meta:
        verbose_name = _("Party member vanguard post")
        verbose_name_plural = _("Party member vanguard posts")
        ordering = ["enrollment", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="vanguard_post_term_ordered",
            ),
        ]

    def __str__(self):
        return self.title


class RoleCommitment(models.Model):
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="role_commitments",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("teacher member"),
        on_delete=models.PROTECT,
        related_name="role_commitments",
    )
    role = models.CharField(_("role"), max_length=50)  # a template teacher_roles code
    pledge = models.TextField(_("commitment"))
    made_on = models.DateField(_("committed on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teacher member's role commitment")
        verbose_name_plural = _("teacher members' role commitments")
        ordering = ["enrollment", "member", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "member", "role"], name="one_commitment_per_role"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.role}"


class RoleRecord(models.Model):
    commitment = models.ForeignKey(
        RoleCommitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    done_on = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role record")
        verbose_name_plural = _("role records")
        ordering = ["commitment", "done_on", "pk"]

    def __str__(self):
        return f"{self.commitment} · {self.done_on:%Y-%m-%d}"
