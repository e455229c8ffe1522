"""State changes of satisfaction surveys: creating one, importing its frames, announcing and
making the draw, issuing codes, taking responses, closing it (and ordering 补课 when the
majority is dissatisfied), publishing results. Views and commands call these; tests call
them directly. Every refusal is a `ValidationError` (or `CodeRefused` for the public) with
a message for people."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from vanguard.accounts.access import Scope, require_acting
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.models import Enrollment, EnrollmentStatus
from vanguard.core import tellers
from vanguard.core.dates import format_date
from vanguard.surveys import frames, pool, results, sampling
from vanguard.surveys.models import (
    Channel,
    Draw,
    Frame,
    FrameRow,
    Invitation,
    Method,
    Outcome,
    Response,
    SealedResponse,
    Survey,
    SurveyStatus,
    SurveyTeller,
    ValidCode,
)
from vanguard.surveys.questions import Questionnaire, questionnaire_for

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to copy by hand
CODE_LENGTH = 12  # 60 bits
CODE_HASH_SALT = "vanguard.surveys.invitation-code"
COMMENT_MAX = 500
MIN_WITNESSES = 2
_BATCH = 2000


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# -- codes -------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed or scanned, without spaces and dashes, in capitals."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


def format_code(code: str) -> str:
    """K7PQM3XR9WTA → K7PQ-M3XR-9WTA: easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def hash_code(code: str) -> str:
    """The keyed hash stored instead of the code (HMAC-SHA256 keyed by the secret key)."""
    return salted_hmac(CODE_HASH_SALT, normalise_code(code), algorithm="sha256").hexdigest()


# -- surveys -----------------------------------------------------------------------------


def create_survey(
    enrollment: Enrollment, *, opens_on: date, closes_on: date, acting: Scope | None
) -> Survey:
    """A new survey of a unit, asking the campaign's questionnaire.

    Refused for a closed unit, while another survey of the unit is unfinished, and — when
    the unit has had a remedial cycle — for a survey opening before that cycle opened.
    """
    require_acting(acting, lambda scope: scope.can_run_survey(enrollment.organization))
    enrollment.campaign.check_writable()  # an ended campaign is read-only
    if enrollment.status == EnrollmentStatus.CLOSED:
        raise ValidationError(_("The unit's campaign is closed."))
    if closes_on < opens_on:
        raise ValidationError(_("The survey closes before it opens."))
    cycle = enrollment.remedial_cycles.order_by("-opened_on", "-number").first()
    if cycle is not None and opens_on < cycle.opened_on:
        raise ValidationError(
            _(
                "After the remedial cycle opened on %(date)s, a new survey opens on that day "
                "or later."
            )
            % {"date": format_date(cycle.opened_on)}
        )
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.surveys.exclude(status=SurveyStatus.CLOSED).exists():
            raise ValidationError(_("The unit already has a survey in preparation or open."))
        last = enrollment.surveys.order_by("-number").values_list("number", flat=True).first()
        return Survey.objects.create(
            enrollment=enrollment,
            number=(last or 0) + 1,
            opens_on=opens_on,
            closes_on=closes_on,
            questionnaire=questionnaire_for(enrollment.campaign.rules).to_dict(),
        )


def reschedule_survey(
    survey: Survey, *, opens_on: date, closes_on: date, acting: Scope | None
) -> Survey:
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    if survey.is_closed:
        raise ValidationError(_("The survey is closed."))
    if closes_on < opens_on:
        raise ValidationError(_("The survey closes before it opens."))
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.save(update_fields=["opens_on", "closes_on"])
    return survey


def _require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("The survey is no longer being prepared: its lists are fixed."))


def _require_method(survey: Survey, method: str) -> None:
    if method not in survey.enrollment.campaign.rules.satisfaction.methods:
        raise ValidationError(_("The campaign's template does not use this survey method."))


# -- frames ------------------------------------------------------------------------------


def import_frame(
    survey: Survey,
    method: str,
    file: IO[bytes],
    *,
    filename: str,
    today: date | None = None,
    acting: Scope | None,
) -> Frame:
    """Import a list for the survey; raises `WorkbookError` (nothing kept) when any row is
    wrong. A list of representatives invites everyone on it."""
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    _require_draft(survey)
    _require_method(survey, method)
    rows = frames.read_frame(file)
    return store_frame(survey, method, rows, filename=filename, today=today, acting=None)


def store_frame(
    survey: Survey,
    method: str,
    rows: list[sampling.FrameRow],
    *,
    filename: str,
    today: date | None = None,
    acting: Scope | None,
) -> Frame:
    """Keep checked rows as the survey's list for `method`, replacing an earlier list as
    long as no draw was announced from it and no code was issued."""
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    _require_draft(survey)
    _require_method(survey, method)
    with transaction.atomic():
        old = survey.frames.filter(method=method).first()
        if old is not None:
            _check_replaceable(old)
            old.delete()
        frame = Frame.objects.create(
            survey=survey,
            method=method,
            filename=filename[:200],
            row_count=len(rows),
            fingerprint=sampling.fingerprint(rows),
            imported_on=_today(today),
        )
        FrameRow.objects.bulk_create(
            [
                FrameRow(
                    frame=frame,
                    number=row.number,
                    name=row.name,
                    group=row.group,
                    phone=row.phone,
                    address=row.address,
                )
                for row in rows
            ],
            batch_size=_BATCH,
        )
        if method == Method.REPRESENTATIVES:
            _invite(survey, frame, frame.rows.order_by("number").values_list("pk", "group"))
    return frame


def _check_replaceable(frame: Frame) -> None:
    if Draw.objects.filter(frame=frame).exists():
        raise ValidationError(
            _("A draw was announced from this list: it can no longer be replaced.")
        )
    if frame.survey.invitations.filter(method=frame.method, issued_on__isnull=False).exists():
        raise ValidationError(_("Codes were issued from this list: it can no longer be replaced."))


def _invite(survey: Survey, frame: Frame, rows) -> int:
    """Invite the frame's rows given as (primary key, group) pairs."""
    invitations = [
        Invitation(survey=survey, frame_row_id=pk, method=frame.method, group=group)
        for pk, group in rows
    ]
    bulk_create_with_history(invitations, Invitation, batch_size=_BATCH)
    return len(invitations)


# -- the draw ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Announcement:
    seed: str
    seed_source: str
    witnesses: list[str]
    size: int
    strata: dict[str, str]  # group → share, as typed


def announce_draw(
    frame: Frame, announcement: Announcement, *, today: date | None = None, acting: Scope | None
) -> Draw:
    """Record the seed, its witnesses, the size and the strata before the draw: from then
    on the sample is fixed by the published frame fingerprint and these values."""
    require_acting(acting, lambda scope: scope.can_run_survey(frame.survey.enrollment.organization))
    frame.survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    survey = frame.survey
    _require_draft(survey)
    if frame.method != Method.RANDOM_SAMPLE:
        raise ValidationError(_("Representatives are all invited: their list is not drawn from."))
    if Draw.objects.filter(frame=frame).exists():
        raise ValidationError(_("A draw from this list is already announced."))
    witnesses = [name.strip() for name in announcement.witnesses if name.strip()]
    if len(witnesses) < MIN_WITNESSES:
        raise ValidationError(
            _("Name at least %(count)s witnesses of the seed.") % {"count": MIN_WITNESSES}
        )
    try:
        seed = sampling.check_seed(announcement.seed)
        _check_allocation(frame, announcement.size, announcement.strata)
    except sampling.DrawError as error:
        raise ValidationError(draw_error_message(error)) from error
    return Draw.objects.create(
        frame=frame,
        fingerprint=frame.fingerprint,
        seed=seed,
        seed_source=announcement.seed_source.strip(),
        witnesses="\n".join(witnesses),
        size=announcement.size,
        strata={sampling.normalise(g): str(s) for g, s in announcement.strata.items()},
        announced_on=_today(today),
    )


def _check_allocation(frame: Frame, size: int, strata: dict[str, str]) -> None:
    if size < 1:
        raise sampling.DrawError("bad_size")
    if not strata:
        if size > frame.row_count:
            raise sampling.DrawError("too_few_rows", size=size, available=frame.row_count)
        return
    available = dict(
        frame.rows.order_by().values_list("group").annotate(n=Count("pk")).values_list("group", "n")
    )
    sampling.allocate(size, strata, available)


def make_draw(draw: Draw, *, today: date | None = None, acting: Scope | None) -> Draw:
    """Draw the announced sample and invite everyone in it."""
    require_acting(
        acting, lambda scope: scope.can_run_survey(draw.frame.survey.enrollment.organization)
    )
    frame = draw.frame
    _require_draft(frame.survey)
    if draw.is_made:
        raise ValidationError(_("This draw is already made."))
    rows = list(frame.rows.order_by("number").values_list("number", "group"))
    spec = sampling.DrawSpec(seed=draw.seed, size=draw.size, strata=draw.strata or None)
    try:
        selected = sampling.draw(rows, draw.fingerprint, spec)
    except sampling.DrawError as error:
        raise ValidationError(draw_error_message(error)) from error
    with transaction.atomic():
        draw.selected_rows = selected
        draw.drawn_on = _today(today)
        draw.save(update_fields=["selected_rows", "drawn_on"])
        chosen = []
        for start in range(0, len(selected), 900):  # below SQLite's parameter limit
            numbers = selected[start : start + 900]
            chosen += (
                frame.rows.filter(number__in=numbers).order_by("number").values_list("pk", "group")
            )
        _invite(frame.survey, frame, chosen)
    return draw


def draw_error_message(error: sampling.DrawError) -> str:
    """A `DrawError` in words."""
    messages = {
        "empty_seed": lambda p: _("The seed is empty."),
        "seed_too_long": lambda p: _("The seed is too long: at most %(max)s characters.") % p,
        "bad_size": lambda p: _("The sample size must be a whole number of at least 1."),
        "too_few_rows": lambda p: (
            _("The list has %(available)s people: a sample of %(size)s cannot be drawn.") % p
        ),
        "bad_strata": lambda p: (
            _(
                "Write the shares as group=share, separated by commas, e.g. 学生家长=50, 教师=30 "
                "(“%(part)s” is not)."
            )
            % p
        ),
        "bad_share": lambda p: _("A share must be a positive number (“%(share)s” is not).") % p,
        "unknown_group": lambda p: _("Nobody on the list is in the group “%(group)s”.") % p,
        "stratum_too_small": lambda p: (
            _("The group “%(group)s” needs %(needed)s people but the list has only %(available)s.")
            % p
        ),
    }
    return messages[error.kind](error.params)


# -- invitations -------------------------------------------------------------------------


def issue_codes(
    survey: Survey,
    *,
    channel: str,
    method: str | None = None,
    reissue: bool = False,
    today: date | None = None,
    acting: Scope | None,
) -> list[tuple[Invitation, str]]:
    """New one-time codes for the survey's invitations; the codes are returned once (for
    the slips or the text-message list) and only the set of their keyed hashes is kept,
    with no person: `ValidCode` rows are written in random order under random keys.

    By default only invitations without a code get one. With `reissue`, every code of the
    chosen list (or of the survey) stops working and the chosen invitations get new ones —
    only while no code has been used, since nothing says who has answered. Text messages
    go only to invitations with a phone number.
    """
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    if survey.is_closed:
        raise ValidationError(_("The survey is closed."))
    chosen = survey.invitations.select_related("frame_row")
    if method:
        chosen = chosen.filter(method=method)
    with transaction.atomic():
        if reissue:
            codes = ValidCode.objects.filter(survey=survey)
            if method:
                codes = codes.filter(method=method)
            if ValidCode.objects.filter(survey=survey, used=True).exists():
                raise ValidationError(
                    _(
                        "Responses have come in: codes can no longer be issued again, since "
                        "nobody knows which code was used by whom."
                    )
                )
            codes.delete()
            chosen.update(issued_on=None, channel="")
        invitations = chosen.filter(issued_on__isnull=True)
        if channel == Channel.SMS:
            invitations = invitations.exclude(frame_row__phone="")
        issued = []
        today = _today(today)
        for invitation in invitations.order_by("method", "frame_row__number"):
            invitation.issued_on = today
            invitation.channel = channel
            issued.append((invitation, new_code()))
        valid = [
            ValidCode(survey=survey, digest=hash_code(code), method=inv.method, group=inv.group)
            for inv, code in issued
        ]
        secrets.SystemRandom().shuffle(valid)
        ValidCode.objects.bulk_create(valid, batch_size=_BATCH)
        bulk_update_with_history(
            [invitation for invitation, _code in issued],
            Invitation,
            fields=["issued_on", "channel"],
            batch_size=_BATCH,
        )
    return issued


# -- responding --------------------------------------------------------------------------


class CodeRefused(Exception):
    """A code that cannot be used; `reason` is unknown, not_open, expired or spent."""

    def __init__(self, reason: str, survey: Survey | None = None):
        self.reason = reason
        self.survey = survey
        super().__init__(reason)

    @property
    def message(self) -> str:
        if self.reason == "unknown":
            return _(
                "This code is not valid. Check it against your invitation: it has 12 letters "
                "and digits."
            )
        if self.reason == "not_open":
            return _("The survey is not open yet: it opens on %(date)s.") % {
                "date": format_date(self.survey.opens_on)
            }
        if self.reason == "expired":
            return _("This survey closed on %(date)s: the code can no longer be used.") % {
                "date": format_date(min(self.survey.closes_on, self.survey.closed_on or date.max))
            }
        return _("This code has already been used: each code answers once.")


def find_code(code: str, *, today: date | None = None) -> ValidCode:
    """The valid code typed, in one query; raises `CodeRefused` when it cannot be used
    today."""
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH:
        raise CodeRefused("unknown")
    valid = (
        ValidCode.objects.select_related("survey__enrollment__organization")
        .filter(digest=hash_code(normalised))
        .first()
    )
    if valid is None:
        raise CodeRefused("unknown")
    survey = valid.survey
    today = _today(today)
    if survey.status == SurveyStatus.CLOSED or today > survey.closes_on:
        raise CodeRefused("expired", survey)
    if survey.status == SurveyStatus.DRAFT or today < survey.opens_on:
        raise CodeRefused("not_open", survey)
    if valid.used:
        raise CodeRefused("spent", survey)
    return valid


@dataclass(frozen=True)
class Answers:
    overall: str
    graded: dict[str, str]
    comment: str = ""


def check_answers(questionnaire: Questionnaire, answers: Answers) -> None:
    """Refuse answers that are not the questionnaire's (forms check this first)."""
    if answers.overall not in {option.code for option in questionnaire.options}:
        raise ValidationError(_("Choose one of the overall ratings."))
    questions = {question.code for question in questionnaire.questions}
    grades = {grade.code for grade in questionnaire.grades}
    if set(answers.graded) - questions or set(answers.graded.values()) - grades:
        raise ValidationError(_("An answer is not one of the choices."))
    if len(answers.comment) > COMMENT_MAX:
        raise ValidationError(_("The comment is too long."))


def record_response(valid: ValidCode, answers: Answers) -> None:
    """Mark the code used and seal the answers for the survey's tellers, in one
    transaction: the sealed box holds the answers with the code's method and group, and
    nothing else. Two submissions of one code: the update only touches an unused code,
    so only the first gets through, also when both arrive at once."""
    survey = valid.survey
    questionnaire = Questionnaire.from_dict(survey.questionnaire)
    check_answers(questionnaire, answers)
    box = pool.seal(
        survey.public_key,
        pool.content(valid.method, valid.group, answers),
        pool.size(questionnaire, COMMENT_MAX),
    )
    with transaction.atomic():
        if not ValidCode.objects.filter(pk=valid.pk, used=False).update(used=True):
            raise CodeRefused("spent", survey)
        SealedResponse.objects.create(survey_id=valid.survey_id, box=box)


def submit_response(code: str, answers: Answers, *, today: date | None = None) -> None:
    record_response(find_code(code, today=today), answers)


# -- the tellers ---------------------------------------------------------------------------

TELLERS_NEEDED = 2


TellerSlip = tellers.TellerSlip


def appoint_tellers(
    survey: Survey, names, *, threshold: int = TELLERS_NEEDED, acting: Scope | None
) -> list[TellerSlip]:
    """Appoint the survey's tellers (监票人) and make its key: the public key is stored,
    the private key is split among the tellers (`threshold` of them open the responses at
    the close) and exists nowhere else. Returns each teller's slip, shown once. Possible
    until the first response."""
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    names = [name.strip() for name in names if name and name.strip()]
    if len(names) < 2:
        raise ValidationError(_("Appoint at least two tellers."))
    if len(names) > 9:
        raise ValidationError(_("Appoint at most nine tellers."))
    if len(set(names)) != len(names):
        raise ValidationError(_("Each teller is a different person."))
    if not 2 <= threshold <= len(names):
        raise ValidationError(
            _("Between 2 and %(count)s tellers must be needed to count.") % {"count": len(names)}
        )
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.is_closed:
            raise ValidationError(_("The survey is closed."))
        if ValidCode.objects.filter(survey=locked, used=True).exists():
            raise ValidationError(
                _("Responses have been sealed under the present tellers' key; it cannot change.")
            )
        public_key, shares = tellers.new_key(len(names), threshold)
        SurveyTeller.objects.filter(survey=locked).delete()  # kept in the history table
        for share, name in zip(shares, names, strict=True):
            SurveyTeller.objects.create(
                survey=locked, index=share.index, name=name, share_digest=share.digest
            )
        locked.public_key, locked.threshold = public_key, threshold
        locked.save(update_fields=["public_key", "threshold"])
    survey.public_key, survey.threshold = public_key, threshold
    return [
        TellerSlip(share.index, name, share.code) for share, name in zip(shares, names, strict=True)
    ]


def _shares_from(survey: Survey, typed) -> list[tellers.Share]:
    by_digest = {t.share_digest: t for t in survey.tellers.all()}
    shares: dict[int, tellers.Share] = {}
    for code in typed:
        if not (code or "").strip():
            continue
        share = tellers.parse_code(code)
        if share is None:
            raise ValidationError(_("A teller's code is mistyped: it has 27 letters and digits."))
        teller = by_digest.get(share.digest)
        if teller is None or teller.index != share.index:
            raise ValidationError(
                _("Code %(start)s… is not the code of a teller of this survey.")
                % {"start": "".join(ch for ch in code.upper() if ch.isalnum())[:3]}
            )
        shares[share.index] = share
    if len(shares) < survey.threshold:
        raise ValidationError(
            _("%(needed)s tellers must enter their codes; %(given)s did.")
            % {"needed": survey.threshold, "given": len(shares)}
        )
    return list(shares.values())


# -- opening, closing, publishing --------------------------------------------------------


def open_survey(survey: Survey, *, acting: Scope | None) -> Survey:
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Only a survey being prepared can be opened."))
    pending = Draw.objects.filter(frame__survey=survey, drawn_on__isnull=True).exists()
    if pending:
        raise ValidationError(_("Make the announced draw before opening the survey."))
    if not survey.invitations.exists():
        raise ValidationError(
            _("Nobody is invited yet: import the representatives or draw a sample first.")
        )
    if not survey.public_key:
        raise ValidationError(_("Appoint the survey's tellers before opening it."))
    survey.status = SurveyStatus.OPEN
    survey.save(update_fields=["status"])
    return survey


def close_survey(
    survey: Survey, teller_codes, *, today: date | None = None, acting: Scope | None
) -> Survey:
    """Close the survey: the tellers' codes rebuild its private key, every sealed response
    is opened, and the responses are written in random order as the published anonymous
    list, in one transaction that deletes the sealed pool; then the survey is judged by
    the template's rule. When the majority of valid responses is dissatisfied, the unit
    enters a remedial cycle (补课) unless one is open. Contact details are erased (the
    codes can no longer be used, so they are not needed). Once only."""
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    today = _today(today)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != SurveyStatus.OPEN:
            raise ValidationError(_("Only an open survey can be closed."))
        shares = _shares_from(locked, teller_codes)
        try:
            key = tellers.recover(locked.public_key, shares)
        except tellers.WrongSecret:
            raise ValidationError(
                _("These codes do not open the responses: check each code with its teller.")
            ) from None
        boxes = list(SealedResponse.objects.filter(survey=locked).values_list("box", flat=True))
        used = ValidCode.objects.filter(survey=locked, used=True).count()
        if len(boxes) != used:
            raise ValidationError(
                _(
                    "%(boxes)s sealed responses for %(used)s used codes: the close is stopped. "
                    "Tell the campaign office."
                )
                % {"boxes": len(boxes), "used": used}
            )
        try:
            opened = [pool.open_box(key, box) for box in boxes]
        except tellers.WrongSecret:
            raise ValidationError(
                _("A sealed response does not open: the close is stopped.")
            ) from None
        del key
        secrets.SystemRandom().shuffle(opened)
        Response.objects.bulk_create(
            [Response(survey=locked, **row) for row in opened], batch_size=_BATCH
        )
        _delete_pool(locked)
        enrollment = locked.enrollment
        counts = results.option_counts(locked)
        outcome = results.judge(
            enrollment.campaign.rules.satisfaction, counts, locked.invitations.count()
        )
        locked.status = SurveyStatus.CLOSED
        locked.outcome = outcome
        locked.closed_on = today
        locked.save(update_fields=["status", "outcome", "closed_on"])
        FrameRow.objects.filter(frame__survey=locked).update(phone="", address="")
        if outcome == Outcome.FAILED and not enrollment.remedial_cycles.filter(
            closed_on__isnull=True
        ):
            campaign_services.start_remedial(
                enrollment, reason=_remedial_reason(locked, counts), today=today, acting=None
            )
    vacuum_pool()
    survey.status, survey.outcome, survey.closed_on = locked.status, outcome, today
    return survey


def _delete_pool(survey: Survey) -> None:
    """Delete the survey's sealed responses so that their bytes do not stay in the file:
    SQLite overwrites deleted content (secure_delete); on PostgreSQL the pool's table is
    rewritten (`vacuum_pool`) once the close is committed."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    SealedResponse.objects.filter(survey=survey).delete()


def vacuum_pool() -> None:
    """Rewrite the pool's table on PostgreSQL (VACUUM FULL), so that no deleted sealed
    response stays in its pages. Outside any transaction only: a close made inside a
    caller's transaction leaves this to autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FULL) {SealedResponse._meta.db_table}")


def _remedial_reason(survey: Survey, counts: dict[str, int]) -> str:
    rule = survey.enrollment.campaign.rules.satisfaction
    dissatisfied = sum(counts.get(code, 0) for code in rule.dissatisfied)
    return _(
        "Satisfaction survey %(number)s closed on %(date)s: %(dissatisfied)s of %(total)s "
        "valid responses dissatisfied, more than half."
    ) % {
        "number": survey.number,
        "date": format_date(survey.closed_on),
        "dissatisfied": dissatisfied,
        "total": sum(counts.values()),
    }


def publish_results(survey: Survey, *, today: date | None = None, acting: Scope | None) -> Survey:
    """Show the results to the unit's own administrators and on the public site."""
    require_acting(acting, lambda scope: scope.can_run_survey(survey.enrollment.organization))
    survey.enrollment.campaign.check_writable()  # an ended campaign is read-only
    if not survey.is_closed:
        raise ValidationError(_("Results are published once the survey is closed."))
    if survey.published_on is None:
        survey.published_on = _today(today)
        survey.save(update_fields=["published_on"])
    return survey
