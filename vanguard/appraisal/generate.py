"""Benchmark data for 分析评议 (vanguard.datagen): opinions through the template's channels,
talks, self-analyses, a special meeting and one sealed democratic appraisal round per unit.

Rows look as the services leave them: an opinion's due date is `rules.due_date` of the
unit that first received it, anonymous opinions keep no name or contact, only digests of
receipt codes are stored; the roll says who voted, the counted ballots (shuffled) say how
and the receipts are listed apart, with nothing that links the two; conclusions are each
member's leading grade in the tally. Bulk inserts, no history rows (nobody edited generated rows).

Deterministic from the generator's rng. Keys that the app draws at random (opinion ids,
receipt codes, ballot and roll UUIDs) come from a second rng seeded with that rng
and the campaign's code, so two campaigns generated with one seed in one database do not
collide.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from vanguard.appraisal import codes, rules
from vanguard.appraisal.demo import (
    ANSWERS,
    BUREAU_OPINIONS,
    CRITICISMS,
    GRADE_WEIGHTS,
    MEMBER_OPINIONS,
    PROBLEMS,
    SELF_ANALYSIS,
    SELF_CRITICISMS,
    TALK_TOPICS,
    UNIT_OPINIONS,
)
from vanguard.appraisal.models import (
    OPINION_ID_MAX,
    AnalysisStatus,
    AppraisalConclusion,
    AppraisalRound,
    Ballot,
    BallotReceipt,
    Candidate,
    CriticismItem,
    CriticismKind,
    Opinion,
    OpinionStatus,
    OpinionTransfer,
    OrgLifeMeeting,
    SelfAnalysis,
    Subject,
    Talk,
    TransferDirection,
    VoterRoll,
)
from vanguard.campaigns.demo import SURNAMES

BATCH_SIZE = 5_000
OPEN_SHARE = 0.08  # opinions still awaiting their answer (past the deadline by now)
LATE_SHARE = 0.10  # answers given after the deadline
CLOSED_SHARE = 0.8  # answered opinions the unit also closed
PUBLIC_SHARE = 0.3  # opinions sent through the public site
PASSED_ON_SHARE = 0.03  # opinions about a unit passed across to another unit
PUBLISHED_SHARE = 0.92  # rounds whose notice is out (the rest: concluded, not announced)
TITLES = ["先生", "女士"]
PEOPLE = ["物理老师", "王老师", "李主任", "张校长", "食堂负责人", "办事窗口工作人员"]
DETAILS = ["", "望尽快解决。", "请予以重视。", "希望能给个答复。", "不少同事也有同感。"]
PASS_ON_REASONS = ["反映的事项由该单位负责。", "涉及人员已调至该单位。"]
CONCLUDED_NOTICE = (
    "根据先进性教育活动的统一部署，{unit}开展了民主评议党员工作，共收回有效评议票{ballots}张。"
    "党组织根据民主评议情况、征求到的群众意见和党员的一贯表现，对每名党员提出了评议意见：{spread}。"
    "对评议中指出的问题，党员本人将在整改提高阶段认真整改。特此通报。"
)


def generate(generated, scale, rng: random.Random) -> None:
    campaign = generated.campaign
    keys = random.Random(f"{rng.getrandbits(64)}-{campaign.code}")
    windows = {e.pk: rules.analysis_window(e) for e in generated.enrollments}
    _opinions(generated, scale.opinions, rng, keys, windows)
    _talks(generated, rng, windows)
    _self_analyses(generated, rng, windows)
    _meetings(generated, rng, windows)
    _rounds(generated, rng, keys, windows)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _spread(total: int, parts: int) -> list[int]:
    """`total` split over `parts` as evenly as possible."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


# -- opinions ------------------------------------------------------------------------------


def _opinions(generated, total: int, rng, keys, windows) -> None:
    campaign = generated.campaign
    template = campaign.rules
    staff_channels = [c.code for c in template.opinion_channels if not c.public]
    public_channels = [c.code for c in template.opinion_channels if c.public]
    days_by_category: dict[str, int] = {}

    def due(received_on: date, responsible) -> date:
        category = responsible.category or ""
        if category not in days_by_category:
            days_by_category[category] = (
                rules.due_date(received_on, template, category or None) - received_on
            ).days
        return received_on + timedelta(days=days_by_category[category])

    taken = set(Opinion.objects.values_list("pk", flat=True))
    opinions, transfers = [], []
    enrollments = generated.enrollments
    for enrollment, count in zip(enrollments, _spread(total, len(enrollments)), strict=True):
        unit = enrollment.organization
        members = generated.members_by_unit.get(unit.pk, [])
        start, end = windows[enrollment.pk]
        for _index in range(count):
            public = bool(public_channels) and rng.random() < PUBLIC_SHARE
            draw = rng.random()
            fields = {"unit": None, "member_id": None, "person_named": ""}
            if draw < 0.05:
                subject, responsible, content = Subject.BUREAU, generated.root, BUREAU_OPINIONS
            elif public:  # the public names a person freely; the unit links the member later
                about_person = draw < 0.4
                subject = Subject.MEMBER if about_person else Subject.UNIT
                responsible, content = unit, MEMBER_OPINIONS if about_person else UNIT_OPINIONS
                fields.update(unit=unit, person_named=rng.choice(PEOPLE) if about_person else "")
            elif draw < 0.7 and members:
                subject, responsible, content = Subject.MEMBER, unit, MEMBER_OPINIONS
                fields["member_id"] = rng.choice(members)
            else:
                subject, responsible, content = Subject.UNIT, unit, UNIT_OPINIONS
                fields["unit"] = unit
            anonymous = rng.random() < (0.85 if public else 0.65)
            received_on = _day(rng, start, end - timedelta(days=5))
            opinion = Opinion(
                id=_opinion_id(keys, taken),
                campaign=campaign,
                channel=rng.choice(public_channels if public else staff_channels),
                subject=subject,
                content=rng.choice(content) + rng.choice(DETAILS),
                received_on=received_on,
                anonymous=anonymous,
                author_name="" if anonymous else rng.choice(SURNAMES) + rng.choice(TITLES),
                author_contact="" if anonymous else f"13{rng.randint(100000000, 999999999)}",
                receipt_digest=codes.digest(
                    "".join(keys.choice(codes.ALPHABET) for _c in range(codes.RECEIPT_LENGTH))
                ),
                responsible_unit=responsible,
                due_on=due(received_on, responsible),
                **fields,
            )
            if subject == Subject.UNIT and not public and rng.random() < PASSED_ON_SHARE:
                transfers.append(_pass_across(opinion, rng, enrollments))
            _settle(opinion, rng)
            opinions.append(opinion)
    Opinion.objects.bulk_create(opinions, batch_size=BATCH_SIZE)
    OpinionTransfer.objects.bulk_create([t for t in transfers if t], batch_size=BATCH_SIZE)


def _opinion_id(keys: random.Random, taken: set[int]) -> int:
    while True:
        key = keys.randrange(OPINION_ID_MAX) + 1
        if key not in taken:
            taken.add(key)
            return key


def _pass_across(opinion: Opinion, rng, enrollments) -> OpinionTransfer | None:
    """ "Not ours", as `services.pass_on` leaves it: the deadline stays where it was."""
    others = [e.organization for e in enrollments if e.organization.pk != opinion.unit.pk]
    if not others:
        return None
    to_unit = rng.choice(others)
    transfer = OpinionTransfer(
        opinion_id=opinion.id,
        direction=TransferDirection.ACROSS,
        from_unit=opinion.responsible_unit,
        to_unit=to_unit,
        reason=rng.choice(PASS_ON_REASONS),
        transferred_on=opinion.received_on + timedelta(days=rng.randint(0, 3)),
    )
    opinion.responsible_unit = to_unit
    return transfer


def _settle(opinion: Opinion, rng) -> None:
    """Answer (mostly in time), feed back to the member concerned, close — or leave open."""
    if rng.random() < OPEN_SHARE:
        return
    if rng.random() < LATE_SHARE:
        answered_on = opinion.due_on + timedelta(days=rng.randint(1, 5))
    else:
        answered_on = _day(rng, opinion.received_on + timedelta(days=1), opinion.due_on)
    opinion.answer = rng.choice(ANSWERS)
    opinion.answered_on = answered_on
    opinion.status = OpinionStatus.ANSWERED
    if opinion.member_id and rng.random() < 0.95:
        opinion.fed_back_on = answered_on
    if rng.random() < CLOSED_SHARE:
        opinion.status = OpinionStatus.CLOSED
        opinion.closed_on = answered_on + timedelta(days=2)


# -- talks, self-analyses, the special meeting ---------------------------------------------


def _talks(generated, rng, windows) -> None:
    """The secretary talks with nearly everyone; some members talk with each other."""
    talks = []
    for enrollment in generated.enrollments:
        members = generated.members_by_unit.get(enrollment.organization.pk, [])
        if len(members) < 2:
            continue
        start, end = windows[enrollment.pk]
        secretary = members[0]
        pairs = [(secretary, m) for m in members[1:] if rng.random() < 0.92]
        for _index in range(len(members) // 4):
            initiator, partner = rng.sample(members, 2)
            pairs.append((initiator, partner))
        talks += [
            Talk(
                campaign=generated.campaign,
                enrollment=enrollment,
                talked_on=_day(rng, start, end),
                initiator_id=initiator,
                partner_id=partner,
                topic=rng.choice(TALK_TOPICS),
                summary="谈话双方坦诚交流，互相指出了存在的不足，提出了改进意见。",
            )
            for initiator, partner in pairs
        ]
    Talk.objects.bulk_create(talks, batch_size=BATCH_SIZE)


def _self_analyses(generated, rng, windows) -> None:
    rows = []
    for enrollment in generated.enrollments:
        start, end = windows[enrollment.pk]
        for member_id in generated.members_by_unit.get(enrollment.organization.pk, []):
            draw = rng.random()
            if draw < 0.04:
                continue  # not written
            if draw < 0.07:
                status = AnalysisStatus.DRAFT
            elif draw < 0.14:
                status = AnalysisStatus.SUBMITTED
            elif draw < 0.18:
                status = AnalysisStatus.RETURNED
            else:
                status = AnalysisStatus.ACCEPTED
            submitted = None if status == AnalysisStatus.DRAFT else _day(rng, start, end)
            reviewed = status in (AnalysisStatus.ACCEPTED, AnalysisStatus.RETURNED)
            rows.append(
                SelfAnalysis(
                    campaign=generated.campaign,
                    member_id=member_id,
                    text=SELF_ANALYSIS,
                    status=status,
                    submitted_on=submitted,
                    reviewed_on=submitted + timedelta(days=rng.randint(1, 3)) if reviewed else None,
                    comments="剖析不够深刻，请结合本职工作查找具体问题，补充整改打算。"
                    if status == AnalysisStatus.RETURNED
                    else "",
                )
            )
    SelfAnalysis.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _meetings(generated, rng, windows) -> None:
    """One special organisational-life meeting per unit with members: attendance, a
    self-criticism of each attendee and a few criticisms."""
    held = [e for e in generated.enrollments if generated.members_by_unit.get(e.organization.pk)]
    OrgLifeMeeting.objects.bulk_create(
        [
            OrgLifeMeeting(
                campaign=generated.campaign,
                enrollment=enrollment,
                organization=enrollment.organization,
                held_on=max(
                    windows[enrollment.pk][0],
                    windows[enrollment.pk][1] - timedelta(days=rng.randint(3, 8)),
                ),
                place="单位会议室",
                host="党支部书记",
                minutes="会议围绕查找问题、剖析根源开展批评与自我批评。每位党员逐一发言，"
                "开展自我批评，同志之间互相提出批评意见。",
            )
            for enrollment in held
        ],
        batch_size=BATCH_SIZE,
    )
    meetings = dict(
        OrgLifeMeeting.objects.filter(enrollment__in=held).values_list("enrollment_id", "pk")
    )
    through = OrgLifeMeeting.attendees.through
    attendance, items = [], []
    for enrollment in held:
        meeting = meetings[enrollment.pk]
        members = generated.members_by_unit[enrollment.organization.pk]
        absent = set(rng.sample(members, k=min(2, len(members) // 8)))
        attendees = [m for m in members if m not in absent]
        attendance += [through(orglifemeeting_id=meeting, member_id=m) for m in attendees]
        items += [
            CriticismItem(
                meeting_id=meeting,
                member_id=m,
                kind=CriticismKind.SELF,
                content=rng.choice(SELF_CRITICISMS),
            )
            for m in attendees
        ]
        if len(attendees) < 2:
            continue
        for member in rng.sample(attendees, k=min(3, len(attendees) - 1)):
            items.append(
                CriticismItem(
                    meeting_id=meeting,
                    member_id=member,
                    kind=CriticismKind.CRITICISM,
                    content=rng.choice(CRITICISMS),
                    raised_by_id=rng.choice([m for m in attendees if m != member]),
                )
            )
    through.objects.bulk_create(attendance, batch_size=BATCH_SIZE)
    CriticismItem.objects.bulk_create(items, batch_size=BATCH_SIZE)


# -- democratic appraisal ------------------------------------------------------------------


def _rounds(generated, rng, keys, windows) -> None:
    """One round per unit, voted, closed and sealed: candidates, the roll, the ballots in
    random order, the conclusions (each member's leading grade) and mostly the notice."""
    campaign = generated.campaign
    grade_codes = [grade.code for grade in campaign.rules.appraisal_grades]
    titles = {grade.code: grade.title for grade in campaign.rules.appraisal_grades}
    weights = [GRADE_WEIGHTS.get(code, 5) for code in grade_codes]
    held = [e for e in generated.enrollments if generated.members_by_unit.get(e.organization.pk)]
    closing: dict[int, date] = {}
    rounds = []
    for enrollment in held:
        start, end = windows[enrollment.pk]
        day = max(start + timedelta(days=3), end - timedelta(days=rng.randint(2, 6)))
        closing[enrollment.pk] = day
        rounds.append(
            AppraisalRound(
                campaign=campaign,
                enrollment=enrollment,
                organization=enrollment.organization,
                title=f"{enrollment.organization.name}2024年度民主评议党员",
                opens_at=_aware(day - timedelta(days=3), time(8)),
                closes_at=_aware(day, time(17)),
                sealed=True,
                counted_at=_aware(day, time(18)),
            )
        )
    AppraisalRound.objects.bulk_create(rounds, batch_size=BATCH_SIZE)
    by_enrollment = {r.enrollment_id: r for r in AppraisalRound.objects.filter(enrollment__in=held)}
    candidates, roll, ballots, receipts, conclusions, published = [], [], [], [], [], []
    for enrollment in held:
        appraisal_round = by_enrollment[enrollment.pk]
        day = closing[enrollment.pk]
        members = generated.members_by_unit[enrollment.organization.pk]
        candidates += [Candidate(round=appraisal_round, member_id=m) for m in members]
        voters = rng.sample(members, k=max(1, round(len(members) * rng.uniform(0.85, 1.0))))
        roll += [VoterRoll(id=_uuid(keys), round=appraisal_round, member_id=m) for m in voters]
        cast = _ballots(rng, keys, appraisal_round, members, len(voters), grade_codes, weights)
        rng.shuffle(cast)  # as the count leaves them: no order shared with the roll
        ballots += cast
        receipts += sorted(
            (
                BallotReceipt(id=_uuid(keys), round=appraisal_round, receipt=_receipt(keys))
                for _ballot in cast
            ),
            key=lambda r: r.receipt,
        )
        tally = rules.count_grades(
            (b.grades for b in cast), [(m, "") for m in members], grade_codes
        )
        leading = {t.member_id: t.leading or grade_codes[0] for t in tally.members}
        conclusions += [
            AppraisalConclusion(
                round=appraisal_round,
                member_id=m,
                grade=leading[m],
                problems=rng.choice(PROBLEMS),
                concluded_on=day + timedelta(days=1),
            )
            for m in members
        ]
        if rng.random() < PUBLISHED_SHARE:
            spread = "，".join(
                f"{title}{sum(1 for g in leading.values() if g == code)}名"
                for code, title in titles.items()
            )
            appraisal_round.notice = CONCLUDED_NOTICE.format(
                unit=enrollment.organization.name, ballots=len(cast), spread=spread
            )
            appraisal_round.published_on = day + timedelta(days=2)
            published.append(appraisal_round)
    Candidate.objects.bulk_create(candidates, batch_size=BATCH_SIZE)
    VoterRoll.objects.bulk_create(roll, batch_size=BATCH_SIZE)
    Ballot.objects.bulk_create(ballots, batch_size=BATCH_SIZE)
    BallotReceipt.objects.bulk_create(receipts, batch_size=BATCH_SIZE)
    AppraisalConclusion.objects.bulk_create(conclusions, batch_size=BATCH_SIZE)
    AppraisalRound.objects.bulk_update(published, ["notice", "published_on"], batch_size=BATCH_SIZE)


def _ballots(
    rng, keys, appraisal_round, members: list[int], count: int, grade_codes, weights
) -> list[Ballot]:
    """`count` complete ballots; some members are seen as better than others."""
    cumulative = {}
    for member in members:
        bias = 0.3 + 1.4 * rng.random()
        shifted = [weights[0] * bias, *weights[1:]]
        running, totals = 0.0, []
        for weight in shifted:
            running += weight
            totals.append(running)
        cumulative[member] = totals
    cast = []
    for _index in range(count):
        grades = {str(m): rng.choices(grade_codes, cum_weights=cumulative[m])[0] for m in members}
        cast.append(Ballot(id=_uuid(keys), round=appraisal_round, grades=grades))
    return cast


def _receipt(keys: random.Random) -> str:
    return "".join(keys.choice(codes.ALPHABET) for _i in range(codes.BALLOT_RECEIPT_LENGTH))


def _uuid(keys: random.Random) -> uuid.UUID:
    return uuid.UUID(int=keys.getrandbits(128), version=4)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))
