"""An item's life: planned → in progress → done → verified by the upper level; the upper
level may judge a done or verified item ineffective and reopen it, and the rework then
runs again (reopened → in progress → done → verified).

Plain data and functions; `services.apply_action` enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.rectification.models import Status


class Action(models.TextChoices):
    START = "start", gettext_lazy("Start")
    FINISH = "finish", gettext_lazy("Mark done")
    VERIFY = "verify", gettext_lazy("Verify")
    REOPEN = "reopen", gettext_lazy("Judge ineffective and reopen")


class Actor(models.TextChoices):
    UNIT = "unit", gettext_lazy("the unit")
    UPPER = "upper", gettext_lazy("the upper level")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: str


TRANSITIONS = {
    Action.START: Transition(
        Action.START, (Status.PLANNED, Status.REOPENED), Status.IN_PROGRESS, Actor.UNIT
    ),
    Action.FINISH: Transition(Action.FINISH, (Status.IN_PROGRESS,), Status.DONE, Actor.UNIT),
    Action.VERIFY: Transition(Action.VERIFY, (Status.DONE,), Status.VERIFIED, Actor.UPPER),
    Action.REOPEN: Transition(
        Action.REOPEN, (Status.DONE, Status.VERIFIED), Status.REOPENED, Actor.UPPER
    ),
}


def allowed_actions(status: str) -> list[str]:
    """The actions possible from `status`, whoever may take them."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


def refusal(action: str, status: str) -> str | None:
    """Why `action` is impossible for an item in `status`; None when it is possible."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return _("Unknown action.")
    if status in transition.sources:
        return None
    allowed = "、".join(str(Status(source).label) for source in transition.sources)
    return _(
        "“%(action)s” is not possible for an item that is %(status)s; "
        "only for an item that is %(allowed)s."
    ) % {"action": Action(action).label, "status": Status(status).label, "allowed": allowed}
