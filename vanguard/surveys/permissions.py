"""Who may do what with a unit's survey, composed from `request.scope` (accounts/access.py).

The upper level of a unit runs its survey (三.3: 由上级党组织对下一级党组织…进行群众满意度
测评): those who manage one of the unit's ancestors (`Scope.can_supervise_org`) run it; those
who read one (leaders) see everything read-only. The unit itself never runs its own survey;
its readers see the results once they are published.
"""

from __future__ import annotations

from vanguard.orgs.models import Organization


def _parent(org: Organization) -> Organization | None:
    """The unit's parent as a path only (no query): enough for the scope's path checks."""
    if org.depth <= 1:
        return None
    return Organization(path=org.path[: -Organization.steplen], depth=org.depth - 1)


def can_oversee(scope, org: Organization) -> bool:
    """Reads the unit's survey as its upper level: frames, draws, invitations, results."""
    parent = _parent(org)
    return parent is not None and scope.can_view_org(parent)


def can_run(scope, org: Organization) -> bool:
    """Runs the unit's survey: creates it, imports lists, draws, issues codes, closes it."""
    return scope.can_supervise_org(org)


def can_see_results(scope, org: Organization, *, published: bool) -> bool:
    """The upper level always; the unit's own readers once the results are published."""
    return can_oversee(scope, org) or (published and scope.can_view_unit(org))
