"""Links to modules built beside this one, looked up lazily so this app works without them.

- `leader_visit_model()`: the study module's `LeaderVisit` (三进 visits), or None.
- `rectification_hook()`: `vanguard.rectification.services.create_item_from_source`, or
  None; a suggestion can become a rectification item only when it exists.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from django.apps import apps

RECTIFICATION_SERVICES = "vanguard.rectification.services"
RECTIFICATION_FUNCTION = "create_item_from_source"


def leader_visit_model():
    """`study.LeaderVisit` when the study module provides it, else None."""
    try:
        return apps.get_model("study", "LeaderVisit")
    except LookupError:
        return None


def rectification_hook() -> Callable | None:
    """The rectification module's `create_item_from_source(source, *, campaign, organization,
    problem)`, if it exists."""
    try:
        if importlib.util.find_spec(RECTIFICATION_SERVICES) is None:
            return None
    except ModuleNotFoundError:
        return None
    module = importlib.import_module(RECTIFICATION_SERVICES)
    return getattr(module, RECTIFICATION_FUNCTION, None)
