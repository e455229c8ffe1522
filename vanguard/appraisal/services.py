"""State changes of 分析评议: receiving, routing and answering opinions; recording talks,
self-analyses and the special meeting; running a democratic appraisal round.

Views and the demo call these; tests call them directly. A refused change raises
`ValidationError` with a message for the user, and writes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from vanguard.accounts.access import Scope, require_acting
from vanguard.appraisal import codes, rules
from vanguard.appraisal.models import (
    HANDED_IN,
    AnalysisStatus,
    AppraisalConclusion,
    AppraisalRound,
    Ballot,
    BallotReceipt,
    Candidate,
    CriticismItem,
    CriticismKind,
    GuestCode,
    Opinion,
    OpinionStatus,
    OpinionTransfer,
    OrgLifeMeeting,
    SealedBallot,
    SelfAnalysis,
    Subject,
    Talk,
    Teller,
    TransferDirection,
    VoterRoll,
)
from vanguard.campaigns import attribution, revision
from vanguard.campaigns.models import Campaign, Enrollment
from vanguard.core import tellers
from vanguard.orgs.models import Member, Organization

CREATE_ATTEMPTS = 5  # random keys and codes: retry on the (rare) collision
MAX_GUEST_CODES = 200


def _refuse(message: str):
    raise ValidationError(message)


def _within(org: Organization, top: Organization) -> bool:
    return org.is_in_subtree_of(top)


# -- opinions ------------------------------------------------------------------------------


@dataclass
class Received:
    opinion: Opinion
    receipt: str  # the code the author keeps; only its digest is stored


def responsible_unit_for(
    campaign: Campaign, subject: str, member: Member | None, unit: Organization | None
) -> Organization:
    """Where an opinion goes: the member's own organisation, the unit concerned, or the
    campaign's leading organisation for the bureau."""
    if subject == Subject.MEMBER and member is not None:
        return member.organization
    if subject in (Subject.MEMBER, Subject.UNIT):
        if unit is None:
            _refuse(_("Choose the unit the opinion concerns."))
        return unit
    return campaign.organization


def _may_enter(scope: Scope, unit: Organization | None, member: Member | None) -> bool:
    """Staff entering an opinion received on paper or by phone: about a unit or member they
    manage (an opinion about the bureau: anyone who manages something)."""
    if member is not None:
        return scope.can_manage_member(member)
    if unit is not None:
        return scope.can_manage_org(unit)
    return scope.manages_something


def receive_opinion(
    campaign: Campaign,
    *,
    channel: str,
    subject: str,
    content: str,
    member: Member | None = None,
    unit: Organization | None = None,
    person_named: str = "",
    anonymous: bool = True,
    author_name: str = "",
    author_contact: str = "",
    entered_by=None,
    received_on: date | None = None,
    acting: Scope | None,
) -> Received:
    """Record an opinion and route it; return it with its receipt code. The public channel
    is the system's (`acting=None`); staff entering one act with their scope.

    An anonymous opinion keeps no name and no contact, whatever was typed.
    """
    require_acting(acting, lambda scope: _may_enter(scope, unit, member))
    campaign.check_writable()  # an ended campaign is read-only
    template = campaign.rules
    if channel not in {item.code for item in template.opinion_channels}:
        _refuse(_("Unknown channel."))
    if subject not in Subject.values:
        _refuse(_("Say whom the opinion is about."))
    content = content.strip()
    if not content:
        _refuse(_("The opinion is empty."))
    if subject == Subject.MEMBER and member is None and not person_named.strip():
        _refuse(_("Name the person the opinion is about."))
    responsible = responsible_unit_for(campaign, subject, member, unit)
    if not _within(responsible, campaign.organization):
        _refuse(_("The unit is not part of this campaign."))
    received_on = received_on or timezone.localdate()
    fields = {
        "campaign": campaign,
        "channel": channel,
        "subject": subject,
        "member": member if subject == Subject.MEMBER else None,
        "unit": unit if subject in (Subject.MEMBER, Subject.UNIT) else None,
        "person_named": person_named.strip() if subject == Subject.MEMBER else "",
        "content": content,
        "received_on": received_on,
        "anonymous": anonymous,
        "author_name": "" if anonymous else author_name.strip(),
        "author_contact": "" if anonymous else author_contact.strip(),
        "entered_by": entered_by,
        "responsible_unit": responsible,
        "due_on": rules.due_date(received_on, template, responsible.category or None),
    }
    for attempt in range(CREATE_ATTEMPTS):
        receipt = codes.new_code(codes.RECEIPT_LENGTH)
        try:
            with transaction.atomic():
                opinion = Opinion.objects.create(receipt_digest=codes.digest(receipt), **fields)
        except IntegrityError:
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            continue
        return Received(opinion, codes.grouped(receipt))
    raise AssertionError("unreachable")


def find_by_receipt(code: str) -> Opinion | None:
    normalized = codes.normalize(code)
    if not codes.is_well_formed(normalized, codes.RECEIPT_LENGTH):
        return None
    return (
        Opinion.objects.select_related("campaign", "responsible_unit", "unit", "member")
        .filter(receipt_digest=codes.digest(normalized))
        .first()
    )


def pass_on(
    opinion: Opinion,
    *,
    direction: str,
    reason: str,
    user,
    to_unit: Organization | None = None,
    today: date | None = None,
    acting: Scope | None,
) -> OpinionTransfer:
    """ "Not ours": pass the opinion up to the upper level or across to another unit of the
    campaign. The answer deadline stays where it was."""
    require_acting(acting, lambda scope: scope.can_manage_org(opinion.responsible_unit))
    opinion.campaign.check_writable()  # an ended campaign is read-only
    if opinion.status != OpinionStatus.OPEN:
        _refuse(_("Only an opinion awaiting its answer can be passed on."))
    if not reason.strip():
        _refuse(_("Say why the opinion is not yours."))
    current = opinion.responsible_unit
    if direction == TransferDirection.UP:
        to_unit = Organization.objects.get_parent(current)
        if to_unit is None or not _within(to_unit, opinion.campaign.organization):
            _refuse(_("This opinion is already with the campaign's leading organisation."))
    elif direction == TransferDirection.ACROSS:
        if to_unit is None or not _within(to_unit, opinion.campaign.organization):
            _refuse(_("Choose a unit of this campaign."))
        if to_unit.pk == current.pk:
            _refuse(_("The opinion is already with this unit."))
    else:
        _refuse(_("Pass the opinion up or across."))
    with transaction.atomic():
        transfer = OpinionTransfer.objects.create(
            opinion=opinion,
            direction=direction,
            from_unit=current,
            to_unit=to_unit,
            reason=reason.strip(),
            transferred_on=today or timezone.localdate(),
            transferred_by=user,
        )
        opinion.responsible_unit = to_unit
        opinion.save(update_fields=["responsible_unit"])
    return transfer


def link_member(opinion: Opinion, member: Member, *, acting: Scope | None) -> Opinion:
    """The unit names the member an opinion concerns (the public names people freely)."""
    require_acting(acting, lambda scope: scope.can_manage_org(opinion.responsible_unit))
    if not _within(member.organization, opinion.responsible_unit):
        _refuse(_("The member is not in the responsible unit; pass the opinion on instead."))
    opinion.subject = Subject.MEMBER
    opinion.member = member
    if opinion.unit_id is None:
        opinion.unit = member.organization
    opinion.save(update_fields=["subject", "member", "unit"])
    return opinion


def answer_opinion(
    opinion: Opinion,
    *,
    text: str,
    user,
    on: date | None = None,
    today: date | None = None,
    acting: Scope | None,
) -> Opinion:
    """Record (or amend) the unit's answer, given on `on` (an answer entered after it was
    given on paper keeps its day); without `on`, the first answer dates it."""
    require_acting(acting, lambda scope: scope.can_manage_org(opinion.responsible_unit))
    opinion.campaign.check_writable()  # an ended campaign is read-only
    if opinion.status == OpinionStatus.CLOSED:
        _refuse(_("The opinion is closed."))
    if not text.strip():
        _refuse(_("The answer is empty."))
    if on is not None and on > (today or timezone.localdate()):
        _refuse(_("The date is in the future."))
    if on is not None and on < opinion.received_on:
        _refuse(_("The answer cannot precede the opinion."))
    opinion.answer = text.strip()
    opinion.answered_on = on or opinion.answered_on or today or timezone.localdate()
    opinion.answered_by = user
    opinion.status = OpinionStatus.ANSWERED
    opinion.save(update_fields=["answer", "answered_on", "answered_by", "status"])
    return opinion


def record_feedback(
    opinion: Opinion, *, on: date, today: date | None = None, acting: Scope | None
) -> Opinion:
    """The opinion was conveyed to the member concerned (五.2(2): 向党员本人进行反馈)."""
    require_acting(acting, lambda scope: scope.can_manage_org(opinion.responsible_unit))
    opinion.campaign.check_writable()  # an ended campaign is read-only
    if opinion.member_id is None:
        _refuse(_("Name the member concerned first."))
    if on > (today or timezone.localdate()):
        _refuse(_("The date of the feedback is in the future."))
    if on < opinion.received_on:
        _refuse(_("The feedback cannot precede the opinion."))
    opinion.fed_back_on = on
    opinion.save(update_fields=["fed_back_on"])
    return opinion


def close_opinion(opinion: Opinion, *, today: date | None = None, acting: Scope | None) -> Opinion:
    require_acting(acting, lambda scope: scope.can_manage_org(opinion.responsible_unit))
    opinion.campaign.check_writable()  # an ended campaign is read-only
    if opinion.status != OpinionStatus.ANSWERED:
        _refuse(_("Answer the opinion before closing it."))
    opinion.status = OpinionStatus.CLOSED
    opinion.closed_on = today or timezone.localdate()
    opinion.save(update_fields=["status", "closed_on"])
    return opinion


# -- talks, self-analysis, meeting ---------------------------------------------------------


def record_talk(
    enrollment: Enrollment,
    *,
    talked_on: date,
    initiator: Member,
    partner: Member,
    topic: str,
    summary: str = "",
    user=None,
    acting: Scope | None,
) -> Talk:
    require_acting(acting, lambda scope: scope.can_manage_org(enrollment.organization))
    enrollment.campaign.check_writable()  # an ended campaign is read-only
    if initiator.pk == partner.pk:
        _refuse(_("A talk is between two different members."))
    for member in (initiator, partner):
        if not _within(member.organization, enrollment.organization):
            _refuse(_("%(member)s is not a member of this unit.") % {"member": member})
    if not topic.strip():
        _refuse(_("Give the topic of the talk."))
    return Talk.objects.create(
        campaign=enrollment.campaign,
        enrollment=enrollment,
        talked_on=talked_on,
        initiator=initiator,
        partner=partner,
        topic=topic.strip(),
        summary=summary.strip(),
        recorded_by=user,
    )


def enrollment_of(campaign: Campaign, member: Member) -> Enrollment | None:
    """The enrolled unit of the campaign the member belongs to."""
    return (
        Enrollment.objects.filter(campaign=campaign)
        .covering(member.organization)
        .select_related("organization")
        .first()
    )


def save_self_analysis(
    campaign: Campaign,
    member: Member,
    *,
    text: str,
    submit: bool = False,
    today: date | None = None,
    acting: Scope | None,
) -> SelfAnalysis:
    """The member writes (or the unit enters a paper copy of) the self-analysis; while it is
    a draft or returned it may be changed, and `submit` hands it to the unit."""
    require_acting(acting, lambda scope: scope.can_act_for_member(member))
    campaign.check_writable()  # an ended campaign is read-only
    if enrollment_of(campaign, member) is None:
        _refuse(_("The member's unit does not take part in this campaign."))
    if submit and not text.strip():
        _refuse(_("An empty self-analysis cannot be submitted."))
    analysis = SelfAnalysis.objects.filter(campaign=campaign, member=member).first()
    if analysis is None:
        analysis = SelfAnalysis(campaign=campaign, member=member)
    elif not analysis.editable_by_member:
        _refuse(_("The self-analysis is with the unit and can no longer be changed."))
    analysis.text = text.strip()
    if submit:
        analysis.status = AnalysisStatus.SUBMITTED
        analysis.submitted_on = today or timezone.localdate()
    elif analysis.status != AnalysisStatus.RETURNED:
        analysis.status = AnalysisStatus.DRAFT
    analysis.save()
    return analysis


def review_self_analysis(
    analysis: SelfAnalysis,
    *,
    accept: bool,
    comments: str,
    user,
    today: date | None = None,
    acting: Scope | None,
) -> SelfAnalysis:
    """The unit accepts a submitted self-analysis, or returns it with its comments."""
    require_acting(acting, lambda scope: scope.can_manage_member(analysis.member))
    analysis.campaign.check_writable()  # an ended campaign is read-only
    if analysis.status != AnalysisStatus.SUBMITTED:
        _refuse(_("Only a submitted self-analysis can be reviewed."))
    if not accept and not comments.strip():
        _refuse(_("Say what should be revised."))
    analysis.status = AnalysisStatus.ACCEPTED if accept else AnalysisStatus.RETURNED
    analysis.comments = comments.strip()
    analysis.reviewed_on = today or timezone.localdate()
    analysis.reviewed_by = user
    analysis.save()
    return analysis


def _members_under(org: Organization, members: Iterable[Member]) -> list[Member]:
    members = list(members)
    outside = [m for m in members if not _within(m.organization, org)]
    if outside:
        _refuse(
            _("Not members of %(unit)s: %(names)s")
            % {"unit": org, "names": "、".join(m.name for m in outside)}
        )
    return members


def save_meeting(
    enrollment: Enrollment,
    *,
    organization: Organization,
    held_on: date,
    attendees: Iterable[Member],
    place: str = "",
    host: str = "",
    minutes: str = "",
    user=None,
    meeting: OrgLifeMeeting | None = None,
    acting: Scope | None,
) -> OrgLifeMeeting:
    """Record (or correct) a special organisational-life meeting and who attended."""
    require_acting(
        acting,
        lambda scope: (
            scope.can_manage_org(organization)
            and (meeting is None or scope.can_manage_org(meeting.organization))
        ),
    )
    enrollment.campaign.check_writable()  # an ended campaign is read-only
    if not _within(organization, enrollment.organization):
        _refuse(_("The meeting must be held by the unit or one of its branches."))
    attendees = _members_under(organization, attendees)
    if not attendees:
        _refuse(_("Mark who attended."))
    with transaction.atomic():
        meeting = meeting or OrgLifeMeeting(campaign=enrollment.campaign, enrollment=enrollment)
        meeting.organization = organization
        meeting.held_on = held_on
        meeting.place = place.strip()
        meeting.host = host.strip()
        meeting.minutes = minutes.strip()
        meeting.recorded_by = meeting.recorded_by or user
        meeting.save()
        meeting.attendees.set(attendees)
    return meeting


def add_criticism(
    meeting: OrgLifeMeeting,
    *,
    member: Member,
    kind: str,
    content: str,
    raised_by: Member | None = None,
    acting: Scope | None,
) -> CriticismItem:
    require_acting(acting, lambda scope: scope.can_manage_org(meeting.organization))
    meeting.campaign.check_writable()  # an ended campaign is read-only
    _members_under(meeting.organization, [member] + ([raised_by] if raised_by else []))
    if kind not in CriticismKind.values:
        _refuse(_("Choose criticism or self-criticism."))
    if kind == CriticismKind.SELF:
        raised_by = None
    elif raised_by is None or raised_by.pk == member.pk:
        _refuse(_("Say who raised the criticism."))
    if not content.strip():
        _refuse(_("The item is empty."))
    return CriticismItem.objects.create(
        meeting=meeting, member=member, kind=kind, content=content.strip(), raised_by=raised_by
    )


# -- democratic appraisal ------------------------------------------------------------------


def open_round(
    enrollment: Enrollment,
    *,
    organization: Organization,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    user=None,
    acting: Scope | None,
) -> AppraisalRound:
    """Set up a round: its members (the organisation's subtree, now) are both the voters
    and the members graded."""
    require_acting(acting, lambda scope: scope.can_manage_org(organization))
    enrollment.campaign.check_writable()  # an ended campaign is read-only
    if not _within(organization, enrollment.organization):
        _refuse(_("The round must be held by the unit or one of its branches."))
    if closes_at <= opens_at:
        _refuse(_("Voting must close after it opens."))
    members = list(Member.objects.within(organization))
    if not members:
        _refuse(_("%(unit)s has no members to appraise.") % {"unit": organization})
    with transaction.atomic():
        appraisal_round = AppraisalRound.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            organization=organization,
            title=title.strip() or _("Democratic appraisal of %(unit)s") % {"unit": organization},
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=user,
        )
        with revision.attributed_to(attribution.units_of(appraisal_round)):  # a bulk write
            bulk_create_with_history(
                [Candidate(round=appraisal_round, member=member) for member in members], Candidate
            )
    return appraisal_round


def open_round_with_tellers(
    enrollment: Enrollment,
    *,
    tellers: Iterable[str],
    user=None,
    acting: Scope | None,
    **round_fields,
) -> tuple[AppraisalRound, list[TellerSlip]]:
    """Set up a round and appoint its tellers at once (all or nothing)."""
    with transaction.atomic():
        appraisal_round = open_round(enrollment, user=user, acting=acting, **round_fields)
        slips = appoint_tellers(appraisal_round, tellers, acting=None)  # checked by open_round
    return appraisal_round, slips


def issue_guest_codes(
    appraisal_round: AppraisalRound,
    count: int,
    *,
    now: datetime | None = None,
    acting: Scope | None,
) -> list[str]:
    """One-time codes for voters who are not members; returned once, stored as hashes."""
    require_acting(acting, lambda scope: scope.can_manage_org(appraisal_round.organization))
    if not 1 <= count <= MAX_GUEST_CODES:
        _refuse(_("Issue between 1 and %(max)s codes at a time.") % {"max": MAX_GUEST_CODES})
    issued_on = timezone.localdate(now) if now else timezone.localdate()
    for attempt in range(CREATE_ATTEMPTS):
        plain = [codes.new_code(codes.GUEST_CODE_LENGTH) for _i in range(count)]
        try:
            with transaction.atomic():
                locked = AppraisalRound.objects.select_for_update().get(pk=appraisal_round.pk)
                if locked.is_closed(now):
                    _refuse(_("The round is closed."))
                bulk_create_with_history(
                    [
                        GuestCode(
                            round=appraisal_round, digest=codes.digest(c), issued_on=issued_on
                        )
                        for c in plain
                    ],
                    GuestCode,
                )
        except IntegrityError:
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            continue
        return [codes.grouped(c, 5) for c in plain]
    raise AssertionError("unreachable")


def guest_code_for(appraisal_round_id: int | None, code: str) -> GuestCode | None:
    """The unused-or-used code matching what was typed (None when malformed or unknown)."""
    normalized = codes.normalize(code)
    if not codes.is_well_formed(normalized, codes.GUEST_CODE_LENGTH):
        return None
    found = GuestCode.objects.select_related("round").filter(digest=codes.digest(normalized))
    if appraisal_round_id is not None:
        found = found.filter(round_id=appraisal_round_id)
    return found.first()


def candidates_of(appraisal_round: AppraisalRound) -> list[tuple[int, str]]:
    """(member id, name) of the members graded, in member-number order."""
    return list(
        appraisal_round.candidates.order_by("member__code").values_list("member_id", "member__name")
    )


def _checked_grades(
    grades: Mapping, candidates: list[tuple[int, str]], grade_codes: set[str]
) -> dict[str, str]:
    grades = {str(key): value for key, value in grades.items()}
    expected = {str(pk): name for pk, name in candidates}
    if set(grades) - set(expected):
        _refuse(_("The ballot grades someone who is not appraised in this round."))
    missing = [name for pk, name in expected.items() if not grades.get(pk)]
    if missing:
        _refuse(_("Grade every member; not graded: %(names)s") % {"names": "、".join(missing)})
    if set(grades.values()) - grade_codes:
        _refuse(_("Unknown grade."))
    return grades


@dataclass
class Cast:
    """What the voter is shown once: their receipt and their grades. Neither is stored in
    the clear; both are inside the sealed ballot."""

    receipt: str
    grades: dict[str, str]


def cast_ballot(
    appraisal_round: AppraisalRound,
    grades: Mapping,
    *,
    member: Member | None = None,
    code: str | None = None,
    now: datetime | None = None,
    acting: Scope | None,
) -> Cast:
    """Cast one secret ballot: a roll entry (who voted) and the ballot sealed for the
    tellers (how), in one transaction. The roll's unique constraints refuse a second ballot
    of the same member or code — in the database, so also when two submissions race.

    Roll entry and sealed ballot share a transaction id (PostgreSQL `xmin`) and an
    insertion order (SQLite rowid): that links a voter to a box nobody can open before
    the count, and the boxes are deleted by the count."""
    require_acting(acting, lambda scope: member is None or scope.is_member(member))
    appraisal_round.campaign.check_writable()  # an ended campaign is read-only
    now = now or timezone.now()
    with transaction.atomic():
        # Votes of a round are serialised with its closing and its count.
        locked = AppraisalRound.objects.select_for_update().get(pk=appraisal_round.pk)
        if locked.is_closed(now):
            _refuse(_("This appraisal round is closed."))
        if not locked.is_open(now):
            _refuse(not_open_yet(locked))
        if not locked.public_key:
            _refuse(_("The tellers of this round have not been appointed yet."))
        candidates = candidates_of(locked)
        entry = _roll_entry(locked, candidates, member=member, code=code)
        grade_codes = [grade.code for grade in locked.campaign.rules.appraisal_grades]
        checked = _checked_grades(grades, candidates, set(grade_codes))
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            _refuse(
                _("You have already voted in this round.")
                if member is not None
                else _("This code has already been used.")
            )
        receipt = codes.new_code(codes.BALLOT_RECEIPT_LENGTH)
        size = tellers.plaintext_size([pk for pk, _name in candidates], grade_codes)
        SealedBallot.objects.create(
            round=locked, box=tellers.seal(locked.public_key, receipt, checked, size)
        )
    return Cast(receipt, checked)


def _roll_entry(appraisal_round, candidates, *, member, code) -> VoterRoll:
    if member is not None:
        if member.pk not in {pk for pk, _name in candidates}:
            _refuse(_("You are not a voter in this appraisal round."))
        return VoterRoll(round=appraisal_round, member=member)
    guest = guest_code_for(appraisal_round.pk, code or "")
    if guest is None:
        _refuse(_("This code is not valid for this appraisal round."))
    return VoterRoll(round=appraisal_round, guest_code=guest)


def has_voted(appraisal_round: AppraisalRound, member: Member) -> bool:
    return VoterRoll.objects.filter(round=appraisal_round, member=member).exists()


def close_round(
    appraisal_round: AppraisalRound, *, now: datetime | None = None, acting: Scope | None
) -> AppraisalRound:
    """End voting now (before the planned close): no vote is taken from now on."""
    require_acting(acting, lambda scope: scope.can_manage_org(appraisal_round.organization))
    now = now or timezone.now()
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=appraisal_round.pk)
        if not locked.is_closed(now):
            if now < locked.opens_at:
                _refuse(_("Voting has not opened yet."))
            locked.closes_at = now
            locked.save(update_fields=["closes_at"])
        sealed = seal_round(locked, now=now)
    appraisal_round.closes_at, appraisal_round.sealed = sealed.closes_at, sealed.sealed
    return sealed


def seal_round(appraisal_round: AppraisalRound, *, now: datetime | None = None) -> AppraisalRound:
    """Mark a round whose voting has ended as closed for good (its planned close may not
    move back again). The ballots stay sealed until the tellers count them."""
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=appraisal_round.pk)
        if not locked.sealed:
            if not locked.is_closed(now):
                _refuse(_("The round is still open."))
            locked.sealed = True
            locked.save(update_fields=["sealed"])
    appraisal_round.sealed = True
    return locked


def ensure_sealed(appraisal_round: AppraisalRound, *, now: datetime | None = None):
    """Seal a round whose voting time has run out."""
    if not appraisal_round.sealed and appraisal_round.is_closed(now):
        seal_round(appraisal_round, now=now)
    return appraisal_round


# -- the tellers ---------------------------------------------------------------------------

TELLERS = 3
TELLERS_NEEDED = 2


TellerSlip = tellers.TellerSlip


def appoint_tellers(
    appraisal_round: AppraisalRound,
    names: Iterable[str],
    *,
    threshold: int = TELLERS_NEEDED,
    now: datetime | None = None,
    acting: Scope | None,
) -> list[TellerSlip]:
    """Appoint the round's tellers (监票人) and make its key: the public key is stored, the
    private key is split among the tellers (`threshold` of them open the ballots) and
    exists nowhere else. Returns each teller's slip, shown once. Possible until the first
    vote: the ballots are sealed to the key of the tellers appointed then."""
    require_acting(acting, lambda scope: scope.can_manage_org(appraisal_round.organization))
    names = [name.strip() for name in names if name and name.strip()]
    if len(names) < 2:
        _refuse(_("Appoint at least two tellers."))
    if len(names) > 9:
        _refuse(_("Appoint at most nine tellers."))
    if len(set(names)) != len(names):
        _refuse(_("Each teller is a different person."))
    if not 2 <= threshold <= len(names):
        _refuse(
            _("Between 2 and %(count)s tellers must be needed to count.") % {"count": len(names)}
        )
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=appraisal_round.pk)
        if locked.is_closed(now):
            _refuse(_("The round is closed."))
        if VoterRoll.objects.filter(round=locked).exists():
            _refuse(_("Votes have been cast under the present tellers' key; it cannot change."))
        public_key, shares = tellers.new_key(len(names), threshold)
        Teller.objects.filter(round=locked).delete()  # kept in the history table
        slips = [
            TellerSlip(share.index, name, share.code)
            for share, name in zip(shares, names, strict=True)
        ]
        for share, name in zip(shares, names, strict=True):
            Teller.objects.create(
                round=locked, index=share.index, name=name, share_digest=share.digest
            )
        locked.public_key, locked.threshold = public_key, threshold
        locked.save(update_fields=["public_key", "threshold"])
    appraisal_round.public_key, appraisal_round.threshold = public_key, threshold
    return slips


def _shares_from(appraisal_round: AppraisalRound, typed: Iterable[str]) -> list[tellers.Share]:
    by_digest = {t.share_digest: t for t in appraisal_round.tellers.all()}
    shares: dict[int, tellers.Share] = {}
    for code in typed:
        if not (code or "").strip():
            continue
        share = tellers.parse_code(code)
        if share is None:
            _refuse(_("A teller's code is mistyped: it has 27 letters and digits."))
        teller = by_digest.get(share.digest)
        if teller is None or teller.index != share.index:
            _refuse(
                _("Code %(start)s… is not the code of a teller of this round.")
                % {"start": codes.normalize(code)[:3]}
            )
        shares[share.index] = share
    if len(shares) < appraisal_round.threshold:
        _refuse(
            _("%(needed)s tellers must enter their codes; %(given)s did.")
            % {"needed": appraisal_round.threshold, "given": len(shares)}
        )
    return list(shares.values())


def count_ballots(
    appraisal_round: AppraisalRound,
    teller_codes: Iterable[str],
    *,
    now: datetime | None = None,
    acting: Scope | None,
) -> AppraisalRound:
    """The count: the tellers' codes rebuild the round's private key, every sealed ballot
    is opened, and the ballots are published as two lists — the receipts in code order and
    the contents in random order, as many of each as voters on the roll — in one
    transaction that deletes the sealed pool. Once only."""
    require_acting(acting, lambda scope: scope.can_manage_org(appraisal_round.organization))
    now = now or timezone.now()
    with transaction.atomic():
        locked = AppraisalRound.objects.select_for_update().get(pk=appraisal_round.pk)
        if locked.counted_at:
            _refuse(_("The ballots of this round have already been counted."))
        if not locked.is_closed(now):
            _refuse(_("The round is still open."))
        if not locked.public_key:
            _refuse(_("The round has no tellers, so it has no ballots to count."))
        shares = _shares_from(locked, teller_codes)
        try:
            key = tellers.recover(locked.public_key, shares)
        except tellers.WrongSecret:
            _refuse(_("These codes do not open the ballots: check each code with its teller."))
        boxes = list(SealedBallot.objects.filter(round=locked).values_list("box", flat=True))
        voters = VoterRoll.objects.filter(round=locked).count()
        if len(boxes) != voters:
            _refuse(
                _(
                    "%(boxes)s sealed ballots for %(voters)s voters on the roll: the count is "
                    "stopped. Tell the campaign office."
                )
                % {"boxes": len(boxes), "voters": voters}
            )
        try:
            opened = [tellers.open_box(key, box) for box in boxes]
        except tellers.WrongSecret:
            _refuse(_("A sealed ballot does not open: the count is stopped."))
        del key
        contents = [grades for _receipt, grades in opened]
        secrets.SystemRandom().shuffle(contents)
        with revision.attributed_to(attribution.units_of(locked)):  # bulk writes of its unit
            BallotReceipt.objects.bulk_create(
                [BallotReceipt(round=locked, receipt=r) for r in sorted(r for r, _g in opened)]
            )
            Ballot.objects.bulk_create([Ballot(round=locked, grades=g) for g in contents])
        _delete_pool(locked)
        locked.sealed = True
        locked.counted_at = now
        locked.save(update_fields=["sealed", "counted_at"])
    vacuum_pool()
    appraisal_round.sealed, appraisal_round.counted_at = True, locked.counted_at
    return locked


def _delete_pool(appraisal_round: AppraisalRound) -> None:
    """Delete the round's sealed ballots so that their bytes do not stay in the file:
    SQLite overwrites deleted content (secure_delete); on PostgreSQL the pool's table is
    rewritten (VACUUM FULL, `vacuum_pool`) once the count is committed."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    SealedBallot.objects.filter(round=appraisal_round).delete()


def vacuum_pool() -> None:
    """Rewrite the pool's table on PostgreSQL, so that no deleted sealed ballot stays in
    its pages. Outside any transaction only (VACUUM cannot run in one): a count made
    inside a caller's transaction leaves this to PostgreSQL's autovacuum."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FULL) {SealedBallot._meta.db_table}")


def tally(appraisal_round: AppraisalRound) -> rules.Tally:
    """The count of the published ballots (none before the tellers count)."""
    candidates = candidates_of(appraisal_round)
    ballots = appraisal_round.ballots.values_list("grades", flat=True)
    grade_codes = [grade.code for grade in appraisal_round.campaign.rules.appraisal_grades]
    result = rules.count_grades(ballots, candidates, grade_codes)
    result.eligible = len(candidates) + appraisal_round.codes.count()
    return result


def save_conclusions(
    appraisal_round: AppraisalRound,
    entries: Mapping[int, tuple[str, str]],
    *,
    user,
    today: date | None = None,
    acting: Scope | None,
) -> list[AppraisalConclusion]:
    """The unit's 评议意见: for each member id, (grade code, problems found). Members left
    without a grade are skipped; a conclusion may be revised until the notice is out."""
    require_acting(acting, lambda scope: scope.can_manage_org(appraisal_round.organization))
    appraisal_round.campaign.check_writable()  # an ended campaign is read-only
    if not appraisal_round.is_closed():
        _refuse(_("Conclusions are written after voting closes."))
    ensure_sealed(appraisal_round)
    if not appraisal_round.is_counted:
        _refuse(_("The tellers count the ballots first."))
    if appraisal_round.published_on:
        _refuse(_("The notice is published; the conclusions can no longer change."))
    grade_codes = {grade.code for grade in appraisal_round.campaign.rules.appraisal_grades}
    members = dict(candidates_of(appraisal_round))
    if set(entries) - set(members):
        _refuse(_("Only the members appraised in this round can be concluded."))
    if {grade for grade, _problems in entries.values() if grade} - grade_codes:
        _refuse(_("Unknown grade."))
    saved = []
    with transaction.atomic():
        for member_id, (grade, problems) in entries.items():
            if not grade:
                continue
            conclusion, _created = AppraisalConclusion.objects.update_or_create(
                round=appraisal_round,
                member_id=member_id,
                defaults={
                    "grade": grade,
                    "problems": problems.strip(),
                    "concluded_on": today or timezone.localdate(),
                    "concluded_by": user,
                },
            )
            saved.append(conclusion)
    return saved


def publish_notice(
    appraisal_round: AppraisalRound,
    *,
    text: str,
    user=None,
    today: date | None = None,
    acting: Scope | None,
) -> AppraisalRound:
    """Announce the results (通报) once every member has a conclusion."""
    require_acting(acting, lambda scope: scope.can_manage_org(appraisal_round.organization))
    appraisal_round.campaign.check_writable()  # an ended campaign is read-only
    if not appraisal_round.is_closed():
        _refuse(_("The notice is published after voting closes."))
    ensure_sealed(appraisal_round)
    if not appraisal_round.is_counted:
        _refuse(_("The tellers count the ballots first."))
    concluded = set(appraisal_round.conclusions.values_list("member_id", flat=True))
    missing = [name for pk, name in candidates_of(appraisal_round) if pk not in concluded]
    if missing:
        _refuse(
            _("Write the conclusion of every member first; missing: %(names)s")
            % {"names": "、".join(missing)}
        )
    if not text.strip():
        _refuse(_("The notice is empty."))
    appraisal_round.notice = text.strip()
    appraisal_round.published_on = today or timezone.localdate()
    appraisal_round.save(update_fields=["notice", "published_on"])
    return appraisal_round


def handed_in(analysis: SelfAnalysis | None) -> bool:
    return analysis is not None and analysis.status in HANDED_IN


def not_open_yet(appraisal_round: AppraisalRound) -> str:
    """Voting has not begun: say when it does (a voter comes back then)."""
    return _("Voting in this appraisal round opens on %(opens)s; come back then.") % {
        "opens": date_format(timezone.localtime(appraisal_round.opens_at), "DATETIME_FORMAT")
    }


def voting_problem(
    appraisal_round: AppraisalRound, member: Member | None, *, now: datetime | None = None
) -> str | None:
    """Why `member` cannot vote now (the ballot page says so before the ballot is filled);
    `cast_ballot` checks the same again, inside its transaction."""
    if appraisal_round.is_closed(now):
        return _("This appraisal round is closed.")
    if not appraisal_round.is_open(now):
        return not_open_yet(appraisal_round)
    if member is None or not appraisal_round.candidates.filter(member=member).exists():
        return _("You are not a voter in this appraisal round.")
    if has_voted(appraisal_round, member):
        return _("You have already voted in this round.")
    return None


def reseal_opinions(*, before: date | None = None) -> int:
    """Rewrite the opinions received before `before` (default: today) in one transaction,
    in random order; return how many.

    On PostgreSQL a row keeps the id of the transaction that wrote it (xmin) and its place
    in the table (ctid), both in arrival order; someone with direct database access could
    compare them with rows that carry a time and learn an anonymous opinion's hour. Run
    daily (`manage.py reseal_opinions`), this leaves only the day. On SQLite an opinion's
    row is stored under its random key already. No history is written: this changes no
    value.
    """
    before = before or timezone.localdate()
    keys = list(Opinion.objects.filter(received_on__lt=before).values_list("pk", flat=True))
    secrets.SystemRandom().shuffle(keys)
    with transaction.atomic():
        for key in keys:
            Opinion.objects.filter(pk=key).update(received_on=F("received_on"))
    return len(keys)
