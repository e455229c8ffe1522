"""What changed in a published item, and when — from its audit trail (django-simple-history),
diffing each record with the one before. Only the fields the public sees are compared,
and only from the item's publication on; who made a change is not shown publicly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.core.dates import format_date
from vanguard.orgs.models import Member
from vanguard.rectification.models import RectificationItem, Status

PUBLIC_FIELDS = (
    "problem",
    "measures",
    "responsible",
    "deadline",
    "status",
    "progress",
    "explanation",
    "reopen_reason",
)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


# The staff's audit trail compares these too, and says who made each change.
INTERNAL_FIELDS = (*PUBLIC_FIELDS, "weight", "from_public")


@dataclass(frozen=True)
class Change:
    on: date
    kind: str  # "created", "published" (the state then, not a change) or "changed"
    fields: tuple[FieldChange, ...] = ()
    who: object = None  # the user, in the staff's audit trail only


def public_changes(item: RectificationItem) -> list[Change]:
    """The published item's changes, newest first: its publication, then each change."""
    if not item.is_published:
        return []
    records = list(item.history.order_by("history_date", "history_id"))
    start = next((i for i, r in enumerate(records) if r.published_at is not None), None)
    if start is None:
        return []
    records = records[start:]
    changes = [Change(_day(records[0].history_date), "published")]
    changes += _diffs(records, PUBLIC_FIELDS, with_users=False)
    return changes[::-1]


def audit_trail(item: RectificationItem) -> list[Change]:
    """Every change of the item since it was created, with who made it, newest first."""
    records = list(
        item.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if not records:
        return []
    first = records[0]
    changes = [Change(_day(first.history_date), "created", who=first.history_user)]
    changes += _diffs(records, INTERNAL_FIELDS, with_users=True)
    return changes[::-1]


def _diffs(records, fields, *, with_users: bool) -> list[Change]:
    names = _member_names(records)
    changes = []
    for old, new in itertools.pairwise(records):
        delta = new.diff_against(old, included_fields=fields)
        shown = tuple(
            FieldChange(
                label=str(RectificationItem._meta.get_field(c.field).verbose_name),
                old=_shown(c.field, c.old, names),
                new=_shown(c.field, c.new, names),
            )
            for c in sorted(delta.changes, key=lambda c: fields.index(c.field))
        )
        published = old.published_at is None and new.published_at is not None
        if shown or (published and with_users):
            changes.append(
                Change(
                    _day(new.history_date),
                    "published" if published else "changed",
                    shown,
                    new.history_user if with_users else None,
                )
            )
    return changes


def _day(moment) -> date:
    return timezone.localdate(moment)


def _member_names(records) -> dict[int, str]:
    ids = {r.responsible_id for r in records if r.responsible_id}
    return dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))


def _shown(field: str, value, names: dict[int, str]) -> str:
    if value in (None, ""):
        return "—"
    if field == "responsible":
        return names.get(value, "—")
    if field == "status":
        return str(Status(value).label)
    if field == "deadline":
        return format_date(value)
    if field == "from_public":
        return str(_("yes") if value else _("no"))
    if field == "progress":
        return f"{value}%"
    return str(value)
