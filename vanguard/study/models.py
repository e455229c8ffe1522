"""学习动员 (五.1): study sessions and their attendance, the collective study log, the
leader cadres' study notes, a unit's own reading material, the 五个一 of each member,
leaders' 三进 visits, and the 党章知识竞赛 (quiz).

A member's concentrated study hours are the credited hours of the sessions they attended
(present or late). They are derived from attendance only; `MemberHours` keeps each member's
sum per campaign so that pages over thousands of members read one row each instead of
adding up hundreds of thousands of marks. Every change of attendance or of a session's
hours refreshes it (`vanguard.study.hours.refresh_member_hours`), and `refresh_study_hours`
rebuilds it from the marks.

Who was expected at a session is the set of its attendance rows. They are created for
every member of the session's organisation subtree the first time the roll is taken or a
member checks in (a snapshot of the unit at the time of the session); a roll-call saved
later adds members who joined since, and never drops anyone, so a member who moved to
another unit keeps the sessions they attended.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.orgs.models import Member, Organization
from vanguard.uploads import validate_evidence_file, validate_study_material

CHECKIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen
CHECKIN_CODE_LENGTH = 6


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


# Late counts as present for hours and 参学率; leave does not.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class UnitMaterial(models.Model):
    """An auxiliary reading a unit adds to the template's reading list (五.1(4)一)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    file = models.FileField(
        _("file"), upload_to="study/materials/%Y/", blank=True, validators=[validate_evidence_file]
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit reading material")
        verbose_name_plural = _("unit reading materials")
        ordering = ["enrollment", "added_at"]

    def __str__(self):
        return self.title


class StudySession(models.Model):
    """A concentrated study session (集中学习, 党课, 动员大会 …) held by a unit (R7)."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="study_sessions",
        help_text=_("The enrolled unit or one of its branches; its members are expected."),
    )
    kind = models.CharField(_("kind of session"), max_length=50)  # a template session_kinds code
    topic = models.CharField(_("topic"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=100, blank=True)
    host = models.CharField(_("chaired by"), max_length=100, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    hours = models.DecimalField(_("credited hours"), max_digits=4, decimal_places=1)
    template_materials = models.JSONField(_("reading list items"), default=list, blank=True)
    unit_materials = models.ManyToManyField(
        UnitMaterial, verbose_name=_("unit materials"), blank=True, related_name="sessions"
    )
    checkin_code = models.CharField(
        _("check-in code"), max_length=CHECKIN_CODE_LENGTH, default=new_checkin_code
    )
    roll_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("roll taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    roll_taken_at = models.DateTimeField(_("roll taken at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["checkin_code"])

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["date", "starts_at", "pk"]
        indexes = [models.Index(fields=["enrollment", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="study_session_times_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=Decimal(0)), name="study_session_hours_positive"
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"


class Attendance(models.Model):
    """One expected member's mark at one session.

    No per-row history table: a roll-call writes a whole session in bulk (a constant
    number of queries for any unit size), and its audit trail is the `RollCall` log, which
    keeps who saved the roll, when, and every mark it changed. A self check-in records its
    time in `checked_in_at`.
    """

    session = models.ForeignKey(
        StudySession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="study_attendances",
    )
    status = models.CharField(
        _("attendance"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.ABSENT,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "member__organization__path", "member__code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_mark_per_session"),
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self):
        return f"{self.session} · {self.member} · {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class MemberHours(models.Model):
    """A member's concentrated study hours in a campaign: the sum of the credited hours of
    the campaign's sessions they attended. Derived (see the module's notes); no history —
    the marks it is summed from are the record."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="study_hours")
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1)

    class Meta:
        verbose_name = _("study hours")
        verbose_name_plural = _("study hours")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="one_sum_per_member"),
        ]

    def __str__(self):
        return f"{self.member} · {self.hours}"


class RollCall(models.Model):
    """The audit log of attendance: one row each time a roll is saved or a member checks in.

    `changes` lists every mark written: `[member_id, old status or null, new status, reason]`.
    """

    session = models.ForeignKey(
        StudySession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="roll_calls"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"))
    self_checkin = models.BooleanField(_("self check-in"), default=False)
    changes = models.JSONField(_("changes"), default=list)

    class Meta:
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")
        ordering = ["session", "-taken_at"]

    def __str__(self):
        return f"{self.session} · {self.taken_at:%Y-%m-%d %H:%M}"


class SessionLog(models.Model):
    """The session's page of the unit's 党组织集体学习活动笔记本 (五.1(4)三)."""

    session = models.OneToOneField(
        StudySession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="log"
    )
    content = models.TextField(_("record of the session"))
    summary = models.TextField(_("summary"), blank=True)
    recorder = models.CharField(_("recorded by"), max_length=50, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collective study log entry")
        verbose_name_plural = _("collective study log entries")

    def __str__(self):
        return str(self.session)


class StudyNote(models.Model):
    """A page of a (leader cadre's) 学习笔记本, written by the member."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="study_notes"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="study_notes"
    )
    written_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    session = models.ForeignKey(
        StudySession,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
    )
    content = models.TextField(_("notes"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study note")
        verbose_name_plural = _("study notes")
        ordering = ["member", "written_on", "pk"]

    def __str__(self):
        return self.title


class FiveOneRecord(models.Model):
    """One of a member's 五个一 (三.2) marked done; the items are the template's `five_ones`."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="five_ones"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="five_ones"
    )
    item = models.CharField(_("item"), max_length=50)
    done_on = models.DateField(_("done on"))
    partner = models.CharField(_("partner"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("five ones record")
        verbose_name_plural = _("five ones records")
        ordering = ["member", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "item"], name="one_record_per_five_one"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.item}"


class LeaderVisit(models.Model):
    """A leader cadre's 三进 visit (三.4): to a school, a community or a family.

    `kind` is a code of the template's `leader_visit_kinds`; `activity` one of that kind's
    activities (听课, 谈心 …). The oversight module shows these for liaison-point units.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="leader_visits"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("leader cadre"),
        on_delete=models.PROTECT,
        related_name="leader_visits",
    )
    kind = models.CharField(_("kind of visit"), max_length=50)
    activity = models.CharField(_("activity"), max_length=100, blank=True)
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("unit visited"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader_visits",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leader's visit")
        verbose_name_plural = _("leaders' visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.visited_on:%Y-%m-%d} · {self.place}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Quiz(models.Model):
    """A 党章知识竞赛 (五.1(4)二): a question bank, a time limit, attempts by members.

    The members of `organization`'s subtree take part; results are ranked per enrolled unit.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="quizzes"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="quizzes",
    )
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=30)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="quiz_times_ordered"
            ),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("question type"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"))  # ["…", "…"]: option A, B, …
    answer = models.CharField(_("answer"), max_length=10)  # letters in order: "A", "ACD"
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1, default=1)
    explanation = models.TextField(_("explanation"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "number"], name="question_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:30]}"

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return [(chr(ord("A") + index), text) for index, text in enumerate(self.options)]


class QuizAttempt(models.Model):
    """A member's timed attempt. Answers arriving after `deadline` (plus a short grace for
    the network) are not accepted; an attempt never submitted scores zero once expired."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # {question id: "AC"}
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("full marks"), max_digits=6, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["quiz", "member", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "member", "number"], name="one_attempt_per_number"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} · {self.member} · {self.number}"


# -- 网络党校, 学习体会 and 调研文章, 讲师团 (五.1(4)二, issue 20) ------------------------------


class OnlineMaterialKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    VIDEO = "video", _("Video")


class OnlineMaterial(models.Model):
    """A material of the 网络党校: a document to read or a video to watch online.

    Uploaded by the campaign office for every unit (`enrollment` empty) or by a unit for
    its own members. `minutes` is the time it takes: no member is credited more than that
    for it, however long the page stays open. Withdrawn, it is no longer offered; the time
    already spent on it still counts.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="online_materials",
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_materials",
        help_text=_("Empty: the office's material, for every unit."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=OnlineMaterialKind.choices)
    description = models.TextField(_("description"), blank=True)
    text = models.TextField(_("text to read"), blank=True)
    file = models.FileField(
        _("file"), upload_to="study/online/%Y/", blank=True, validators=[validate_study_material]
    )
    minutes = models.PositiveSmallIntegerField(
        _("time it takes (minutes)"),
        help_text=_("No member is credited more than this for the material."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("online study material")
        verbose_name_plural = _("online study materials")
        ordering = ["campaign", "-added_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="online_material_minutes_positive"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def seconds_cap(self) -> int:
        return self.minutes * 60


class OnlineProgress(models.Model):
    """The time a member spent on an online material, counted by the page's heartbeat
    (only while the page is visible and in use; `vanguard.study.online`). Written every
    half minute while a member reads, so no history table: `seconds` only ever grows."""

    material = models.ForeignKey(OnlineMaterial, on_delete=models.PROTECT, related_name="progress")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="online_progress")
    seconds = models.PositiveIntegerField(_("seconds"), default=0)
    first_at = models.DateTimeField(_("first opened"), auto_now_add=True)
    last_beat_at = models.DateTimeField(_("last active"), null=True, blank=True)

    class Meta:
        verbose_name = _("online study time")
        verbose_name_plural = _("online study time")
        constraints = [
            models.UniqueConstraint(
                fields=["material", "member"], name="one_progress_per_material"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.material} · {self.seconds}s"


class WritingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted by the unit")
    RECOMMENDED = "recommended", _("Recommended to the office")
    PUBLISHED = "published", _("Published in the column")


class Writing(models.Model):
    """A member's 学习体会 or 调研文章 (五.1(4)二: 交流…学习体会、调研文章).

    The member submits it; the unit returns it for revision or accepts it, and may
    recommend it to the office; the office publishes it in the campaign's public column
    (and may take it down again: it goes back to recommended).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="writings"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="writings"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("author"), on_delete=models.PROTECT, related_name="writings"
    )
    kind = models.CharField(_("kind"), max_length=50)  # a template writing_kinds code
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=12, choices=WritingStatus.choices, default=WritingStatus.SUBMITTED
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("recommended at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study writing")
        verbose_name_plural = _("study writings")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return self.title


class Lecturer(models.Model):
    """A member of the 讲师团 (五.1(4)二: 教育系统党风廉政建设讲师团), kept by the office."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="lecturers"
    )
    name = models.CharField(_("name"), max_length=50)
    affiliation = models.CharField(_("work unit and post"), max_length=200, blank=True)
    topics = models.TextField(_("topics offered"), blank=True)
    active = models.BooleanField(_("on the roster"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")
        ordering = ["campaign", "name", "pk"]

    def __str__(self):
        return self.name


class Lecture(models.Model):
    """A lecture a lecturer gave to a unit (党课辅导、专题讲座、先进事迹报告会), linked to the
    unit's study session it was part of."""

    lecturer = models.ForeignKey(
        Lecturer, verbose_name=_("lecturer"), on_delete=models.PROTECT, related_name="lectures"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="lectures"
    )
    kind = models.CharField(_("kind of lecture"), max_length=50)  # template lecture_kinds
    topic = models.CharField(_("topic"), max_length=200)
    given_on = models.DateField(_("date"))
    session = models.ForeignKey(
        StudySession,
        verbose_name=_("study session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lectures",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.lecturer} · {self.topic}"
