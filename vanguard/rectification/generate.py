"""Benchmark data for rectification (vanguard.datagen): `scale.rectification_items` items,
spread over the enrolled units (members' own and base organisations') plus a few of the
bureau's; practical deeds (办实事) and long-term mechanisms with their occurrences.

Each item is dated inside its unit's 整改提高 window (deadlines in or after it) and has a
status of the workflow's vocabulary with the fields its transitions set (done_on,
verified_on, reopen_*); the notes of the progress it went through; about two thirds are
published. Like the study generator, rows carry no audit history — except a published
item's: the public item page shows the history of its changes from its publication on,
so each published item gets the historical records the services would have written
(created, published, each change after), dated as the work went.

Sources are typed text (no generic link), as an item typed in by hand. Deterministic
from the generator's rng, public references included (drawn from it, mixed with the
campaign's code so that two campaigns never share one). Bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import random
from datetime import date, timedelta

from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from vanguard.core import bulk
from vanguard.orgs.models import Member, OrgCategory
from vanguard.rectification.demo import (
    BUREAU_ITEMS,
    COMMENTS_PENDING,
    COMMENTS_SHOWN,
    DEEDS,
    EXPLANATION,
    INTERNAL_SOURCES,
    MECHANISM_RHYTHMS,
    MEMBER_ITEMS,
    NOTES,
    OFFICE_ITEMS,
    PUBLIC_SOURCES,
    REOPEN_REASON,
    SCHOOL_ITEMS,
    TOPICS,
    UNIT_ITEMS,
)
from vanguard.rectification.models import (
    PUBLIC_ID_ALPHABET,
    CommentStatus,
    Level,
    Mechanism,
    Occurrence,
    PracticalDeed,
    ProgressNote,
    PublicComment,
    RectificationItem,
    Rhythm,
    SourceKind,
    Status,
)

BATCH_SIZE = 5_000
PHASE = "rectification"
# The share of the items in each status (out of 100) and the other proportions.
STATUS_WEIGHTS = {
    Status.PLANNED: 8,
    Status.IN_PROGRESS: 24,
    Status.DONE: 20,
    Status.VERIFIED: 42,
    Status.REOPENED: 6,
}
MEMBER_SHARE = 0.55  # of a unit's items, the members' own
PUBLIC_SHARE = 0.4  # raised by the public
PUBLISHED_SHARE = 0.7  # of the items ready for publication
NO_DEADLINE_SHARE = 0.02  # left without a deadline (so not publishable)
EXPLAINED_SHARE = 0.3  # of the open items past their deadline
# Until when the mechanisms' activities are recorded (the campaign ran in 2024).
MECHANISM_HORIZON = date(2025, 12, 31)
RHYTHM_STEP = {
    Rhythm.WEEKLY: 7,
    Rhythm.MONTHLY: 30,
    Rhythm.QUARTERLY: 90,
    Rhythm.TERMLY: 150,
    Rhythm.YEARLY: 365,
}
EXTRA_UNIT_ITEMS = [
    (
        "会议多、文件多，基层负担较重",
        "精简会议和文件，能合并的会议合并召开，严格控制发文数量，每季度检查一次",
    ),
    (
        "党务公开内容不够全面，公开不够及时",
        "制定党务公开目录，每月更新公开栏和网站，重要事项随时公开",
    ),
    (
        "发展党员工作程序不够规范，培养考察记录不完整",
        "对照发展党员工作细则逐项检查，补齐培养考察材料，实行发展党员公示制度",
    ),
]
COMMENT_REJECTED = [("请问怎么报名参加培训班？", ""), ("与本条整改无关的内容。", "")]


def generate(generated, scale, rng: random.Random) -> None:
    campaign = generated.campaign
    today = timezone.localdate()
    refs = _references(random.Random(f"{campaign.code}-{rng.random()}"))
    leaders = _leaders(generated)
    specs = _specs(generated, scale, rng, leaders)
    items, timelines, at = [], [], _clock()
    for spec in specs:
        item, timeline = _item(rng, campaign, spec, next(refs), today, at)
        items.append(item)
        timelines.append(timeline)
    _insert(RectificationItem, items, getattr)
    pks = dict(RectificationItem.objects.filter(campaign=campaign).values_list("public_id", "pk"))
    for item in items:
        item.pk = pks[item.public_id]
    _history(items, timelines)
    _notes(rng, items, timelines)
    _comments(rng, items, today)
    _deeds(rng, generated, today)
    _mechanisms(rng, generated, leaders, today)


def _insert(model, rows, value=dict.__getitem__) -> None:
    """Insert `rows` (dicts of attname → value, or with `value=getattr` unsaved instances)
    for every column but the key (`core.bulk`)."""
    names = [f.attname for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    bulk.insert(model, names, ([value(row, name) for name in names] for row in rows))


def _references(rng: random.Random):
    """Public references drawn from `rng`, never the same twice."""
    seen = set()
    while True:
        ref = "".join(rng.choices(PUBLIC_ID_ALPHABET, k=10))
        if ref not in seen:
            seen.add(ref)
            yield ref


def _leaders(generated) -> dict[int, list[int]]:
    """Each unit's leader cadres (member ids), who answer for the unit's own items."""
    leaders: dict[int, list[int]] = {unit.pk: [] for unit in generated.units}
    rows = Member.objects.filter(
        organization__in=generated.units, is_leader_cadre=True
    ).values_list("pk", "organization_id")
    for pk, org_id in rows.order_by("pk"):
        leaders[org_id].append(pk)
    return leaders


def _window(enrollment):
    return next(w for w in enrollment.phases.all() if w.phase_code == PHASE)


def _specs(generated, scale, rng, leaders) -> list[dict]:
    """What each item is about, at which level and for whom."""
    campaign = generated.campaign
    enrollments = generated.enrollments
    bureau_count = min(scale.rectification_items, max(2, scale.rectification_items // 500))
    per_unit, extra = divmod(scale.rectification_items - bureau_count, len(enrollments))
    specs = []
    for index, enrollment in enumerate(enrollments):
        org = enrollment.organization
        members = sorted(generated.members_by_unit.get(org.pk, []))
        heads = leaders.get(org.pk) or members[:1]
        pool = (
            SCHOOL_ITEMS if org.category == OrgCategory.SCHOOL else UNIT_ITEMS + OFFICE_ITEMS
        ) + EXTRA_UNIT_ITEMS
        window = _window(enrollment)
        for _ in range(per_unit + (1 if index < extra else 0)):
            if members and rng.random() < MEMBER_SHARE:
                member = rng.choice(members)
                problem, measures = rng.choice(MEMBER_ITEMS)
                spec = {"level": Level.MEMBER, "member_id": member, "responsible_id": member}
            else:
                problem, measures = rng.choice(pool)
                spec = {
                    "level": Level.ORGANIZATION,
                    "member_id": None,
                    "responsible_id": rng.choice(heads) if heads else None,
                }
            spec.update(
                enrollment=enrollment,
                organization=org,
                problem=problem,
                measures=measures,
                window=(window.starts_on, window.ends_on),
            )
            specs.append(spec)
    # The bureau's own list, answered for by members of its departments (batch 1's units).
    first = [e for e in enrollments if e.batch.number == 1] or enrollments
    bureau_people = sorted(m for e in first for m in leaders.get(e.organization_id, []))
    bureau_people = bureau_people or sorted(generated.members_by_unit[first[0].organization_id])
    windows = [_window(e) for e in first]
    bureau_window = (
        min(w.starts_on for w in windows),
        max(w.ends_on for w in windows),
    )
    for index in range(bureau_count):
        problem, measures, _public = BUREAU_ITEMS[index % len(BUREAU_ITEMS)]
        specs.append(
            {
                "level": Level.BUREAU,
                "enrollment": None,
                "organization": campaign.organization,
                "member_id": None,
                "responsible_id": bureau_people[index % len(bureau_people)],
                "problem": problem,
                "measures": measures,
                "window": bureau_window,
                "weight": 2,
            }
        )
    return specs


def _clock():
    """`at(day, hour)`: that hour of the day in the current time zone (as `make_aware`)."""
    tz = timezone.get_current_timezone()

    def at(day: date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    return at


def _item(rng, campaign, spec, public_id: str, today: date, at):
    """The item in its final state and its timeline: (moment, changes, is a note); each
    moment is in the current time zone, so its `date()` is its local day."""
    starts_on, ends_on = spec["window"]
    created = starts_on + timedelta(days=rng.randint(0, 6))
    deadline = created + timedelta(days=rng.randint(15, max(16, (ends_on - created).days + 45)))
    if rng.random() < NO_DEADLINE_SHARE:
        deadline = None
    public = rng.random() < PUBLIC_SHARE
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    item = RectificationItem(
        campaign=campaign,
        enrollment=spec["enrollment"],
        organization=spec["organization"],
        level=spec["level"],
        member_id=spec["member_id"],
        problem=spec["problem"],
        measures=spec["measures"],
        source_kind=SourceKind.TYPED,
        source_text=rng.choice(PUBLIC_SOURCES if public else INTERNAL_SOURCES),
        from_public=public,
        responsible_id=spec["responsible_id"],
        deadline=deadline,
        weight=spec.get("weight", 1),
        public_id=public_id,
        created_at=at(created),
    )
    timeline = [(at(created), {}, False)]
    cursor = created
    ready = deadline is not None and item.responsible_id is not None
    if ready and rng.random() < PUBLISHED_SHARE:
        cursor = created + timedelta(days=rng.randint(1, 6))
        timeline.append((at(cursor, 15), {"published_at": at(cursor, 15)}, False))
    if status != Status.PLANNED:
        cursor += timedelta(days=rng.randint(2, 8))
        progress = rng.choice([20, 30, 40])
        timeline.append((at(cursor), {"status": Status.IN_PROGRESS, "progress": progress}, True))
    if status == Status.IN_PROGRESS and rng.random() < 0.5:
        cursor += timedelta(days=rng.randint(5, 20))
        timeline.append((at(cursor), {"progress": rng.choice([50, 60, 70])}, True))
    if status in (Status.DONE, Status.VERIFIED, Status.REOPENED):
        cursor += timedelta(days=rng.randint(5, 15))
        timeline.append((at(cursor), {"progress": rng.choice([60, 70, 80])}, True))
        done_on = cursor + timedelta(days=rng.randint(1, 20))
        timeline.append(
            (at(done_on), {"status": Status.DONE, "progress": 100, "done_on": done_on}, False)
        )
        if status != Status.DONE:
            verified_on = done_on + timedelta(days=rng.randint(3, 15))
            timeline.append(
                (at(verified_on), {"status": Status.VERIFIED, "verified_on": verified_on}, False)
            )
        if status == Status.REOPENED:
            reopened_on = done_on + timedelta(days=rng.randint(25, 40))
            timeline.append(
                (
                    at(reopened_on, 16),
                    {
                        "status": Status.REOPENED,
                        "progress": rng.choice([20, 30, 40]),
                        "reopen_reason": REOPEN_REASON,
                        "reopened_on": reopened_on,
                        "reopen_count": 1,
                        "done_on": None,
                        "verified_on": None,
                    },
                    False,
                )
            )
            cursor = reopened_on
    if (
        status not in (Status.DONE, Status.VERIFIED)
        and deadline is not None
        and deadline < today
        and rng.random() < EXPLAINED_SHARE
    ):
        explained_on = max(deadline, cursor) + timedelta(days=rng.randint(1, 10))
        timeline.append(
            (at(explained_on), {"explanation": EXPLANATION, "explained_on": explained_on}, False)
        )
    # Nothing is dated after today (a regenerated campaign run before its dates stays sane).
    timeline = [stage for stage in timeline if stage[0].date() <= today] or [timeline[0]]
    for _moment, changes, _note in timeline:
        for name, value in changes.items():
            setattr(item, name, value)
    return item, timeline


TRACKED = [f.attname for f in RectificationItem._meta.concrete_fields]


def _history(items, timelines) -> None:
    """A published item's historical records, as the services would have written them:
    its creation, its publication and every change after (the public page reads them)."""
    history_model = RectificationItem.history.model
    fields = {f.attname: f for f in RectificationItem._meta.concrete_fields}
    records = []
    for item, timeline in zip(items, timelines, strict=True):
        if item.published_at is None:
            continue
        state = {name: getattr(item, name) for name in TRACKED}
        for _moment, changes, _note in timeline:
            for name in changes:
                state[name] = fields[name].get_default()
        for index, (moment, changes, _note) in enumerate(timeline):
            state.update(changes)
            records.append(
                {
                    **state,
                    "history_date": moment,
                    "history_type": "+" if index == 0 else "~",
                    "history_change_reason": None,
                    "history_user_id": None,
                }
            )
    _insert(history_model, records)


def _notes(rng, items, timelines) -> None:
    """The progress notes the unit wrote on the way (each set the item's progress)."""
    notes = []
    for item, timeline in zip(items, timelines, strict=True):
        for moment, changes, is_note in timeline:
            if is_note:
                notes.append(
                    {
                        "item_id": item.pk,
                        "noted_on": moment.date(),
                        "progress": changes["progress"],
                        "text": rng.choice(NOTES),
                        "author_id": None,
                    }
                )
    _insert(ProgressNote, notes)


def _comments(rng, items, today) -> None:
    """Comments of the public on published items: most shown, some waiting, a few rejected."""
    comments = []
    for item in items:
        if item.published_at is None:
            continue
        draw = rng.random()
        if draw >= 0.2:
            continue
        posted_on = min(
            timezone.localdate(item.published_at) + timedelta(days=rng.randint(2, 30)), today
        )
        if draw < 0.13:
            status, (text, name) = CommentStatus.APPROVED, rng.choice(COMMENTS_SHOWN)
        elif draw < 0.17:
            status, (text, name) = CommentStatus.PENDING, rng.choice(COMMENTS_PENDING)
        else:
            status, (text, name) = CommentStatus.REJECTED, rng.choice(COMMENT_REJECTED)
        moderated = status != CommentStatus.PENDING
        comments.append(
            PublicComment(
                item=item,
                text=text,
                name=name,
                posted_on=posted_on,
                status=status,
                moderated_on=min(posted_on + timedelta(days=rng.randint(0, 3)), today)
                if moderated
                else None,
            )
        )
    PublicComment.objects.bulk_create(comments, batch_size=BATCH_SIZE)


def _deeds(rng, generated, today) -> None:
    """办实事: schools and some other units do one or two deeds for rural schools."""
    campaign = generated.campaign
    deeds = []
    for enrollment in generated.enrollments:
        org = enrollment.organization
        school = org.category == OrgCategory.SCHOOL
        count = rng.randint(1, 2) if school else int(rng.random() < 0.5)
        window = _window(enrollment)
        for _ in range(count):
            title, place, who, number = rng.choice(DEEDS)
            done_on = window.starts_on + timedelta(days=rng.randint(0, 60))
            deeds.append(
                PracticalDeed(
                    campaign=campaign,
                    enrollment=enrollment,
                    organization=org,
                    title=title,
                    done_on=min(done_on, today),
                    beneficiary_school=place,
                    beneficiaries=who,
                    beneficiary_count=number + rng.randint(0, 20),
                    description=f"{org.name}党员志愿服务队{title}。",
                )
            )
    deeds.append(
        PracticalDeed(
            campaign=campaign,
            organization=campaign.organization,
            title="实施渔农村学校校舍改造工程",
            done_on=min(date(2024, 9, 1), today),
            beneficiary_school="白沙小学等10所渔农村学校",
            beneficiaries="渔农村学校师生",
            beneficiary_count=3200,
            description="局党委统筹安排专项资金，完成10所渔农村学校校舍改造和设备配套。",
        )
    )
    PracticalDeed.objects.bulk_create(deeds, batch_size=BATCH_SIZE)


def _mechanisms(rng, generated, leaders, today) -> None:
    """Each unit institutes two to four of the template's recurring activities at the end
    of its rectification phase and holds them at their rhythm."""
    campaign = generated.campaign
    codes = [mechanism.code for mechanism in campaign.rules.mechanisms]
    if not codes:
        return
    stop = min(today, MECHANISM_HORIZON)
    mechanisms = []
    for enrollment in generated.enrollments:
        window = _window(enrollment)
        heads = leaders.get(enrollment.organization_id) or [None]
        for code in rng.sample(codes, k=rng.randint(min(2, len(codes)), min(4, len(codes)))):
            mechanisms.append(
                Mechanism(
                    campaign=campaign,
                    enrollment=enrollment,
                    kind=code,
                    rhythm=MECHANISM_RHYTHMS.get(code, Rhythm.QUARTERLY),
                    started_on=window.ends_on,
                    responsible_id=heads[0],
                    description="列入单位年度工作计划，专人负责，定期检查。",
                )
            )
    Mechanism.objects.bulk_create(mechanisms, batch_size=BATCH_SIZE)
    occurrences = []
    for mechanism in mechanisms:
        step = RHYTHM_STEP[mechanism.rhythm]
        day = mechanism.started_on + timedelta(days=rng.randint(5, 20))
        if mechanism.kind == "summer_training":
            start = mechanism.started_on
            day = date(start.year if start.month < 7 else start.year + 1, 7, 15)
        while day <= stop:
            occurrences.append(
                Occurrence(
                    mechanism=mechanism,
                    held_on=day,
                    topic=TOPICS.get(mechanism.kind, "集中活动"),
                    participants=rng.randint(8, 40),
                    summary="活动按计划开展，参加人员认真学习讨论。",
                )
            )
            day += timedelta(days=step + rng.randint(-5, 5))
    Occurrence.objects.bulk_create(occurrences, batch_size=BATCH_SIZE)
