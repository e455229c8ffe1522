"""阶段总结与转段验收 and 简报/信息报送 (issue 18): what units report upward.

- `PhaseSummary`: one per enrolled unit and phase. The unit writes the text; the figures
  are a snapshot of the unit's stored verdicts taken at each submission; evidence files go
  with it. The liaison officer of the unit's batch or the office returns it with a comment
  or approves it; every decision is kept (`SummaryReview`).
- `Brief`: a unit's brief (title, text, pictures), reviewed by the office: returned or
  accepted, and an accepted brief may be published on the public site. Nothing is deleted:
  a unit withdraws a brief.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.uploads import validate_evidence_file, validate_image_file


class SummaryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for sign-off")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class PhaseSummary(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    phase_code = models.CharField(_("phase"), max_length=50)
    text = models.TextField(_("summary"))
    # The unit's figures when it last submitted: [{"title": …, "text": …, "level": …}].
    figures = models.JSONField(_("figures"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.SUBMITTED
    )
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase summary")
        verbose_name_plural = _("phase summaries")
        ordering = ["enrollment", "phase_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "phase_code"], name="one_summary_per_phase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.organization} · {self.phase_code}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:summary", args=[self.pk])

    @property
    def organization(self):
        return self.enrollment.organization


class SummaryReview(models.Model):
    """One decision on a summary: returned with a comment, or approved."""

    class Decision(models.TextChoices):
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    summary = models.ForeignKey(
        PhaseSummary, verbose_name=_("summary"), on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summary review")
        verbose_name_plural = _("summary reviews")
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.summary} · {self.decision}"


def summary_evidence_path(instance, filename) -> str:
    return f"summaries/{instance.summary.enrollment_id}/{instance.summary.phase_code}/{filename}"


class SummaryEvidence(models.Model):
    summary = models.ForeignKey(
        PhaseSummary, verbose_name=_("summary"), on_delete=models.PROTECT, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=summary_evidence_path, validators=[validate_evidence_file]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summary evidence file")
        verbose_name_plural = _("summary evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class BriefStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What counts towards the template's `[briefs] min_per_phase`.
COUNTED = (BriefStatus.ACCEPTED, BriefStatus.PUBLISHED)


class Brief(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    # The unit's phase when the brief was (last) submitted; "" before.
    phase_code = models.CharField(_("phase"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=BriefStatus.choices, default=BriefStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_on__isnull=False),
                name="published_briefs_are_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:brief", args=[self.pk])

    @property
    def organization(self):
        return self.enrollment.organization


def brief_picture_path(instance, filename) -> str:
    return f"briefs/{instance.brief.enrollment_id}/{instance.brief_id}/{filename}"


class BriefPicture(models.Model):
    brief = models.ForeignKey(
        Brief, verbose_name=_("brief"), on_delete=models.PROTECT, related_name="pictures"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    image = models.FileField(
        _("picture"), upload_to=brief_picture_path, validators=[validate_image_file]
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("brief picture")
        verbose_name_plural = _("brief pictures")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name
