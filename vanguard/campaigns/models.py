"""A campaign run from a template: batches, the units enrolled in them, each unit's phase
plan and step checklist.

The campaign keeps a snapshot of its template (`Campaign.template_data`) so that its rules
do not change when the template file does; `Campaign.rules` is that template.
"""

from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.template import CampaignTemplate
from vanguard.orgs.models import Organization
from vanguard.uploads import validate_evidence_file

if TYPE_CHECKING:
    from vanguard.accounts.access import Scope


class CampaignState(models.TextChoices):
    ACTIVE = "active", _("Running")
    ENDED = "ended", _("Ended")
    ARCHIVED = "archived", _("Archived")


class CampaignReadOnly(ValidationError):
    """A write refused because the campaign has ended or is archived (`check_writable`)."""


class Campaign(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("leading organisation"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    template_code = models.CharField(_("template"), max_length=50)
    template_data = models.JSONField(_("template snapshot"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Once ended (and later archived) the campaign is read-only everywhere: every service
    # writing its records calls `check_writable()`, and pages hide their forms when
    # `is_read_only`.
    state = models.CharField(
        _("state"), max_length=10, choices=CampaignState.choices, default=CampaignState.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["template_data"])

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def template(self) -> CampaignTemplate:
        """The campaign's template (the notice's phases, steps, thresholds, vocabularies)."""
        return CampaignTemplate.from_snapshot(self.template_data)

    @property
    def is_read_only(self) -> bool:
        return self.state != CampaignState.ACTIVE

    def check_writable(self) -> None:
        """The one check of a campaign's state: raise `CampaignReadOnly` (a
        ValidationError with the message for the user) once it has ended or is archived."""
        if self.state == CampaignState.ENDED:
            raise CampaignReadOnly(
                _("%(campaign)s ended on %(date)s; its records are read-only.")
                % {"campaign": self.title, "date": self.ended_on}
            )
        if self.state == CampaignState.ARCHIVED:
            raise CampaignReadOnly(
                _("%(campaign)s is archived (since %(date)s); its records are read-only.")
                % {"campaign": self.title, "date": self.archived_on}
            )

    def has_module(self, code: str) -> bool:
        """Whether the campaign's template enables the module `code` (issue 16)."""
        return self.rules.has_module(code)

    @property
    def rules(self) -> CampaignTemplate:
        """The older name of `template`, still used by most callers."""
        return self.template


class Batch(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The unit categories (the template's `unit_categories`) this batch is for; "enrol by
    # category" enrols the enrollable units of these categories.
    categories = models.JSONField(_("unit categories"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="batch_number_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="batch_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StoredTemplate(models.Model):
    """A template file the office uploaded through the browser, kept once it was checked
    without a problem (a file with problems is never stored). A campaign started from it
    keeps its own snapshot, so later uploads change no running campaign."""

    code = models.CharField(_("template"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("template text"))
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
        verbose_name = _("uploaded template")
        verbose_name_plural = _("uploaded templates")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    REMEDIAL = "remedial", _("Remedial cycle (补课)")
    CLOSED = "closed", _("Closed")


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def visible_to(self, scope: "Scope") -> "EnrollmentQuerySet":
        """The enrolled units whose pages `scope` reads as staff (accounts.access)."""
        return self.filter(scope.unit_filter())

    def covering(self, organization: Organization) -> "EnrollmentQuerySet":
        """The enrolments whose unit is `organization` or one of its ancestors (one per
        campaign): found by path in the database, not by loading every enrolment."""
        return self.filter(organization__path__in=organization.ancestor_paths())


class Enrollment(models.Model):
    """A unit (with its subtree) taking part in one batch of a campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="enrollments"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="enrollments"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ACTIVE,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolled unit")
        verbose_name_plural = _("enrolled units")
        ordering = ["batch__number", "organization__path"]
        constraints = [
            # A unit is in exactly one batch of a campaign (R4).
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="one_enrollment_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.batch}"

    def clean(self) -> None:
        if self.batch_id and self.campaign_id and self.batch.campaign_id != self.campaign_id:
            raise ValidationError({"batch": _("The batch belongs to another campaign.")})


class RemedialCycle(models.Model):
    """A redo (补课) of some steps, opened when the public is not satisfied with the unit.

    The office sets the cycle's dates; the reopened steps are due by its end.
    """

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="remedial_cycles",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    opened_on = models.DateField(_("opened on"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    step_codes = models.JSONField(_("steps to redo"), default=list)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remedial cycle")
        verbose_name_plural = _("remedial cycles")
        ordering = ["enrollment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "number"], name="remedial_cycle_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · 补课 {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class PhaseWindow(models.Model):
    """The dates a unit plans for one phase of the template, inside its batch (R5)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="phases"
    )
    phase_code = models.CharField(_("phase"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase window")
        verbose_name_plural = _("phase windows")
        ordering = ["enrollment", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "phase_code"], name="one_window_per_phase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase_code}: {self.starts_on} – {self.ends_on}"

    @property
    def days(self) -> int:
        """Length in days, counting both ends."""
        return (self.ends_on - self.starts_on).days + 1


class StepStatus(models.TextChoices):
    TODO = "todo", _("Not started")
    DOING = "doing", _("In progress")
    DONE = "done", _("Done")


class StepRecord(models.Model):
    """A unit's progress on one step of the template (R6)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="steps"
    )
    step_code = models.CharField(_("step"), max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.TODO
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "step_code"], name="one_record_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.step_code}"


def evidence_path(instance: "StepEvidence", filename: str) -> str:
    return (
        f"evidence/{instance.step_record.enrollment_id}/{instance.step_record.step_code}/{filename}"
    )


class StepEvidence(models.Model):
    step_record = models.ForeignKey(
        StepRecord, verbose_name=_("step"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=evidence_path, validators=[validate_evidence_file])
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
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class MemberGroupChoice(models.Model):
    """A unit's choice of a member's 分类指导 group (三.5) in a campaign, overriding the group
    computed from the member data (`campaigns.groups`). `group` is a code of the template's
    `member_groups` with a `match`."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="member_group_choices",
    )
    member = models.ForeignKey(
        "orgs.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="group_choices",
    )
    group = models.CharField(_("member group"), max_length=50)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_on = models.DateField(_("set on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member group choice")
        verbose_name_plural = _("member group choices")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"], name="one_group_choice_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.group}"


class GroupStepRecord(models.Model):
    """A member has taken one of their group's own steps (`MemberGroup.steps`, 三.5 分类指导)
    in a campaign. Withdrawn (kept), never deleted; at most one record in force per step."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="group_step_records",
    )
    member = models.ForeignKey(
        "orgs.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="group_step_records",
    )
    step_code = models.CharField(_("step"), max_length=50)
    done_on = models.DateField(_("done on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group step record")
        verbose_name_plural = _("group step records")
        ordering = ["member", "step_code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "step_code"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="one_group_step_record_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.step_code}"
