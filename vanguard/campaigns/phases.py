"""When a unit's phase counts as started (转段): the one place that says so.

A phase of a unit starts on the first day of its window (`PhaseWindow.starts_on`) —
unless a registered gate holds it back. A phase app registers a gate with
`@phase_gate(module=...)`: `gate(campaign, enrollment_ids) -> {(enrollment_id,
phase_code): reason}` naming the phases it holds and why (the reporting app: the summary
of the phase before is not yet approved, when the template's `[summaries]
approval_required` is on). A held phase holds the ones after it too: phases follow one
another. Gates answer for many units in one go, with a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vanguard.campaigns.models import Campaign, Enrollment

Held = dict[tuple[int, str], str]  # (enrolment id, phase code) → why it may not start
Gate = Callable[[Any, list[int]], Held]
PHASE_GATES: list[tuple[Gate, str]] = []  # (gate, module; "" for always)


def phase_gate(gate: Gate | None = None, *, module: str = "") -> Any:
    """Register `gate(campaign, enrollment_ids) -> {(enrollment_id, phase_code): reason}`;
    with `module`, it holds only in campaigns with that module."""

    def register(gate: Gate) -> Gate:
        PHASE_GATES[:] = [(g, m) for g, m in PHASE_GATES if g is not gate]
        PHASE_GATES.append((gate, module))
        return gate

    return register if gate is None else register(gate)


def held_phases(campaign: Campaign, enrollment_ids: Iterable[int]) -> Held:
    """(enrolment id, phase code) → why the phase may not start yet, for the given units."""
    ids = list(enrollment_ids)
    held: Held = {}
    if not ids:
        return held
    for gate, module in PHASE_GATES:
        if module and not campaign.has_module(module):
            continue
        held.update(gate(campaign, ids))
    return held


@dataclass(frozen=True)
class PhaseState:
    """A unit's position in its plan on one day: the phase under way (its code, or "")
    and, when the next phase's window has begun but a gate holds it, that phase and why."""

    current: str
    held: str = ""
    reason: str = ""


def phase_state(enrollment: Enrollment, today: date, held: Held | None = None) -> PhaseState:
    """Where the unit stands on `today` (its windows prefetched, `enrollment.phases`)."""
    if held is None:
        held = held_phases(enrollment.campaign, [enrollment.pk])
    current = ""
    for window in sorted(enrollment.phases.all(), key=lambda w: w.starts_on):
        if window.starts_on > today:
            break
        reason = held.get((enrollment.pk, window.phase_code))
        if reason:
            return PhaseState(current, window.phase_code, reason)
        current = window.phase_code
    return PhaseState(current)


def phase_started(
    enrollment: Enrollment, phase_code: str, today: date, held: Held | None = None
) -> bool:
    """Whether the unit's phase `phase_code` counts as started on `today`."""
    windows = sorted(enrollment.phases.all(), key=lambda w: w.starts_on)
    codes = [w.phase_code for w in windows]
    if phase_code not in codes:
        return False
    state = phase_state(enrollment, today, held)
    if not state.current:
        return False
    return codes.index(phase_code) <= codes.index(state.current)
