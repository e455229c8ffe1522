"""Which enrolled units a saved or deleted row concerns (for `revision`'s unit revisions).

A row concerns the units whose subtree holds what it points at: its enrolment, its
organisation, its member's organisation, or — one or two steps away — the enrolment or
organisation of the session, item, visit … it belongs to. An organisation concerns every
campaign that covers it; if one of those campaigns has not enrolled a unit holding it (the
leading organisation itself, a unit not yet enrolled), the row is one of the campaign's
own: what the campaign-wide part of its figures reads, no unit's — but for the rows that
units' rules look for at or above a unit (`SEEN_FROM_BELOW`: a liaison officer's dispatch
covers the units below it), which then concern every unit and the answer is None, as it is
for rows that point at nothing local (campaigns, batches, enrolments, the organisation
tree, users) — the global revision then moves.

A parent's pointer at such a row does not locate the row written: a supervision visit
belongs to its dispatch's unit, not to the dispatch's access grant (which is global).

An update is attributed to the units of both its old and its new values (a member moved
from unit A to unit B changes both).
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from django.db import models

from vanguard.campaigns.revision import Concerns

MAX_DEPTH = 2
GLOBAL_MODELS = {
    ("campaigns", "campaign"),
    ("campaigns", "batch"),
    ("campaigns", "enrollment"),
    ("orgs", "organization"),
    ("accounts", "user"),
    ("accounts", "rolegrant"),
}
NOT_LOCAL = {("campaigns", "campaign"), ("campaigns", "batch"), ("accounts", "user")}
# Rows a unit's rules read at or above the unit (`oversight.compliance.liaison_officers`):
# one outside the enrolled units concerns the units below it.
SEEN_FROM_BELOW = {("oversight", "liaisonassignment")}


class _Targets(TypedDict):
    """What the rows point at: enrolment, organisation and member ids, and the campaign of
    each enrolment already at hand."""

    enrollment: set[int]
    org: set[int]
    member: set[int]
    campaign_of: dict[int, int]


def forget() -> None:
    """Nothing is remembered between writes (kept for `revision`'s request hook)."""


def _parent(model: type[models.Model], pk: int, using: str) -> models.Model | None:
    """A parent row (a check-in's session, a response's survey). Not remembered between
    writes: a row id may be reused after a rollback, and a parent may have changed."""
    return model._base_manager.using(using).filter(pk=pk).first()


def units_of(instance: models.Model, using: str = "default") -> Concerns | None:
    """The units the row concerns (enrolment id → campaign id) and the campaigns whose own
    rows it is; None when it concerns everything (or cannot be told)."""
    targets: _Targets = {"enrollment": set(), "org": set(), "member": set(), "campaign_of": {}}
    if not _collect(instance, targets, using, depth=0):
        return None
    if not instance._state.adding and instance.pk is not None:
        old = type(instance)._base_manager.using(using).filter(pk=instance.pk).first()
        if old is not None and not _collect(old, targets, using, depth=0):
            return None
    seen_from_below = _key(type(instance)._meta.concrete_model) in SEEN_FROM_BELOW
    return _resolve(targets, using, own_allowed=not seen_from_below)


def _key(model: Any) -> tuple[str, str]:
    """(app label, model name) of a model class (`_meta.concrete_model`, typed optional)."""
    return model._meta.app_label, model._meta.model_name


def _collect(instance: Any, targets: _Targets, using: str, depth: int) -> bool:
    """Add what `instance` points at to `targets`; False if it concerns everything."""
    key = _key(type(instance)._meta.concrete_model)
    if key in GLOBAL_MODELS:
        return False
    if key == ("orgs", "member"):
        targets["org"].add(instance.organization_id)
        return True
    found = False
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        value = getattr(instance, field.attname)
        related_model = cast(type[models.Model], field.related_model)  # resolved once loaded
        related = _key(related_model._meta.concrete_model)
        if value is None or related in NOT_LOCAL or related[0] in ("contenttypes", "auth"):
            continue
        cached: Any = field.get_cached_value(instance) if field.is_cached(instance) else None
        if related == ("campaigns", "enrollment"):
            targets["enrollment"].add(value)
            if cached is not None:
                targets["campaign_of"][value] = cached.campaign_id
        elif related == ("orgs", "organization"):
            targets["org"].add(value)
        elif related == ("orgs", "member"):
            targets["member"].add(value)
        elif depth > 0 and related in GLOBAL_MODELS:
            continue  # a parent's own access grant (a dispatch's): not where the row lies
        elif depth < MAX_DEPTH and related[0] in _LOCAL_APPS:
            parent = cached or _parent(related_model, value, using)
            if parent is None or not _collect(parent, targets, using, depth + 1):
                return False
        else:
            return False
        found = True
    return found


_LOCAL_APPS = {"study", "appraisal", "rectification", "surveys", "oversight", "campaigns", "orgs"}


def _resolve(targets: _Targets, using: str, own_allowed: bool) -> Concerns | None:
    from vanguard.campaigns.models import Campaign, Enrollment
    from vanguard.orgs.models import Member, Organization, path_within

    units: dict[int, int] = {}
    own: set[int] = set()
    known = targets["campaign_of"]
    units.update({pk: known[pk] for pk in targets["enrollment"] if pk in known})
    unknown = [pk for pk in targets["enrollment"] if pk not in known]
    if unknown:
        units.update(
            Enrollment.objects.using(using).filter(pk__in=unknown).values_list("pk", "campaign_id")
        )
    org_ids = set(targets["org"])
    if targets["member"]:
        org_ids |= set(
            Member.objects.using(using)
            .filter(pk__in=targets["member"])
            .values_list("organization_id", flat=True)
        )
    if org_ids:
        paths = list(
            Organization.objects.using(using).filter(pk__in=org_ids).values_list("path", flat=True)
        )
        step = Organization.steplen
        ancestors = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
        enrolled = {
            (path, campaign): pk
            for pk, path, campaign in Enrollment.objects.using(using)
            .filter(organization__path__in=ancestors)
            .values_list("pk", "organization__path", "campaign_id")
        }
        roots = list(
            Campaign.objects.using(using)
            .filter(organization__path__in=ancestors)
            .values_list("pk", "organization__path")
        )
        for path in paths:
            for campaign, root in roots:
                if not path_within(path, root):
                    continue
                unit = next(
                    (
                        enrolled[(path[:end], campaign)]
                        for end in range(step, len(path) + 1, step)
                        if (path[:end], campaign) in enrolled
                    ),
                    None,
                )
                if unit is None:  # a campaign covers it outside its enrolled units
                    if not own_allowed:
                        return None
                    own.add(campaign)
                else:
                    units[unit] = campaign
    return Concerns(units, frozenset(own)) if units or own else None
