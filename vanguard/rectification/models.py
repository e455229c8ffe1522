"""整改提高 (五.3): rectification items at three levels, their progress notes and evidence,
public comments, practical deeds (办实事) and the long-term mechanisms (建立机制).

An item's source (an opinion, an appraisal conclusion, a liaison finding …) is a generic
relation, so this app imports no model of the apps that produce them; `source_text` keeps
a snapshot of what the source said when the item was made from it.

Every model keeps an audit trail except `PublicComment`: an anonymous comment must keep no
timestamp finer than the day, and a history table would record one.
"""

import secrets
from datetime import datetime, time

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization
from vanguard.uploads import validate_evidence_file

PUBLIC_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud safely


def new_public_id() -> str:
    """A random reference for the public site, so that no database id is published."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))


class Level(models.TextChoices):
    MEMBER = "member", _("Member's own")
    ORGANIZATION = "organization", _("Base organisation")
    BUREAU = "bureau", _("Bureau")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")
    REOPENED = "reopened", _("Reopened")


SOLVED = (Status.DONE, Status.VERIFIED)
OPEN = (Status.PLANNED, Status.IN_PROGRESS, Status.REOPENED)


class SourceKind(models.TextChoices):
    TYPED = "typed", _("Typed in")
    OPINION = "opinion", _("Opinion")
    APPRAISAL = "appraisal", _("Appraisal conclusion")
    FINDING = "finding", _("Liaison finding")
    PUBLIC_COMMENT = "public_comment", _("Public comment")
    OTHER = "other", _("Other record")


class RectificationItemQuerySet(models.QuerySet):
    @staticmethod
    def overdue_q(today) -> Q:
        """The one rule of "overdue": past its deadline and not solved (done or verified)."""
        return Q(deadline__lt=today) & ~Q(status__in=SOLVED)

    def overdue(self, today) -> "RectificationItemQuerySet":
        return self.filter(self.overdue_q(today))


class RectificationItem(models.Model):
    """One problem to rectify, with its measures, owner, deadline, status and progress."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_items",
        help_text=_("The enrolled unit the item rolls up into; empty for the bureau's items."),
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_items",
    )
    problem = models.TextField(_("problem"))
    source_kind = models.CharField(
        _("source"), max_length=20, choices=SourceKind.choices, default=SourceKind.TYPED
    )
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_text = models.TextField(_("what the source said"), blank=True)
    from_public = models.BooleanField(
        _("raised by the public"),
        default=False,
        help_text=_("Counts towards the share of the public's problems solved."),
    )
    measures = models.TextField(_("measures"), blank=True)
    responsible = models.ForeignKey(
        Member,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification_responsibilities",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text=_("Relative importance in the unit's progress; 1 for an ordinary item."),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    explanation = models.TextField(_("explanation to the public"), blank=True)
    explained_on = models.DateField(_("explained on"), null=True, blank=True)
    public_id = models.CharField(
        _("public reference"), max_length=12, unique=True, default=new_public_id, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["campaign", "enrollment", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="rectification_progress_at_most_100"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="rectification_weight_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=SOLVED) | Q(progress=100),
                name="rectification_solved_is_100",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.MEMBER, member__isnull=False)
                | (~Q(level=Level.MEMBER) & Q(member__isnull=True)),
                name="rectification_member_level_has_member",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.BUREAU, enrollment__isnull=True)
                | (~Q(level=Level.BUREAU) & Q(enrollment__isnull=False)),
                name="rectification_unit_levels_have_enrollment",
            ),
        ]

    def __str__(self):
        return self.problem[:60]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rectification:item", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_solved(self) -> bool:
        return self.status in SOLVED

    @property
    def is_members_own(self) -> bool:
        """A member's own item (access: the member and the readers of their organisation)."""
        return self.level == Level.MEMBER

    @property
    def is_bureaus(self) -> bool:
        """One of the bureau's own items (access: the campaign's staff readers)."""
        return self.level == Level.BUREAU

    def is_overdue(self, today) -> bool:
        return self.deadline is not None and self.deadline < today and not self.is_solved

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]


STATUS_CSS = {
    Status.PLANNED: "secondary",
    Status.IN_PROGRESS: "primary",
    Status.DONE: "info",
    Status.VERIFIED: "success",
    Status.REOPENED: "danger",
}


class ProgressNote(models.Model):
    """A dated note on an item's progress, with the percentage reached that day."""

    item = models.ForeignKey(
        RectificationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="notes"
    )
    noted_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-noted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="rectification_note_progress_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.noted_on} · {self.progress}%"


class PracticalDeed(models.Model):
    """办实事 (五.3(2)): a practical deed for rural (渔农村) schools, teachers and pupils."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practical_deeds",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("deed"), max_length=200)
    done_on = models.DateField(_("date"))
    beneficiary_school = models.CharField(_("school or community served"), max_length=200)
    beneficiaries = models.CharField(_("beneficiaries"), max_length=200)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), default=0)
    description = models.TextField(_("what was done"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("practical deed")
        verbose_name_plural = _("practical deeds")
        ordering = ["-done_on", "-pk"]

    def __str__(self):
        return self.title


def evidence_path(instance, filename):
    owner = f"items/{instance.item_id}" if instance.item_id else f"deeds/{instance.deed_id}"
    return f"rectification/{owner}/{filename}"


class EvidenceFile(models.Model):
    """A file showing an item's progress or a practical deed done."""

    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    deed = models.ForeignKey(
        PracticalDeed,
        verbose_name=_("practical deed"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
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
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, deed__isnull=True)
                | Q(item__isnull=True, deed__isnull=False),
                name="rectification_evidence_has_one_owner",
            ),
        ]

    def __str__(self):
        return self.title


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Shown")
    REJECTED = "rejected", _("Rejected")


class PublicComment(models.Model):
    """A comment of the public on a published item, shown once a moderator approves it.

    No IP address, no time of day: only what the commenter chose to give (a name, a way
    to reach them) and the day. Its history keeps every moderation; the row of its arrival
    is dated at midnight of the day it arrived, so the trail adds no time of day either.
    """

    item = models.ForeignKey(
        RectificationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("comment"))
    name = models.CharField(_("name (optional)"), max_length=50, blank=True)
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    posted_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_on = models.DateField(_("moderated on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["-posted_on", "-pk"]

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        if self._state.adding:
            # The history row of its arrival says the day only (see the docstring).
            day = self.posted_on or timezone.localdate()
            self._history_date = timezone.make_aware(datetime.combine(day, time.min))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rectification:item", args=[self.item_id]) + f"#comment-{self.pk}"

    @property
    def organization(self):
        """The unit answering for the comment (the item's): lets an item be made from it."""
        return self.item.organization

    @property
    def campaign(self):
        return self.item.campaign


# -- Long-term mechanisms (五.3(3)) ----------------------------------------------------------


class Rhythm(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    TERMLY = "termly", _("Each school term")
    YEARLY = "yearly", _("Yearly")


# The longest gap (days) between two occurrences that still keeps the rhythm.
RHYTHM_DAYS = {
    Rhythm.WEEKLY: 7,
    Rhythm.MONTHLY: 31,
    Rhythm.QUARTERLY: 92,
    Rhythm.TERMLY: 183,
    Rhythm.YEARLY: 366,
}


class Mechanism(models.Model):
    """A recurring activity a unit institutes (时事形势报告会, 谈心谈话 …), of the template's
    `mechanisms` vocabulary, with its rhythm."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="mechanisms"
    )
    kind = models.CharField(_("activity"), max_length=50)
    rhythm = models.CharField(_("rhythm"), max_length=20, choices=Rhythm.choices)
    description = models.TextField(_("how it works"), blank=True)
    responsible = models.ForeignKey(
        Member,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_on = models.DateField(_("instituted on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("long-term mechanism")
        verbose_name_plural = _("long-term mechanisms")
        ordering = ["enrollment", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"], name="rectification_one_mechanism_per_kind"
            ),
        ]

    def __str__(self):
        return self.kind


class Occurrence(models.Model):
    """What happened one time a mechanism's activity was held."""

    mechanism = models.ForeignKey(
        Mechanism, verbose_name=_("mechanism"), on_delete=models.CASCADE, related_name="occurrences"
    )
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    summary = models.TextField(_("what happened"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class Cultivation(models.Model):
    """三培养 (五.3(3)二): a person on the way from activist to probationary to full member."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=100, blank=True)
    activist_on = models.DateField(_("activist since"))
    probationary_on = models.DateField(_("probationary member since"), null=True, blank=True)
    formal_on = models.DateField(_("full member since"), null=True, blank=True)
    mentor = models.ForeignKey(
        Member,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person in the cultivation pipeline")
        verbose_name_plural = _("cultivation pipeline")
        ordering = ["organization", "activist_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probationary_on__isnull=True)
                | Q(probationary_on__gte=F("activist_on")),
                name="rectification_probationary_after_activist",
                violation_error_message=_(
                    "A probationary member is admitted after being an activist."
                ),
            ),
            models.CheckConstraint(
                condition=Q(formal_on__isnull=True)
                | Q(probationary_on__isnull=False, formal_on__gte=F("probationary_on")),
                name="rectification_formal_after_probationary",
                violation_error_message=_(
                    "A full member is first a probationary member, then a full member."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def stage(self) -> str:
        if self.formal_on:
            return Stage.FORMAL
        if self.probationary_on:
            return Stage.PROBATIONARY
        return Stage.ACTIVIST


class Stage(models.TextChoices):
    ACTIVIST = "activist", _("Activist")
    PROBATIONARY = "probationary", _("Probationary member")
    FORMAL = "formal", _("Full member")


class PartnerKind(models.TextChoices):
    STRUGGLING_STUDENT = "struggling_student", _("Struggling student")
    YOUNG_TEACHER = "young_teacher", _("Young teacher")
    NEEDY_TEACHER = "needy_teacher", _("Teacher in difficulty")
    COMMUNITY = "community", _("Member of the public")


class Pairing(models.Model):
    """结对 (五.3(3)三): a member paired with a struggling student or a young teacher."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    partner_kind = models.CharField(_("paired with"), max_length=30, choices=PartnerKind.choices)
    partner_name = models.CharField(_("partner"), max_length=50)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["organization", "member", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="rectification_pairing_dates_ordered",
                violation_error_message=_("A pairing ends after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.partner_name}"
