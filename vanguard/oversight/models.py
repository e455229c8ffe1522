"""Leadership and supervision of a campaign (notice 六, and the end of 五.3).

- Leading groups (R25): the bureau's and each unit's 领导小组 with its 组长, 副组长, 成员,
  办公室 and 办公室主任; the responsible "一把手" is marked.
- Liaison points (R26): each bureau leader follows one unit and one department.
- Liaison officers (R27): dispatched by the office per batch; the dispatch creates a
  dated liaison `RoleGrant`, so access begins and ends with the batch. Officers record
  supervision visits; each suggestion is tracked until the unit answers and the officer
  accepts.
- Publicity and commendation (R29): news and model members' deeds, reviewed before they
  are published; commendations of the template's kinds, nominated by units, reviewed and
  published by the office.
- Non-qualifying members (R23): a disposition case with education talks, a deadline to
  improve and the outcome. Who may see a case is decided in `vanguard.accounts.access` only.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.accounts.models import RoleGrant
from vanguard.campaigns.models import Batch, Campaign
from vanguard.orgs.models import Member, Organization
from vanguard.uploads import validate_evidence_file

# -- Leading groups (R25) ------------------------------------------------------------------


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy group leader")
    MEMBER = "member", _("Group member")
    OFFICE_DIRECTOR = "office_director", _("Director of the group's office")
    OFFICE_STAFF = "office_staff", _("Staff of the group's office")


# The order people are listed in: leaders first, then deputies, members, the office.
GROUP_ROLE_ORDER = {role: index for index, role in enumerate(GroupRole.values)}
# A bureau leader (局领导) is the bureau group's leader or a deputy (六.1, 六.2).
BUREAU_LEADER_ROLES = (GroupRole.LEADER, GroupRole.DEPUTY)


class LeadingGroup(models.Model):
    """The 领导小组 of the bureau (the campaign's organisation) or of one enrolled unit."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="leading_groups",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="leading_groups",
    )
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leading group")
        verbose_name_plural = _("leading groups")
        ordering = ["campaign", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="one_leading_group_per_unit"
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.name}"

    def get_absolute_url(self):
        return reverse("oversight:group", args=[self.pk])


class GroupMembership(models.Model):
    """A person's place in a leading group; `is_responsible` marks the 一把手."""

    group = models.ForeignKey(
        LeadingGroup,
        verbose_name=_("leading group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role in the group"), max_length=20, choices=GroupRole.choices)
    duty = models.CharField(_("post"), max_length=100, blank=True)
    is_responsible = models.BooleanField(_("responsible head"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leading group membership")
        verbose_name_plural = _("leading group memberships")
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="once_per_leading_group"),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(is_responsible=True),
                name="one_responsible_head_per_group",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_role_display()}"


# -- Liaison points (R26) ------------------------------------------------------------------


class PointKind(models.TextChoices):
    UNIT = "unit", _("Liaison-point unit")
    DEPARTMENT = "department", _("Liaison-point department")


class LiaisonPoint(models.Model):
    """A bureau leader's 联系点: one school or unit, and one department of the bureau."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="liaison_points",
    )
    leader = models.ForeignKey(
        Member, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison point")
        verbose_name_plural = _("liaison points")
        ordering = ["campaign", "leader", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "leader", "kind"], name="one_liaison_point_of_each_kind"
            ),
        ]

    def __str__(self):
        return f"{self.leader} · {self.get_kind_display()} · {self.organization}"


# -- Liaison officers (R27) ----------------------------------------------------------------


class LiaisonAssignment(models.Model):
    """The office's dispatch of a liaison officer to a unit for one batch.

    `grant` is the liaison `RoleGrant` this dispatch created, dated with the batch: it is
    what gives the officer access, and withdrawing the dispatch deletes it.
    """

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    grant = models.OneToOneField(
        RoleGrant,
        verbose_name=_("access grant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_assignment",
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dispatched_on = models.DateField(_("dispatched on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison officer assignment")
        verbose_name_plural = _("liaison officer assignments")
        ordering = ["batch__number", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "officer", "organization"], name="one_dispatch_per_unit_and_batch"
            ),
        ]

    def __str__(self):
        return f"{self.officer} → {self.organization} · {self.batch}"

    def state(self, today: date) -> str:
        """One of: withdrawn, pending (before its access starts), active, ended."""
        if self.withdrawn_on is not None or self.grant is None:
            return "withdrawn"
        if self.grant.starts_on is not None and today < self.grant.starts_on:
            return "pending"
        if self.grant.ends_on is not None and self.grant.ends_on < today:
            return "ended"
        return "active"

    def is_active(self, today: date) -> bool:
        """Whether the dispatch's grant gives access on `today`."""
        return self.state(today) == "active"


class SupervisionVisit(models.Model):
    """A liaison officer's 督导检查 of an assigned unit."""

    assignment = models.ForeignKey(
        LiaisonAssignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"))
    checked = models.TextField(_("what was checked"))
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.organization} · {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("oversight:visit", args=[self.pk])


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the unit's answer")
    ANSWERED = "answered", _("Answered, awaiting acceptance")
    RETURNED = "returned", _("Returned for a better answer")
    ACCEPTED = "accepted", _("Accepted")


# Statuses in which the unit owes an answer.
AWAITING_ANSWER = (SuggestionStatus.OPEN, SuggestionStatus.RETURNED)


class Suggestion(models.Model):
    """A suggestion made on a visit, followed until the unit answers and the officer accepts.

    It may become a rectification item: `rectification_item` then points to the item the
    rectification module created (a generic relation, so this app imports nothing of it).
    """

    visit = models.ForeignKey(
        SupervisionVisit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    text = models.TextField(_("suggestion"))
    answer_due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    answer = models.TextField(_("the unit's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("officer's note"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    item_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item_id = models.PositiveBigIntegerField(null=True, blank=True)
    rectification_item = GenericForeignKey("item_type", "item_id")
    converted_on = models.DateField(_("made a rectification item on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision suggestion")
        verbose_name_plural = _("supervision suggestions")
        ordering = ["answer_due_on", "pk"]
        indexes = [models.Index(fields=["status", "answer_due_on"])]

    def __str__(self):
        return Truncator(" ".join(self.text.split())).chars(80)

    def get_absolute_url(self):
        return reverse("oversight:suggestion", args=[self.pk])

    @property
    def awaits_answer(self) -> bool:
        return self.status in AWAITING_ANSWER

    def is_overdue(self, today: date) -> bool:
        return self.awaits_answer and self.answer_due_on < today


# -- Publicity and commendation (R29) ------------------------------------------------------


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    DEEDS = "deeds", _("Model member's deeds")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")


class Article(models.Model):
    """News of the campaign or a model member's deeds; public once the office publishes it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ArticleKind.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("model member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
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
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="news") | Q(member__isnull=False),
                name="deeds_name_their_member",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_on__isnull=False),
                name="published_articles_are_dated",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("oversight:article", args=[self.pk])


class CommendationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    APPROVED = "approved", _("Approved by the office")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PUBLISHED = "published", _("Published")


# Statuses that no longer hold a place: the same subject may be nominated again.
CLOSED_NOMINATION = (CommendationStatus.REJECTED, CommendationStatus.WITHDRAWN)


class Commendation(models.Model):
    """A nomination for one of the template's `commendation_kinds`, reviewed and published.

    The subject is a member or an organisation, as the kind's `subject` says.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("commendation"), max_length=50)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nominated_by_unit = models.ForeignKey(
        Organization, verbose_name=_("nominating unit"), on_delete=models.PROTECT, related_name="+"
    )
    citation = models.TextField(_("deeds"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommendationStatus.choices,
        default=CommendationStatus.NOMINATED,
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    nominated_on = models.DateField(_("nominated on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["kind", "-nominated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True, organization__isnull=False)
                | Q(member__isnull=False, organization__isnull=True),
                name="commendation_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind", "member"],
                condition=Q(member__isnull=False) & ~Q(status__in=CLOSED_NOMINATION),
                name="one_live_nomination_per_member",
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind", "organization"],
                condition=Q(organization__isnull=False) & ~Q(status__in=CLOSED_NOMINATION),
                name="one_live_nomination_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.kind_title} · {self.subject}"

    @property
    def subject(self):
        return self.member if self.member_id else self.organization

    @property
    def kind_title(self) -> str:
        try:
            return self.campaign.rules.label("commendation_kinds", self.kind)
        except KeyError:
            return self.kind


# -- Non-qualifying members (R23) ----------------------------------------------------------


class Outcome(models.TextChoices):
    TRANSFORMED = "transformed", _("Transformed into a qualified member")
    PROCEDURE = "procedure", _("Handled by the normal procedure")
    DISCIPLINE = "discipline", _("Disciplinary sanction")


class DispositionCaseQuerySet(models.QuerySet):
    def visible_to(self, scope) -> DispositionCaseQuerySet:
        """The cases `scope` may see; the rule is `Scope.disposition_filter` (accounts.access),
        applied by every view, export, search, template tag and the Django admin."""
        return self.filter(scope.disposition_filter())


class DispositionCase(models.Model):
    """A member who does not meet the standard (五.3 end): education, a deadline, an outcome.

    Who may see a case is decided in `vanguard.accounts.access` only
    (`DispositionCase.objects.visible_to(scope)`, `Scope.can_see_disposition_of`).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    reason = models.TextField(_("problems found"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    deadline_set_on = models.DateField(_("deadline set on"), null=True, blank=True)
    improve_by = models.DateField(_("to improve by"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome details"), blank=True)
    history = HistoricalRecords()

    objects = DispositionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("non-qualifying member case")
        verbose_name_plural = _("non-qualifying member cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True)
                | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="outcome_is_dated",
            ),
            models.CheckConstraint(
                condition=Q(improve_by__isnull=True, deadline_set_on__isnull=True)
                | Q(improve_by__isnull=False, deadline_set_on__isnull=False),
                name="deadline_is_dated",
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=Q(outcome=""),
                name="one_open_case_per_member",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.opened_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("oversight:disposition", args=[self.pk])

    @property
    def is_concluded(self) -> bool:
        return bool(self.outcome)


class DispositionTalk(models.Model):
    """An education talk with the member (多做教育工作), dated."""

    case = models.ForeignKey(
        DispositionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="talks"
    )
    held_on = models.DateField(_("held on"))
    talked_by = models.CharField(_("talk given by"), max_length=100)
    summary = models.TextField(_("summary"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("education talk")
        verbose_name_plural = _("education talks")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} · {self.talked_by}"


def duty_evidence_path(instance, filename):
    return f"leader-duties/{instance.campaign_id}/{instance.member_id}/{filename}"


class LeaderDutyRecord(models.Model):
    """What a leader cadre did for one item of the 三先 or of the 市委“十个一”规定 (三.4);
    `duty` is a code of the template's `leader_duties`. Corrected by a new record; a
    record is withdrawn, never deleted."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("leader cadre"),
        on_delete=models.PROTECT,
        related_name="duty_records",
    )
    duty = models.CharField(_("item"), max_length=50)
    done_on = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    evidence = models.FileField(
        _("evidence file"),
        upload_to=duty_evidence_path,
        validators=[validate_evidence_file],
        blank=True,
    )
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
        verbose_name = _("leader's duty record")
        verbose_name_plural = _("leaders' duty records")
        ordering = ["member", "duty", "-done_on", "-pk"]
        indexes = [models.Index(fields=["campaign", "member"])]

    def __str__(self):
        return f"{self.member} · {self.duty} · {self.done_on:%Y-%m-%d}"
