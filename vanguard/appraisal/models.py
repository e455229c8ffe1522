"""分析评议 (五.2): opinions and their feedback, talks, self-analyses, the special
organisational-life meeting, and the democratic appraisal by secret ballot.

Secrecy is built into the schema, not promised by the views:

- An **opinion** records the day it arrived (`received_on`, a date) and nothing finer: it
  has no creation timestamp, its primary key is random (no insertion order to compare
  with rows that do carry a time), and its audit trail starts at the first change made
  by staff — the creation is never written to the history table (see `Opinion.save`).
  An anonymous opinion stores no name, no contact and no IP address (a check constraint
  keeps the name and contact empty).
- A **ballot** is sealed the moment it is cast: encrypted to the round's public key
  (`SealedBallot`, a libsodium sealed box) whose private key exists only while the round's
  tellers (监票人) count — it is split among them (`Teller`, 2 of 3 by default, see
  `core/tellers.py` and `docs/secrecy.md`). The pool of sealed ballots has no voter
  column, a random key, no timestamp, no history; who voted is on the separate **roll**
  (`VoterRoll`), whose unique constraints refuse a second ballot in the database. At the
  count the sealed ballots are opened, shuffled and published as the anonymous list
  (`Ballot`, contents only) beside the sorted list of receipts (`BallotReceipt`); the pool
  is deleted. Nothing stored or published pairs a receipt with a content.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization

# Random keys of opinions stay below 2**31 so that any integer `object_id` of a generic
# relation (PositiveIntegerField included) can point at an opinion.
OPINION_ID_MAX = 2**31 - 1


def random_opinion_id() -> int:
    return secrets.randbelow(OPINION_ID_MAX) + 1


# -- opinions (R15, R16) -------------------------------------------------------------------


class Subject(models.TextChoices):
    MEMBER = "member", _("A member")
    UNIT = "unit", _("A unit")
    BUREAU = "bureau", _("The bureau")


class OpinionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Opinion(models.Model):
    """An opinion about a member, a unit or the bureau, routed to the unit that answers it."""

    id = models.IntegerField(primary_key=True, default=random_opinion_id, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=50)  # a code of opinion_channels
    subject = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("member concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions_about",
    )
    unit = models.ForeignKey(
        Organization,
        verbose_name=_("unit concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person_named = models.CharField(
        _("person named by the author"), max_length=50, blank=True
    )  # the public names a person; the unit links the member
    content = models.TextField(_("opinion"))
    received_on = models.DateField(_("received on"))  # the day only, never the time
    anonymous = models.BooleanField(_("anonymous"), default=True)
    author_name = models.CharField(_("author's name"), max_length=50, blank=True)
    author_contact = models.CharField(_("author's contact"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )  # the staff member who typed it in; empty for the public site
    receipt_digest = models.CharField(_("receipt digest"), max_length=64, unique=True)
    responsible_unit = models.ForeignKey(
        Organization,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="opinions_to_answer",
    )
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fed_back_on = models.DateField(_("fed back to the member on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["-received_on", "id"]
        indexes = [models.Index(fields=["campaign", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(author_name="", author_contact=""),
                name="anonymous_opinion_keeps_no_identity",
            ),
            models.CheckConstraint(
                condition=~models.Q(subject="member")
                | models.Q(member__isnull=False)
                | ~models.Q(person_named=""),
                name="opinion_about_member_names_one",
            ),
            models.CheckConstraint(
                condition=~models.Q(subject="unit") | models.Q(unit__isnull=False),
                name="opinion_about_unit_names_it",
            ),
        ]

    def __str__(self):
        return gettext("Opinion of %(date)s about %(about)s: %(excerpt)s") % {
            "date": date_format(self.received_on, "DATE_FORMAT"),
            "about": self.about_label,
            "excerpt": self.content[:30] + ("…" if len(self.content) > 30 else ""),
        }

    def save(self, *args, **kwargs):
        # The arrival of an opinion is recorded to the day only: its creation is never
        # written to the history table (which would record the exact time). Changes made
        # by staff afterwards are audited as usual.
        if self._state.adding and not hasattr(self, "skip_history_when_saving"):
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("appraisal:opinion", args=[self.pk])

    @property
    def organization(self) -> Organization:
        """The unit answering for the opinion: what other modules file it under."""
        return self.responsible_unit

    @property
    def about_label(self) -> str:
        if self.subject == Subject.MEMBER:
            return self.member.name if self.member_id else self.person_named
        if self.subject == Subject.UNIT:
            return self.unit.name
        return str(Subject.BUREAU.label)

    def channel_title(self, rules) -> str:
        try:
            return rules.label("opinion_channels", self.channel)
        except KeyError:
            return self.channel

    def is_overdue(self, today) -> bool:
        return self.status == OpinionStatus.OPEN and today > self.due_on

    @property
    def answered_late(self) -> bool:
        return self.answered_on is not None and self.answered_on > self.due_on


class TransferDirection(models.TextChoices):
    UP = "up", _("Up to the upper level")
    ACROSS = "across", _("Across to another unit")


class OpinionTransfer(models.Model):
    """ "Not ours": an opinion passed up or across to another unit, with the reason."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("opinion"), on_delete=models.CASCADE, related_name="transfers"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=TransferDirection.choices)
    from_unit = models.ForeignKey(
        Organization, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Organization, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    transferred_on = models.DateField(_("passed on"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("passed on by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion passed on")
        verbose_name_plural = _("opinions passed on")
        ordering = ["opinion", "transferred_on", "pk"]

    def __str__(self):
        return f"{self.from_unit} → {self.to_unit}"


# -- talks, self-analysis, the special meeting (R17) ---------------------------------------


class Talk(models.Model):
    """A 谈心谈话 between two members."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="talks"
    )
    talked_on = models.DateField(_("date"))
    initiator = models.ForeignKey(
        Member, verbose_name=_("talked"), on_delete=models.PROTECT, related_name="talks_held"
    )
    partner = models.ForeignKey(
        Member, verbose_name=_("with"), on_delete=models.PROTECT, related_name="talks_received"
    )
    topic = models.CharField(_("topic"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-talked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(initiator=models.F("partner")), name="talk_between_two"
            ),
        ]

    def __str__(self):
        return f"{self.initiator} · {self.partner} · {self.topic}"


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


# A self-analysis the unit has in hand (to review or reviewed).
HANDED_IN = (AnalysisStatus.SUBMITTED, AnalysisStatus.ACCEPTED)


class SelfAnalysis(models.Model):
    """A member's 党性分析材料 for a campaign: draft → submitted → returned / accepted."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="self_analyses"
    )
    text = models.TextField(_("self-analysis"))
    status = models.CharField(
        _("status"), max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comments = models.TextField(_("comments of the unit"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-analysis")
        verbose_name_plural = _("self-analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"], name="one_self_analysis_per_member"
            ),
        ]

    def __str__(self):
        return gettext("Self-analysis of %(member)s") % {"member": self.member}

    def get_absolute_url(self):
        return reverse("appraisal:self-analysis", args=[self.campaign_id, self.member_id])

    @property
    def editable_by_member(self) -> bool:
        return self.status in (AnalysisStatus.DRAFT, AnalysisStatus.RETURNED)


class OrgLifeMeeting(models.Model):
    """The 专题组织生活会 of a unit (or of one of its branches)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="meetings"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    host = models.CharField(_("chaired by"), max_length=50, blank=True)
    attendees = models.ManyToManyField(
        Member, verbose_name=_("attendees"), related_name="org_life_meetings", blank=True
    )
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("special organisational-life meeting")
        verbose_name_plural = _("special organisational-life meetings")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return gettext("Special organisational-life meeting of %(unit)s on %(date)s") % {
            "unit": self.organization,
            "date": date_format(self.held_on, "DATE_FORMAT"),
        }

    def get_absolute_url(self):
        return reverse("appraisal:meeting", args=[self.pk])


class CriticismKind(models.TextChoices):
    SELF = "self", _("Self-criticism")
    CRITICISM = "criticism", _("Criticism")


class CriticismItem(models.Model):
    """One criticism or self-criticism of a member at the meeting."""

    meeting = models.ForeignKey(
        OrgLifeMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CriticismKind.choices)
    raised_by = models.ForeignKey(
        Member,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content = models.TextField(_("content"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criticism item")
        verbose_name_plural = _("criticism items")
        ordering = ["meeting", "member", "kind", "pk"]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()}"


# -- democratic appraisal (R18) ------------------------------------------------------------


class AppraisalRound(models.Model):
    """A unit's democratic appraisal, open for voting between two moments."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="rounds"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    sealed = models.BooleanField(_("sealed"), default=False)  # closed to votes, for good
    public_key = models.CharField(
        _("public key of the tellers"), max_length=64, blank=True
    )  # X25519, hex; its private key is split among the tellers
    threshold = models.PositiveSmallIntegerField(_("tellers needed to count"), default=2)
    counted_at = models.DateTimeField(_("ballots counted at"), null=True, blank=True)
    notice = models.TextField(_("notice of the results"), blank=True)
    published_on = models.DateField(_("notice published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal round")
        verbose_name_plural = _("appraisal rounds")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("appraisal:round", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.sealed and self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return self.sealed or (now or timezone.now()) >= self.closes_at

    @property
    def is_counted(self) -> bool:
        return self.counted_at is not None

    def state(self, now=None) -> str:
        """scheduled, open, closed (awaiting the tellers), counted or published."""
        if self.published_on:
            return "published"
        if self.counted_at:
            return "counted"
        if self.is_closed(now):
            return "closed"
        return "open" if self.is_open(now) else "scheduled"


class Candidate(models.Model):
    """A member graded in a round (and so a voter in it): the unit at the round's opening."""

    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="candidates"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member appraised")
        verbose_name_plural = _("members appraised")
        ordering = ["round", "member__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="candidate_once_per_round"),
        ]

    def __str__(self):
        return str(self.member)


class GuestCode(models.Model):
    """A one-time code for a voter who is not a member. Only a hash of the code is kept."""

    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="codes"
    )
    digest = models.CharField(_("code digest"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("one-time voting code")
        verbose_name_plural = _("one-time voting codes")

    def __str__(self):
        return f"{self.round} · {self.digest[:8]}"


class VoterRoll(models.Model):
    """That a member (or the holder of a code) has voted in a round — not how.

    The unique constraints are what refuse a second ballot, also under concurrent
    submissions. No timestamp and no history: the roll says who voted, never when.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="roll"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    guest_code = models.OneToOneField(  # one use per code
        GuestCode,
        verbose_name=_("one-time code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="use",
    )

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_ballot_per_member"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, guest_code__isnull=True)
                | models.Q(member__isnull=True, guest_code__isnull=False),
                name="roll_entry_is_a_member_or_a_code",
            ),
        ]

    def __str__(self):
        return str(self.member or self.guest_code)


class Teller(models.Model):
    """A teller (监票人) of a round, holding one share of the round's private key.

    The share itself is printed once on the teller's slip and never stored; the database
    keeps its SHA-256 digest only, to tell a teller at the count that their code is wrong.
    """

    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="tellers"
    )
    index = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    share_digest = models.CharField(_("share digest"), max_length=64, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("tellers")
        ordering = ["round", "index"]
        constraints = [
            models.UniqueConstraint(fields=["round", "index"], name="teller_number_once_per_round"),
        ]

    def __str__(self):
        return self.name


class SealedBallot(models.Model):
    """A cast ballot, encrypted to the round's public key: the pool the tellers open at the
    count. No voter, no time, a random key, no history; every box of a round has the same
    length (the content is padded), and the pool is deleted when the ballots are counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    box = models.BinaryField(_("sealed box"))

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self):
        return str(self.id)


class Ballot(models.Model):
    """A counted ballot in the published list: the grade given to each member of the round,
    and nothing else — no receipt (receipts are published apart, `BallotReceipt`).

    `grades` maps a member's id (as text) to a grade code. Written by the count in random
    order under random keys, and listed by key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="ballots"
    )
    grades = models.JSONField(_("grades"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]

    def __str__(self):
        return str(self.id)


class BallotReceipt(models.Model):
    """A receipt in the published list of a counted round: proves that a ballot was
    counted, never which one. As many receipts as ballots; listed in code order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="receipts"
    )
    receipt = models.CharField(_("receipt"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        ordering = ["receipt"]

    def __str__(self):
        return self.receipt


class AppraisalConclusion(models.Model):
    """The unit's 评议意见 on one member after the round: a grade and the problems found."""

    round = models.ForeignKey(
        AppraisalRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="conclusions",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="appraisal_conclusions",
    )
    grade = models.CharField(_("grade"), max_length=50)  # a code of appraisal_grades
    problems = models.TextField(_("problems found"), blank=True)
    concluded_on = models.DateField(_("concluded on"))
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal conclusion")
        verbose_name_plural = _("appraisal conclusions")
        ordering = ["round", "member__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_conclusion_per_member"),
        ]

    def __str__(self):
        return gettext("%(member)s: %(grade)s (%(round)s)") % {
            "member": self.member.name,
            "grade": self.grade_title,
            "round": self.round.title,
        }

    def get_absolute_url(self):
        return reverse("appraisal:conclusions", args=[self.round_id]) + f"#member-{self.member_id}"

    @property
    def grade_title(self) -> str:
        try:
            return self.round.campaign.rules.label("appraisal_grades", self.grade)
        except KeyError:
            return self.grade
