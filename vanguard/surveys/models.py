"""Public satisfaction surveys (群众满意度测评, R24): a unit's survey, its sampling frames, the
seeded draw, one-time invitation codes, the sealed pool and the anonymous responses.

Secrecy (`docs/secrecy.md`): the valid codes are kept as a set of keyed hashes with no
person (`ValidCode`); a response is sealed for the survey's tellers at submission
(`SealedResponse`) and published, shuffled, only when they open the pool at the close
(`Response`: no link to a code, person or user, no time, a random key, no history).
`FrameRow` holds personal data — only what delivery needs — and has no history table, so
that erasing contact details when a survey closes erases them everywhere.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Enrollment
from vanguard.surveys.sampling import ALGORITHM


class Method(models.TextChoices):
    """The template's `satisfaction.methods` (三.3)."""

    REPRESENTATIVES = "representatives", _("Representatives' appraisal")
    RANDOM_SAMPLE = "random_sample", _("Random sample of the public")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for responses")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Majority dissatisfied")
    NO_RESPONSES = "no_responses", _("No responses")
    # Below the template's minimum response rate or respondents: judged neither way.
    INVALID = "invalid", _("Invalid")


class Survey(models.Model):
    """One satisfaction survey of a unit by its upper level; a unit in 补课 gets another."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="surveys"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    questionnaire = models.JSONField(_("questionnaire"))
    public_key = models.CharField(_("tellers' public key"), max_length=64, blank=True)
    threshold = models.PositiveSmallIntegerField(_("tellers needed to open"), default=2)
    history = HistoricalRecords(excluded_fields=["questionnaire"])

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["enrollment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="survey_number_unique"),
            # A unit has at most one survey in preparation or open at a time.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=~Q(status="closed"),
                name="one_unfinished_survey_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.organization} · {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status == SurveyStatus.CLOSED


class Frame(models.Model):
    """A list of the public (抽样名单) or of representatives imported for a survey."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="frames"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    filename = models.CharField(_("file"), max_length=200)
    row_count = models.PositiveIntegerField(_("rows"))
    fingerprint = models.CharField(_("fingerprint (SHA-256)"), max_length=64)
    imported_on = models.DateField(_("imported on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sampling frame")
        verbose_name_plural = _("sampling frames")
        ordering = ["survey", "method"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "method"], name="one_frame_per_method"),
        ]

    def __str__(self):
        return f"{self.survey} · {self.get_method_display()}"


class FrameRow(models.Model):
    """One person of a frame: only what delivering an invitation needs. No history table:
    contact details are erased when the survey closes, and must not survive elsewhere."""

    frame = models.ForeignKey(
        Frame, verbose_name=_("sampling frame"), on_delete=models.CASCADE, related_name="rows"
    )
    number = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("name"), max_length=50)
    group = models.CharField(_("group"), max_length=30)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("delivery address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("frame row")
        verbose_name_plural = _("frame rows")
        ordering = ["frame", "number"]
        constraints = [
            models.UniqueConstraint(fields=["frame", "number"], name="frame_row_number_unique"),
        ]
        indexes = [models.Index(fields=["frame", "group"])]

    def __str__(self):
        return f"{self.number}: {self.name}"


class Draw(models.Model):
    """The seeded draw of a sample from a frame: announced first (seed, witnesses, size,
    strata — all fixed before anyone knows the result), then made."""

    frame = models.OneToOneField(
        Frame, verbose_name=_("sampling frame"), on_delete=models.CASCADE, related_name="draw"
    )
    algorithm = models.CharField(_("algorithm"), max_length=40, default=ALGORITHM)
    fingerprint = models.CharField(_("frame fingerprint (SHA-256)"), max_length=64)
    seed = models.CharField(_("seed"), max_length=200)
    seed_source = models.CharField(_("how the seed was made"), max_length=200)
    witnesses = models.TextField(_("witnesses"))
    size = models.PositiveIntegerField(_("sample size"))
    strata = models.JSONField(_("shares by group"), default=dict, blank=True)
    announced_on = models.DateField(_("seed announced on"))
    drawn_on = models.DateField(_("drawn on"), null=True, blank=True)
    selected_rows = models.JSONField(_("selected rows"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-announced_on"]

    def __str__(self):
        return f"{self.frame} · {self.seed}"

    @property
    def is_made(self) -> bool:
        return self.drawn_on is not None

    @property
    def witness_list(self) -> list[str]:
        return [name for name in self.witnesses.splitlines() if name.strip()]


class Channel(models.TextChoices):
    SLIP = "slip", _("Printed slip")
    SMS = "sms", _("Text message")


class Invitation(models.Model):
    """A person invited to answer, and when and how their code was delivered. The code is
    not kept here, not even as a hash: once slips and text messages are made, nothing
    says which code went to whom (`ValidCode`)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    frame_row = models.OneToOneField(
        FrameRow,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="invitation",
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    group = models.CharField(_("group"), max_length=30)
    issued_on = models.DateField(_("code issued on"), null=True, blank=True)
    channel = models.CharField(
        _("delivered by"), max_length=10, choices=Channel.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["survey", "method", "frame_row__number"]

    def __str__(self):
        return f"{self.survey} · {self.group}"


class ValidCode(models.Model):
    """The set of a survey's valid codes: the keyed hash of each code, with the method and
    group of the list it was issued from — and no person. Rows are written in random
    order under random keys, so neither says which invitation a code went to. `used`
    turns true in the transaction that seals the response; the database refuses a second
    use (the update only touches an unused row). No time, no history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="valid_codes"
    )
    digest = models.CharField(_("code (keyed hash)"), max_length=64, unique=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    group = models.CharField(_("group"), max_length=30)
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("valid code")
        verbose_name_plural = _("valid codes")

    def __str__(self):
        return str(self.id)


class SurveyTeller(models.Model):
    """A teller (监票人) of a survey, holding one share of the survey's private key (as for
    appraisal rounds, `vanguard.core.tellers`): the share is printed once on the
    teller's slip; the database keeps its SHA-256 digest only."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="tellers"
    )
    index = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    share_digest = models.CharField(_("share digest"), max_length=64, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("tellers")
        ordering = ["survey", "index"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "index"], name="survey_teller_number_once"),
        ]

    def __str__(self):
        return self.name


class SealedResponse(models.Model):
    """A response as submitted, encrypted to the survey's public key: the pool the tellers
    open when the survey closes. No code, no person, no time, a random key, no history;
    every box of a survey has the same length; the pool is deleted at the close."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    box = models.BinaryField(_("sealed box"))

    class Meta:
        verbose_name = _("sealed response")
        verbose_name_plural = _("sealed responses")

    def __str__(self):
        return str(self.id)


class Response(models.Model):
    """One anonymous response in the published list, written by the close from the opened
    pool in random order: no link to a code, person or user; no time; random key; no
    history. `method` and `group` let results be shown by group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    group = models.CharField(_("group"), max_length=30)
    overall = models.CharField(_("overall rating"), max_length=30)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        # By the random key: listing responses never shows the order they came in.
        ordering = ["id"]
        # The results count responses per survey, method, group and rating from this index
        # alone, without reading the rows' answers and comments (`results._response_counts`).
        indexes = [
            models.Index(
                fields=["survey", "method", "group", "overall"], name="surveys_response_counts"
            )
        ]

    def __str__(self):
        return str(self.id)
