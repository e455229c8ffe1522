"""Live figures: each unit's findings stored per unit and kept current by the worker.

A campaign's verdicts are made of two parts (`compliance.evaluate_units` and
`compliance.evaluate_campaign_part`): what each enrolled unit earns, and what concerns no
unit (coverage, the leading organisation's own duties). The first is the costly part and it
is stored per unit in the cache, stamped with the revisions it was computed at
(`revision`: the global revision, the unit's revision, the day). Pages never run the rules
for units: they read the stored figures and put them together
(`campaign_report`, `unit_report`).

When a write moves a unit's revision, the campaign's stamp no longer matches; the next page
that reads the campaign schedules `refresh_figures` on the background worker (once: a
"queued" marker in the cache) and goes on serving the last figures, saying how old they are
("as of HH:MM:SS"). The task recomputes only the units whose stamp is stale, in one bulk
evaluation, under a lock in the cache: one computation per campaign and language at a time
(single flight). Figures lag the data by the worker's poll interval (1 s) plus the
computation: seconds, bounded by `STALE_BOUND_SECONDS` when the worker keeps up.

When a campaign has no stored figures at all (a fresh cache), a page waits for the worker
to compute them (`_first_figures`); only without a worker does a request compute them —
under the same lock, so that concurrent requests wait for the one computation instead of
repeating it.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypedDict, TypeVar, cast

from django.core.cache import cache
from django.utils import timezone, translation
from django_tasks import task

from vanguard.campaigns import compliance, parts, revision
from vanguard.campaigns.compliance import (
    RULES,
    ComplianceContext,
    ComplianceReport,
    Rule,
    UnitNumber,
)
from vanguard.campaigns.models import Campaign, Enrollment, StepStatus
from vanguard.campaigns.verdicts import Finding, Severity, Totals, Verdict

if TYPE_CHECKING:
    from vanguard.accounts.access import Scope
    from vanguard.campaigns.views.campaign import Bar

LOCK_SECONDS = 120  # a computation that takes longer (or a dead worker) loses the lock
QUEUED_SECONDS = 30  # a queued refresh not started by then may be queued again
WAIT_SECONDS = 60  # how long a request waits for another's first computation
STALE_BOUND_SECONDS = 10  # what `docs/performance.md` promises, with the worker running


@dataclass
class UnitFigures:
    # (global revision, unit revision, day) the figures were computed at; None: computed
    # in a request for a unit missing from the store
    stamp: tuple[int, int, date] | None
    computed_at: datetime
    verdicts: dict[str, list[Finding]]  # per-unit rule code → the unit's findings
    bars: list[Bar]  # the phase plan drawn on the overview (`views.timeline`)
    steps_done: int
    # the unit's numbers (`compliance.unit_figures`: sessions, hours, 参学率 …) by column key
    numbers: dict[str, UnitNumber] = field(default_factory=dict)

    @property
    def level(self) -> Severity:
        """The worst level the unit earns across its verdicts (`ComplianceReport.unit_levels`)."""
        return max(
            (f.level for found in self.verdicts.values() for f in found), default=Severity.OK
        )

    def summary(self) -> UnitSummary:
        totals = {code: Totals.of(found) for code, found in self.verdicts.items()}
        return UnitSummary(
            self.stamp,
            self.computed_at,
            self.bars,
            self.steps_done,
            self.numbers,
            totals,
            Totals.total(totals.values()),
        )


@dataclass
class UnitSummary:
    """A unit's figures without its findings, only how many each rule found: what the
    pages over a whole campaign read of every unit (a few hundred bytes, where the findings
    with their messages and links weigh kilobytes). The findings themselves are read only
    for the units whose findings a page lists (`CampaignTally`)."""

    stamp: tuple[int, int, date] | None
    computed_at: datetime
    bars: list[Bar]
    steps_done: int
    numbers: dict[str, UnitNumber]
    totals: dict[str, Totals]  # rule code → how many findings of each level
    overall: Totals  # over all its rules

    @property
    def level(self) -> Severity:
        return self.overall.level


@dataclass
class State:
    """A campaign's stored figures: their version (keys cached page parts) and, when they
    are older than the data, the time they were computed at."""

    version: int
    computed_at: datetime
    stale: bool

    @property
    def as_of(self) -> datetime | None:
        return self.computed_at if self.stale else None


def _unit_key(enrollment_id: int, language: str) -> str:
    # v2: the figures carry `numbers` (figures stored before it are computed again)
    return f"{revision.namespace()}:unit-figures-v2:{language}:{enrollment_id}"


def _stamp_key(enrollment_id: int, language: str) -> str:
    """The stamp and time of a unit's stored figures alone (small: read for many units)."""
    return f"{revision.namespace()}:unit-stamp:{language}:{enrollment_id}"


def _summary_key(enrollment_id: int, language: str) -> str:
    """A unit's `UnitSummary` (what pages over the whole campaign read of it)."""
    return f"{revision.namespace()}:unit-summary:{language}:{enrollment_id}"


def _meta_key(campaign_id: int, language: str) -> str:
    return f"{revision.namespace()}:campaign-figures:{language}:{campaign_id}"


def _lock_key(campaign_id: int, language: str) -> str:
    return f"{revision.namespace()}:figures-lock:{language}:{campaign_id}"


def _queued_key(campaign_id: int, language: str) -> str:
    return f"{revision.namespace()}:figures-queued:{language}:{campaign_id}"


# -- computing (the worker, or a request on a cold cache) ----------------------------------


class _Computed(TypedDict):
    """A unit's figures as computed: `UnitFigures` without the stamp and time."""

    verdicts: dict[str, list[Finding]]
    bars: list[Bar]
    steps_done: int
    numbers: dict[str, UnitNumber]


def compute_units(campaign: Campaign, unit_ids: Iterable[int], today: date) -> dict[int, _Computed]:
    """Enrolment id → its figures (`UnitFigures` fields but the stamp) for the units
    `unit_ids`, in one evaluation."""
    from vanguard.campaigns.views.campaign import timeline

    report = compliance.evaluate_units(campaign, unit_ids, today=today)
    rules = campaign.rules
    numbers = compliance.unit_numbers(report.context)
    figures: dict[int, _Computed] = {
        e.pk: {
            "verdicts": {},
            "bars": timeline(e, rules),
            "steps_done": sum(1 for r in e.steps.all() if r.status == StepStatus.DONE),
            "numbers": numbers[e.pk],
        }
        for e in report.context.enrollments
    }
    for verdict in report.verdicts:
        for finding in [*verdict.findings, *verdict.evidence]:
            if finding.enrollment_id in figures:
                figures[finding.enrollment_id]["verdicts"].setdefault(verdict.code, []).append(
                    finding
                )
    return figures


def refresh(campaign_id: int, language: str) -> bool:
    """Recompute the campaign's stale unit figures; False (computing nothing) when another
    process holds the lock."""
    lock, token = _lock_key(campaign_id, language), uuid.uuid4().hex
    if not cache.add(lock, token, timeout=LOCK_SECONDS):
        return False
    try:
        with translation.override(language):
            _refresh(campaign_id, language)
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)
    return True


def _refresh(campaign_id: int, language: str) -> None:
    campaign = Campaign.objects.select_related("organization").get(pk=campaign_id)
    started = timezone.now()
    today = timezone.localdate()
    # The revisions are read before the data: a write during the computation leaves
    # figures stamped older than the data, recomputed on the next round.
    stamp = (*revision.campaign_revision(campaign_id), today)
    unit_ids = list(Enrollment.objects.filter(campaign=campaign).values_list("pk", flat=True))
    revisions = revision.unit_revisions(unit_ids)
    # The small entries beside the figures say what they were computed at: reading them,
    # not every unit's figures, finds the stale ones (figures evicted apart from their
    # entry are computed by the page that misses them: `stored_units`).
    keys = {pk: _stamp_key(pk, language) for pk in unit_ids}
    stored = cache.get_many(list(keys.values()))
    stale = [
        pk
        for pk in unit_ids
        if stored.get(keys[pk], (None,))[0] != (stamp[0], revisions[pk], today)
    ]
    if stale:
        computed = compute_units(campaign, stale, today)
        _store(
            {
                pk: UnitFigures((stamp[0], revisions[pk], today), started, **computed[pk])
                for pk in computed
            },
            language,
        )
    meta_key = _meta_key(campaign_id, language)
    version = (cache.get(meta_key) or {}).get("version", 0) + 1
    cache.set(meta_key, {"stamp": stamp, "version": version, "computed_at": started}, timeout=None)


def _store(units: dict[int, UnitFigures], language: str) -> None:
    """Store units' figures, each with a small entry apart (what `units_state` reads):
    their stamp, when they were computed and the unit's level."""
    entries: dict[str, object] = {}
    for pk, unit in units.items():
        summary = unit.summary()
        entries[_unit_key(pk, language)] = unit
        entries[_summary_key(pk, language)] = summary
        entries[_stamp_key(pk, language)] = (unit.stamp, unit.computed_at, unit.level)
        _memo.remember(_unit_key(pk, language), unit)
        _summaries.remember(_summary_key(pk, language), summary)
    cache.set_many(entries, timeout=None)


class _Stamped(Protocol):
    stamp: tuple[int, int, date] | None
    computed_at: datetime


_Kept = TypeVar("_Kept", bound=_Stamped)


class _StampedMemo(Generic[_Kept]):
    """Stored figures read lately, unpickled, by cache key — kept in this process so that a
    page put together again after one unit changed reads that unit's alone from the cache.
    An entry serves only while the unit's stamp entry in the cache names the same stamp and
    computation time; the least recently used go first. Never mutated by readers."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, _Kept] = OrderedDict()

    def remember(self, key: str, value: _Kept) -> None:
        self.entries[key] = value
        _used(self.entries, key)
        while len(self.entries) > self.size:
            try:
                self.entries.popitem(last=False)
            except KeyError:  # emptied by another thread (the development server's)
                break

    def get(self, key: str, stamp_entry: tuple[object, ...] | None) -> _Kept | None:
        value = self.entries.get(key)
        if value is None or stamp_entry is None:
            return None
        if stamp_entry[:2] != (value.stamp, value.computed_at):
            return None
        _used(self.entries, key)
        return value

    def clear(self) -> None:
        self.entries.clear()


# Whole figures (300 at city: 3.6 MB to unpickle), and the summaries (small: every unit of a
# province campaign fits).
_memo: _StampedMemo[UnitFigures] = _StampedMemo(300)
_summaries: _StampedMemo[UnitSummary] = _StampedMemo(20_000)


def _used(memo: OrderedDict[Any, Any], key: object) -> None:
    """Mark `key` most recently used (gone already if another thread dropped it)."""
    with contextlib.suppress(KeyError):
        memo.move_to_end(key)


@task()
def refresh_figures(campaign_id: int, language: str) -> None:
    """The worker's refresh of a campaign's figures (waits for a computation under way)."""
    cache.delete(_queued_key(campaign_id, language))
    deadline = time.monotonic() + LOCK_SECONDS
    while not refresh(campaign_id, language):
        if time.monotonic() > deadline:
            return
        time.sleep(0.2)


def schedule(campaign_id: int, language: str) -> None:
    """Queue one refresh of the campaign's figures (not again while one is queued). With a
    cache in process memory (development) the worker's results would never reach the web
    process: the stale units are then computed here."""
    if not parts.cache_is_shared():
        refresh(campaign_id, language)
        return
    if cache.add(_queued_key(campaign_id, language), 1, timeout=QUEUED_SECONDS):
        refresh_figures.enqueue(campaign_id, language)


# -- reading (pages) -----------------------------------------------------------------------


def stored_state(campaign: Campaign) -> State | None:
    """The campaign's stored figures if there are any, without computing them."""
    meta = cache.get(_meta_key(campaign.pk, translation.get_language()))
    return None if meta is None else State(meta["version"], meta["computed_at"], stale=False)


def state(campaign: Campaign) -> State:
    """The campaign's stored figures, made to exist (computed here only when there are
    none), and a refresh scheduled when they are older than the data."""
    language = translation.get_language()
    meta_key = _meta_key(campaign.pk, language)
    meta = cache.get(meta_key)
    if meta is None:
        meta = _first_figures(campaign.pk, language)
        return State(meta["version"], meta["computed_at"], stale=False)
    current = (*revision.campaign_revision(campaign.pk), timezone.localdate())
    if meta["stamp"] != current:
        schedule(campaign.pk, language)
        meta = cache.get(meta_key) or meta  # the immediate backend (tests) refreshed it
        return State(meta["version"], meta["computed_at"], stale=meta["stamp"] != current)
    return State(meta["version"], meta["computed_at"], stale=False)


FIRST_WAIT_SECONDS = 30  # how long a request waits for the worker's first figures


def _first_figures(campaign_id: int, language: str) -> dict[str, Any]:
    """The campaign's first figures (a fresh cache), the request waiting for them. The
    worker computes them when the cache is shared with it: a whole campaign's evaluation
    takes seconds and, at province, some 250 MB that a web process would keep. Without a
    worker, or when it has not done so in `FIRST_WAIT_SECONDS` (busy with an export), one
    request computes them while the others wait."""
    meta_key = _meta_key(campaign_id, language)
    if parts.cache_is_shared():
        schedule(campaign_id, language)
        deadline = time.monotonic() + FIRST_WAIT_SECONDS
        while (meta := cache.get(meta_key)) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if meta is not None:
            return cast(dict[str, Any], meta)
    if not refresh(campaign_id, language):
        _wait_for(campaign_id, language)
    meta = cache.get(meta_key)
    if meta is None:  # the other computation failed: ours then
        refresh(campaign_id, language)
        meta = cache.get(meta_key) or {"version": 0, "computed_at": timezone.now()}
    return cast(dict[str, Any], meta)


def _wait_for(campaign_id: int, language: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while cache.get(_lock_key(campaign_id, language)) and time.monotonic() < deadline:
        time.sleep(0.1)


def stored_units(enrollments: Iterable[Enrollment], campaign: Campaign) -> dict[int, UnitFigures]:
    """Each enrolment's stored figures (computed here for any missing)."""
    language = translation.get_language()
    keys = {e.pk: _unit_key(e.pk, language) for e in enrollments}
    stamp_keys = {pk: _stamp_key(pk, language) for pk in keys}
    stamps = cache.get_many(list(stamp_keys.values())) if _memo.entries else {}
    figures: dict[int, UnitFigures] = {}
    for pk, key in keys.items():
        if (unit := _memo.get(key, stamps.get(stamp_keys[pk]))) is not None:
            figures[pk] = unit
    stored = cache.get_many([key for pk, key in keys.items() if pk not in figures])
    for pk, key in keys.items():
        if key in stored:
            figures[pk] = stored[key]
            _memo.remember(key, stored[key])
    missing = [pk for pk in keys if pk not in figures]
    if missing:  # evicted, or enrolled since the last refresh
        # Stamped with the revisions read before the data, as the worker does: a write
        # meanwhile leaves them stale, computed again by the next refresh.
        now, today = timezone.now(), timezone.localdate()
        everything, revisions = revision.global_revision(), revision.unit_revisions(missing)
        computed = compute_units(campaign, missing, today)
        fresh = {
            pk: UnitFigures((everything, revisions[pk], today), now, **computed[pk])
            for pk in computed
        }
        _store(fresh, language)
        figures.update(fresh)
    return figures


def stored_summaries(
    enrollments: Iterable[Enrollment], campaign: Campaign
) -> dict[int, UnitSummary]:
    """Each enrolment's stored `UnitSummary` (from its figures, computed for any missing)."""
    language = translation.get_language()
    keys = {e.pk: _summary_key(e.pk, language) for e in enrollments}
    stamps = cache.get_many([_stamp_key(pk, language) for pk in keys])
    summaries: dict[int, UnitSummary] = {}
    for pk, key in keys.items():
        stamp_entry = stamps.get(_stamp_key(pk, language))
        if (summary := _summaries.get(key, stamp_entry)) is not None:
            summaries[pk] = summary
    stored = cache.get_many([key for pk, key in keys.items() if pk not in summaries])
    for pk, key in keys.items():
        if key in stored:
            summaries[pk] = stored[key]
            _summaries.remember(key, stored[key])
    missing = [e for e in enrollments if e.pk not in summaries]
    if missing:  # evicted, or stored before summaries were: from the figures
        for pk, unit in stored_units(missing, campaign).items():
            summaries[pk] = unit.summary()
            cache.add(keys[pk], summaries[pk], timeout=None)  # never over a newer one
    return summaries


@dataclass
class UnitsState:
    """The stored figures of some units (a unit's page, a reader's reach): `version` moves
    when the figures of one of them are recomputed, or when a write no unit owns moves the
    global revision — not when another unit's data changes. `made_at`: when the newest of
    them were computed; `as_of`: when the oldest stale one was, if any is older than its
    data."""

    version: str
    made_at: datetime
    as_of: datetime | None
    levels: dict[int, Severity | None]  # each unit's level (None: its figures evicted)


def units_state(
    campaign: Campaign, enrollment_ids: Iterable[int], *, campaign_part: bool = False
) -> UnitsState:
    """The state of the stored figures of the units `enrollment_ids` of `campaign` (their
    campaign's figures made to exist, and a refresh scheduled when stale: `state`);
    `campaign_part`: the version follows the campaign's own rows too (a page showing what
    concerns no unit)."""
    campaign_state = state(campaign)
    language = translation.get_language()
    ids = sorted(enrollment_ids)
    keys = {pk: _stamp_key(pk, language) for pk in ids}
    stamps = cache.get_many(list(keys.values()))
    everything, revisions = revision.global_revision(), revision.unit_revisions(ids)
    today = timezone.localdate()
    parts, made, stale = [f"g{everything}"], [], []
    if campaign_part:
        parts.append(revision.campaign_part_stamp(campaign.pk))
    levels: dict[int, Severity | None] = {}
    for pk in ids:
        stamp, computed_at, *level = stamps.get(keys[pk], (None, None))
        levels[pk] = level[0] if level and computed_at is not None else None
        parts.append(f"{pk}={stamp}")
        if computed_at is None:
            continue  # evicted: computed when read (`stored_units`), then stamped
        made.append(computed_at)
        if stamp != (everything, revisions[pk], today):
            stale.append(computed_at)
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()
    return UnitsState(
        version=digest,
        made_at=max(made, default=campaign_state.computed_at),
        as_of=min(stale, default=None),
        levels=levels,
    )


def reach_state(campaign: Campaign, scope: Scope) -> UnitsState:
    """`units_state` of the units `scope` reads. A reader of the whole campaign (the office,
    a leader) follows the campaign's figures version instead: the same moves, without
    reading every unit's stamp (3,000 at province) on each request."""
    if scope.can_view_org(campaign.organization):  # reads the leading organisation's subtree
        whole = state(campaign)
        return UnitsState(f"v{whole.version}", whole.computed_at, whole.as_of, levels={})
    return units_state(campaign, enrollment_ids_in(campaign, scope), campaign_part=True)


def enrollments_in(campaign: Campaign, scope: Scope | None = None) -> list[Enrollment]:
    """The campaign's enrolments as far as `scope` reaches, with what a row shows. The
    batches are read once and shared (joined, each row built its own copy of its batch and
    decoded its categories: half of the 3,000 enrolments' cost at province)."""
    queryset = Enrollment.objects.filter(campaign=campaign).select_related("organization")
    if scope is not None:
        queryset = queryset.filter(scope.unit_filter())
    enrollments = list(queryset.order_by("batch__number", "organization__path"))
    batches = {batch.pk: batch for batch in campaign.batches.all()}
    for enrollment in enrollments:
        enrollment.batch = batches[enrollment.batch_id]
    return enrollments


def enrollment_ids_in(campaign: Campaign, scope: Scope) -> list[int]:
    """The ids of the campaign's enrolments as far as `scope` reaches."""
    queryset = Enrollment.objects.filter(campaign=campaign).filter(scope.unit_filter())
    return list(queryset.values_list("pk", flat=True))


def failing_unit_count(campaign: Campaign) -> int:
    """How many of the campaign's units fail a rule: read from the small entries stored
    beside their figures (`units_state`), so a page showing the count (the office's to-do
    list) reads no unit's figures — but those of units evicted from the cache."""
    ids = list(Enrollment.objects.filter(campaign=campaign).values_list("pk", flat=True))
    levels = units_state(campaign, ids).levels
    missing = [pk for pk, level in levels.items() if level is None]
    if missing:
        enrollments = Enrollment.objects.filter(pk__in=missing)
        levels.update({pk: u.level for pk, u in stored_units(enrollments, campaign).items()})
    return sum(1 for level in levels.values() if level == Severity.FAILING)


def campaign_report(
    campaign: Campaign, *, scope: Scope | None = None, codes: Iterable[str] | None = None
) -> ComplianceReport:
    """The verdicts `compliance.evaluate` gives, put together from the stored unit figures
    and the campaign-wide part, with every finding: for a few units (a unit's liaison
    points). Over a whole campaign `campaign_tally` counts them without reading them all.
    `report.units` holds each enrolment's stored figures."""
    context = ComplianceContext(campaign, scope=scope)
    context.__dict__["enrollments"] = enrollments_in(campaign, scope)
    rules = _rules(campaign, codes)
    part = _campaign_part(campaign, scope, [r.code for r in rules])
    units = stored_units(context.enrollments, campaign)
    template = campaign.rules
    verdicts = []
    for rule, general in zip(rules, part, strict=True):
        findings = [f for f in [*general.findings, *general.evidence] if f.enrollment_id is None]
        if rule.per_unit:
            for enrollment in context.enrollments:
                findings += units[enrollment.pk].verdicts.get(rule.code, [])
        verdicts.append(rule.verdict(template, findings))
    report = ComplianceReport(context, verdicts)
    report.units = units
    return report


def _rules(campaign: Campaign, codes: Iterable[str] | None) -> list[Rule]:
    if codes is None:
        return compliance.rules_for(campaign)
    return [RULES[code] for code in codes if RULES[code].applies_to(campaign)]  # of its modules


def _campaign_part(campaign: Campaign, scope: Scope | None, codes: list[str]) -> list[Verdict]:
    """The verdicts of what concerns no unit, cached until a write of the campaign's own
    rows or one nobody attributed (it reads no unit's data)."""
    return cast(  # never None: the default is computed when missing
        list[Verdict],
        cache.get_or_set(
            revision.cache_key(
                "campaign-part",
                campaign.pk,
                timezone.localdate(),
                translation.get_language(),
                *codes,
                *(scope.read_paths if scope is not None else ["*"]),
                revision=revision.campaign_part_stamp(campaign.pk),
            ),
            lambda: compliance.evaluate_campaign_part(campaign, scope=scope, codes=codes).verdicts,
            timeout=revision.timeout(),
        ),
    )


@dataclass
class CampaignTally:
    """A campaign's verdicts over a reach, counted from its units' summaries
    (`campaign_tally`): each verdict's level and totals without reading any unit's
    findings; `verdicts(window)` then lists the findings in a window of each verdict (the
    overview's first ten, one page of the verdict page), reading the findings of the units
    that window covers alone. `summaries` feed the rows, the report and the data screen."""

    context: ComplianceContext
    rules: list[Rule]
    general: list[Verdict]  # the campaign-wide part, rule by rule (`evaluate_campaign_part`)
    summaries: dict[int, UnitSummary]

    @property
    def enrollments(self) -> list[Enrollment]:
        return self.context.enrollments

    def verdicts(self, window: slice) -> list[Verdict]:
        """Each rule's verdict with its totals, listing its findings and its evidence in
        `window` (positions in the order `campaign_report` gives: the campaign-wide ones,
        then each unit's in the enrolments' order)."""
        plans = [
            self._plan(rule, general, window)
            for rule, general in zip(self.rules, self.general, strict=True)
        ]
        wanted = {key for _, *parts in plans for part in parts for key, _ in part}
        read = [e for e in self.enrollments if e.pk in wanted]
        units = stored_units(read, self.context.campaign) if read else {}
        template = self.context.campaign.rules
        verdicts = []
        for rule, general, (totals, problems, evidence) in zip(
            self.rules, self.general, plans, strict=True
        ):
            shown: list[Finding] = []
            for part, level_wanted in ((problems, True), (evidence, False)):
                for key, part_window in part:
                    found = (
                        general.findings + general.evidence
                        if key is None
                        else (units[key].verdicts.get(rule.code, []))
                    )
                    listed = [
                        f
                        for f in found
                        if (f.level > Severity.OK) == level_wanted
                        and (key is not None or f.enrollment_id is None)
                    ]
                    shown += listed[part_window]
            verdicts.append(replace(rule.verdict(template, shown), totals=totals))
        return verdicts

    def _plan(
        self, rule: Rule, general: Verdict, window: slice
    ) -> tuple[Totals, list[tuple[int | None, slice]], list[tuple[int | None, slice]]]:
        """A rule's totals, and which findings (problems, evidence) of whom fall in `window`."""
        own = [f for f in [*general.findings, *general.evidence] if f.enrollment_id is None]
        totals = Totals.of(own)
        problems: list[tuple[int | None, int]] = [(None, totals.problems)]
        evidence: list[tuple[int | None, int]] = [(None, totals.evidence)]
        if rule.per_unit:
            units = self._by_rule.get(rule.code, [])
            totals = Totals.total((unit for _, unit in units), totals)
            problems += [(pk, unit.failing + unit.warning) for pk, unit in units]
            evidence += [(pk, unit.evidence) for pk, unit in units]
        return totals, in_window(problems, window), in_window(evidence, window)

    @cached_property
    def _by_rule(self) -> dict[str, list[tuple[int, Totals]]]:
        """Rule code → (enrolment id, its totals) of the units it found something in, in
        the enrolments' order."""
        by_rule: dict[str, list[tuple[int, Totals]]] = {}
        for pk in [e.pk for e in self.enrollments]:
            for code, totals in self.summaries[pk].totals.items():
                by_rule.setdefault(code, []).append((pk, totals))
        return by_rule


def in_window(sizes: list[tuple[int | None, int]], window: slice) -> list[tuple[int | None, slice]]:
    """Of items numbered in the order of `sizes` (how many each key has), the keys with
    items in `window`, each with the slice of its own items that falls in it."""
    start, stop = window.start or 0, window.stop
    chosen: list[tuple[int | None, slice]] = []
    offset = 0
    for key, size in sizes:
        if stop is not None and offset >= stop:
            break
        if size and offset + size > start:
            chosen.append(
                (key, slice(max(start - offset, 0), None if stop is None else stop - offset))
            )
        offset += size
    return chosen


def campaign_tally(
    campaign: Campaign, *, scope: Scope | None = None, codes: Iterable[str] | None = None
) -> CampaignTally:
    """The campaign's verdicts over `scope`'s reach, counted (`CampaignTally`)."""
    context = ComplianceContext(campaign, scope=scope)
    context.__dict__["enrollments"] = enrollments_in(campaign, scope)
    rules = _rules(campaign, codes)
    return CampaignTally(
        context,
        rules,
        _campaign_part(campaign, scope, [r.code for r in rules]),
        stored_summaries(context.enrollments, campaign),
    )


def unit_report(enrollment: Enrollment) -> ComplianceReport:
    """The per-unit verdicts of one enrolled unit, from its stored figures."""
    found = stored_units([enrollment], enrollment.campaign)[enrollment.pk].verdicts
    context = ComplianceContext(enrollment.campaign, enrollment=enrollment)
    template = enrollment.campaign.rules
    verdicts = [
        r.verdict(template, found.get(r.code, []))
        for r in compliance.rules_for(enrollment.campaign, per_unit=True)
    ]
    return ComplianceReport(context, verdicts)
