"""Benchmark data for surveys (vanguard.datagen): every unit surveyed once near the end of its
last phase, as the office does it — a list of the public and a list of representatives
imported, a seed announced and the sample drawn with the app's own algorithm
(`sampling.draw`, so `verify_draw` re-draws the same rows from the file), codes issued
(stored only as a set of keyed hashes with no person, `ValidCode`), the public's answers, the survey
closed and judged by the template's rule. A few units' public was dissatisfied: those are
in 补课, opened by the same service `close_survey` calls.

The state is what `close_survey` leaves: contact details erased from the lists (the frame's
fingerprint was taken of the file as imported), responses with random keys in an order
unrelated to the roll's, no time and nothing of the invitation but its method and group.
Generated rows carry no history (nobody edited them). Bulk inserts; deterministic from the
generator's rng — `plan` is pure, so a test can rebuild the "files" and re-draw them.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.demo import GIVEN, SURNAMES
from vanguard.core import bulk
from vanguard.orgs.models import OrgCategory
from vanguard.surveys import results, sampling, services
from vanguard.surveys.demo import (
    COMMENTS,
    ESTATES,
    OFFICE_GROUPS,
    REPRESENTATIVE,
    SCHOOL_GROUPS,
    STREETS,
    TELLERS,
    WITNESS_ROLES,
)
from vanguard.surveys.models import (
    Channel,
    Draw,
    Frame,
    FrameRow,
    Invitation,
    Method,
    Outcome,
    Response,
    Survey,
    SurveyStatus,
    SurveyTeller,
    ValidCode,
)
from vanguard.surveys.questions import questionnaire_for

BATCH_SIZE = 5_000
SAMPLE_FILE = "抽样名单.xlsx"
REPRESENTATIVES_FILE = "群众代表名单.xlsx"
FAILING_SHARE = 50  # one unit in this many (at least one) has a dissatisfied majority


@dataclass
class Invited:
    method: str
    row: sampling.FrameRow
    code: str  # plaintext, only to make its hash; never stored
    answer: tuple[str, dict[str, str], str] | None = None  # overall, graded, comment


@dataclass
class UnitPlan:
    """One unit's survey, in memory: the files as imported, the draw, who was invited and
    who answered what."""

    enrollment: object
    opens_on: date
    closes_on: date
    published: bool
    sample_rows: list[sampling.FrameRow]
    representative_rows: list[sampling.FrameRow]
    spec: sampling.DrawSpec
    seed_source: str
    witnesses: list[str]
    selected: list[int]
    fingerprint: str
    invited: list[Invited] = field(default_factory=list)
    failing: bool = False

    @property
    def prepared_on(self) -> date:
        return self.opens_on - timedelta(days=7)

    @property
    def closed_on(self) -> date:
        return self.closes_on + timedelta(days=1)


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def plan(generated, scale, rng: random.Random) -> list[UnitPlan]:
    """Every unit's survey, without touching the database."""
    campaign = generated.campaign
    enrollments = generated.enrollments
    rules = campaign.rules
    questionnaire = questionnaire_for(rules).to_dict()
    unhappy_code = rules.satisfaction.dissatisfied[0]
    others = [o["code"] for o in questionnaire["options"] if o["code"] != unhappy_code]
    grades = [grade["code"] for grade in questionnaire["grades"]]
    questions = [question["code"] for question in questionnaire["questions"]]
    last_phase = rules.phases[-1].code
    # Codes and random keys differ between campaigns generated from the same seed (their
    # hashes and keys are unique in the database), yet are the same for the same campaign.
    keys = random.Random(f"{campaign.code}-{rng.getrandbits(64)}")
    failing = set(rng.sample(range(len(enrollments)), max(1, len(enrollments) // FAILING_SHARE)))
    people = _split(scale.frame_people, len(enrollments))
    responses = _split(scale.survey_responses, len(enrollments))
    plans = []
    for index, enrollment in enumerate(enrollments):
        window = next(w for w in enrollment.phases.all() if w.phase_code == last_phase)
        groups = (
            SCHOOL_GROUPS
            if enrollment.organization.category == OrgCategory.SCHOOL
            else OFFICE_GROUPS
        )
        representatives = min(12, max(1, people[index] // 25), people[index] - 1)
        sample_rows = _frame(rng, people[index] - representatives, groups)
        representative_rows = [
            _person(rng, number, REPRESENTATIVE) for number in range(2, 2 + representatives)
        ]
        # About four in five of the invited answer: invite enough for the unit's responses.
        wanted = math.ceil(responses[index] / rng.uniform(0.75, 0.9))
        size = max(1, min(len(sample_rows), wanted - representatives))
        spec = sampling.DrawSpec(
            seed="-".join(str(rng.randint(1, 6)) for _ in range(10)),
            size=size,
            strata={group: str(share) for group, share in groups.items()},
        )
        fingerprint = sampling.fingerprint(sample_rows)
        pairs = [(row.number, row.group) for row in sample_rows]
        try:
            selected = sampling.draw(pairs, fingerprint, spec)
        except sampling.DrawError:  # a stratum too small for the sample: draw unstratified
            spec = sampling.DrawSpec(seed=spec.seed, size=size)
            selected = sampling.draw(pairs, fingerprint, spec)
        unit = UnitPlan(
            enrollment=enrollment,
            opens_on=window.ends_on - timedelta(days=14),
            closes_on=window.ends_on - timedelta(days=3),
            published=rng.random() < 0.9,
            sample_rows=sample_rows,
            representative_rows=representative_rows,
            spec=spec,
            seed_source="在测评现场当众连掷骰子十次",
            witnesses=[
                f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}（{role}）"
                for role in rng.sample(WITNESS_ROLES, 3)
            ],
            selected=selected,
            fingerprint=fingerprint,
            failing=index in failing,
        )
        chosen = set(selected)
        unit.invited = [
            Invited(Method.RANDOM_SAMPLE, row, _code(keys))
            for row in sample_rows
            if row.number in chosen
        ] + [Invited(Method.REPRESENTATIVES, row, _code(keys)) for row in representative_rows]
        _answer(rng, unit, responses[index], unhappy_code, others, questions, grades)
        plans.append(unit)
    return plans


def _frame(rng: random.Random, count: int, groups: dict[str, int]) -> list[sampling.FrameRow]:
    """A list of `count` people: each group its share (largest remainder), in random order."""
    sizes = sampling.allocate(count, groups, {group: count for group in groups}) if count else {}
    labels = [group for group in groups for _ in range(sizes.get(group, 0))]
    rng.shuffle(labels)
    return [_person(rng, number, group) for number, group in enumerate(labels, start=2)]


def _person(rng: random.Random, number: int, group: str) -> sampling.FrameRow:
    """A row as the import keeps it; names may repeat, the contact makes the person."""
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if rng.random() < 0.8:
        phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{number:08d}"
        return sampling.FrameRow(number, name, group, phone, "")
    address = (
        f"{rng.choice(STREETS)}{rng.choice(ESTATES)}{rng.randint(1, 30)}幢"
        f"{rng.randint(1, 4)}单元{number}室"
    )
    return sampling.FrameRow(number, name, group, "", address)


def _code(keys: random.Random) -> str:
    """A code as `services.new_code` makes them (from the generator's keys, not `secrets`)."""
    bits = keys.getrandbits(5 * services.CODE_LENGTH)
    alphabet = services.CODE_ALPHABET
    return "".join(alphabet[(bits >> (5 * i)) & 31] for i in range(services.CODE_LENGTH))


def _answer(rng, unit: UnitPlan, count: int, unhappy_code, others, questions, grades) -> None:
    answering = rng.sample(unit.invited, min(count, len(unit.invited)))
    if unit.failing:
        unhappy = max(round(len(answering) * 0.58), len(answering) // 2 + 1)
    else:
        unhappy = round(len(answering) * rng.uniform(0.03, 0.15))
    weights = [2**-index for index in range(len(others))]  # more 满意 than 基本满意
    ratings = [unhappy_code] * unhappy + [
        rng.choices(others, weights=weights)[0] for _ in range(len(answering) - unhappy)
    ]
    rng.shuffle(ratings)
    for invited, overall in zip(answering, ratings, strict=True):
        bad = overall == unhappy_code
        graded = {
            code: rng.choice(grades[2:4] if bad else grades[:3])
            for code in questions
            if rng.random() < 0.9
        }
        comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
        invited.answer = (overall, graded, comment)


# -- writing ---------------------------------------------------------------------------


def generate(generated, scale, rng: random.Random) -> None:
    campaign = generated.campaign
    rules = campaign.rules
    questionnaire = questionnaire_for(rules).to_dict()
    plans = plan(generated, scale, rng)
    keys = random.Random(f"{campaign.code}-keys-{rng.getrandbits(64)}")

    surveys = []
    for unit in plans:
        counts: dict[str, int] = {}
        for invited in unit.invited:
            if invited.answer:
                counts[invited.answer[0]] = counts.get(invited.answer[0], 0) + 1
        outcome = results.judge(rules.satisfaction, counts, len(unit.invited))
        surveys.append(
            Survey(
                enrollment=unit.enrollment,
                number=1,
                opens_on=unit.opens_on,
                closes_on=unit.closes_on,
                status=SurveyStatus.CLOSED,
                outcome=outcome,
                closed_on=unit.closed_on,
                published_on=unit.closes_on + timedelta(days=4) if unit.published else None,
                questionnaire=questionnaire,
                public_key=f"{keys.getrandbits(256):064x}",
            )
        )
    Survey.objects.bulk_create(surveys, batch_size=BATCH_SIZE)

    frames = []
    for unit, survey in zip(plans, surveys, strict=True):
        for method, rows, filename in (
            (Method.RANDOM_SAMPLE, unit.sample_rows, SAMPLE_FILE),
            (Method.REPRESENTATIVES, unit.representative_rows, REPRESENTATIVES_FILE),
        ):
            frames.append(
                Frame(
                    survey=survey,
                    method=method,
                    filename=filename,
                    row_count=len(rows),
                    fingerprint=unit.fingerprint
                    if method == Method.RANDOM_SAMPLE
                    else sampling.fingerprint(rows),
                    imported_on=unit.prepared_on,
                )
            )
    Frame.objects.bulk_create(frames, batch_size=BATCH_SIZE)

    draws = []
    for unit, frame in zip(plans, frames[::2], strict=True):
        draws.append(
            Draw(
                frame=frame,
                fingerprint=frame.fingerprint,
                seed=sampling.check_seed(unit.spec.seed),
                seed_source=unit.seed_source,
                witnesses="\n".join(unit.witnesses),
                size=unit.spec.size,
                strata=dict(unit.spec.strata or {}),
                announced_on=unit.prepared_on,
                drawn_on=unit.prepared_on,
                selected_rows=unit.selected,
            )
        )
    Draw.objects.bulk_create(draws, batch_size=BATCH_SIZE)

    # The lists as closing leaves them: contact details erased.
    frame_rows = []
    for index, unit in enumerate(plans):
        for frame, people in (
            (frames[2 * index], unit.sample_rows),
            (frames[2 * index + 1], unit.representative_rows),
        ):
            frame_rows += [(frame.pk, p.number, p.name, p.group, "", "") for p in people]
    bulk.insert(FrameRow, ["frame", "number", "name", "group", "phone", "address"], frame_rows)
    row_ids = {
        (frame_id, number): pk
        for pk, frame_id, number in FrameRow.objects.filter(
            frame__survey__enrollment__campaign=campaign
        ).values_list("pk", "frame_id", "number")
    }

    invitations, answers, valid_codes = [], [], []
    for index, (unit, survey) in enumerate(zip(plans, surveys, strict=True)):
        frame_of = {
            Method.RANDOM_SAMPLE: frames[2 * index].pk,
            Method.REPRESENTATIVES: frames[2 * index + 1].pk,
        }
        channel = {True: Channel.SMS.value, False: Channel.SLIP.value}
        for invited in unit.invited:
            row_id = row_ids[(frame_of[invited.method], invited.row.number)]
            invitations.append(
                (
                    survey.pk,
                    row_id,
                    invited.method,
                    invited.row.group,
                    unit.prepared_on,
                    channel[bool(invited.row.phone)],
                )
            )
            valid_codes.append(
                (
                    _uuid(keys),
                    survey.pk,
                    services.hash_code(invited.code),
                    invited.method,
                    invited.row.group,
                    bool(invited.answer),
                )
            )
            if invited.answer:
                answers.append((survey.pk, row_id, invited))
    bulk.insert(
        Invitation,
        ["survey", "frame_row", "method", "group", "issued_on", "channel"],
        invitations,
    )
    # The set of valid codes, with no person, in random order.
    rng.shuffle(valid_codes)
    bulk.insert(ValidCode, ["id", "survey", "digest", "method", "group", "used"], valid_codes)
    # Each survey's tellers (their codes were destroyed after the close: random digests).
    bulk.insert(
        SurveyTeller,
        ["survey", "index", "name", "share_digest"],
        [
            (survey.pk, index, name, f"{keys.getrandbits(256):064x}")
            for survey in surveys
            for index, name in enumerate(TELLERS, start=1)
        ],
    )
    # The close wrote each survey's responses in random order; the sealed pool is gone.
    rng.shuffle(answers)
    bulk.insert(
        Response,
        ["id", "survey", "method", "group", "overall", "answers", "comment"],
        [
            (_uuid(keys), survey_id, invited.method, invited.row.group, *invited.answer)
            for survey_id, _row_id, invited in answers
        ],
    )

    for unit, survey in zip(plans, surveys, strict=True):
        if survey.outcome == Outcome.FAILED:
            _remedial(unit.enrollment, survey, rules)


def _uuid(keys: random.Random) -> uuid.UUID:
    return uuid.UUID(int=keys.getrandbits(128), version=4)


def _remedial(enrollment, survey: Survey, rules) -> None:
    """What `close_survey` does for a dissatisfied majority: the unit enters 补课."""
    if enrollment.remedial_cycles.filter(closed_on__isnull=True).exists():
        return
    from vanguard.surveys import results

    survey.enrollment = enrollment
    counts = results.option_counts(survey)
    campaign_services.start_remedial(
        enrollment,
        reason=services._remedial_reason(survey, counts),
        today=survey.closed_on,
        acting=None,
    )
