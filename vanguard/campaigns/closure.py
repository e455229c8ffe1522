"""What must hold before a unit's campaign can be closed.

Each gate is a function of an enrolment returning its problems (empty when fine). This
module holds the campaign's own gate (every step done, no remedial cycle left open);
later modules register theirs with `@closure_gate` (the survey module: a passed survey).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, overload

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from vanguard.campaigns.models import Enrollment

# A gate: an enrolment's problems in the way of closing it (empty when none).
Gate = Callable[["Enrollment"], list[str]]

CLOSURE_GATES: list[tuple[Gate, str]] = []  # (gate, module; "" for always)


@overload
def closure_gate(gate: Gate) -> Gate: ...
@overload
def closure_gate(gate: None = None, *, module: str = "") -> Callable[[Gate], Gate]: ...
def closure_gate(gate: Gate | None = None, *, module: str = "") -> Gate | Callable[[Gate], Gate]:
    """Register `gate(enrollment) -> list[str]` as a condition for closing a unit; as
    `@closure_gate(module="surveys")` it holds only in campaigns with that module."""

    def register(gate: Gate) -> Gate:
        CLOSURE_GATES[:] = [(g, m) for g, m in CLOSURE_GATES if g is not gate]
        CLOSURE_GATES.append((gate, module))
        return gate

    return register if gate is None else register(gate)


def closure_problems(enrollment: Enrollment) -> list[str]:
    campaign = enrollment.campaign
    return [
        problem
        for gate, module in CLOSURE_GATES
        if not module or campaign.has_module(module)
        for problem in gate(enrollment)
    ]


@closure_gate
def every_step_done(enrollment: Enrollment) -> list[str]:
    from vanguard.campaigns.models import StepStatus

    done = {r.step_code for r in enrollment.steps.all() if r.status == StepStatus.DONE}
    missing = [
        step.title for _phase, step in enrollment.campaign.rules.steps() if step.code not in done
    ]
    if not missing:
        return []
    return [_("Steps not done: %(steps)s") % {"steps": "、".join(missing)}]
