"""Data revisions: numbers that move when the data changes, so that figures computed from
the data (verdicts, a unit's findings and panels) are kept in the cache and recomputed only
after a change — and only the figures the change concerns.

There are two kinds:

- a **unit revision** per enrolled unit (`Enrollment`), moved by writes that concern that
  unit: a row whose enrolment, organisation, member, session, item … lies in the unit's
  subtree. A campaign's **data revision** moves with each of its units'.
- a **campaign's own revision**, moved by writes of rows that lie in the campaign's
  organisation outside its enrolled units (the bureau's own opinions, items, members): what
  the campaign-wide part of its figures reads (`compliance.evaluate_campaign_part`), and no
  unit's. It moves the campaign's data revision too, not the units'.
- the **global revision**, moved by every write that cannot be put down to units or to a
  campaign's own rows: bulk writes nobody attributed, raw SQL, imports, the organisation
  tree, campaigns, batches and enrolments themselves, a liaison officer's dispatch above the
  units (units' rules look for one at or above them). It makes every figure stale.
- the **any-write revision** (`current()`), moved by every write of either kind: the key
  of page parts that depend on everything (`cache_key` without a campaign).
- a **table revision** per database table, moved by every write to that table (with the
  unit or global revision the write moves): with the global revision, the key of page
  parts that read a few tables only (`table_stamp`).

Every write goes through one hook, so no code path can forget to announce a change: a
database execute-wrapper (installed on every connection) sees each INSERT, UPDATE and
DELETE. A single object's save or delete is attributed by the `pre_save`/`pre_delete`
signals, which resolve the instance to the units it concerns (`units_of`) before the
statement runs; service code writing in bulk says which units it writes for with
`attributed_to(...)`. A write nobody attributed moves the global revision: the safe side.

Each revision moves twice: at once, and again when the transaction commits. The first move
makes readers inside the same process and transaction (and the tests) see the change; the
second makes sure no reader that computed from the old data between the two keeps its
result under the new number. A rolled-back transaction costs one spurious recomputation.

The revisions live in the cache, which must be shared by all server processes in
production (`VANGUARD_CACHE_URL`, Redis). Keys are namespaced by database, so two sites (or
two test databases) sharing a Redis never mix. A revision starts from the clock, so one
lost with the cache never comes back to an earlier value.

Writes that change nothing the figures read are not counted: sessions, a user's last
login, login events, lock-out counters, two-factor devices, the audit trail (`historical…`
tables), the task queue, the background jobs and the notifications, derived rows written
together with their source (`study_memberhours`, kept with the marks).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.http import HttpRequest

from vanguard.core import bulk

WRITES = ("INSERT", "UPDATE", "DELETE")
IGNORED = (
    '"django_session"',
    '"accounts_user" SET "last_login"',
    '"accounts_loginevent"',
    '"axes_',
    '"otp_',
)
IGNORED_TABLE_PREFIXES = (
    "django_tasks_database_",  # the background worker's queue
    "django_admin_log",
    "django_session",
)
# Tables of apps whose rows no figure and no cached page part reads, declared by each app
# (`counted_by_figures = False` on its AppConfig): a background job's progress (a hundred
# updates an export) and the notifications' rows (every scheduler run) each made every
# figure stale.
_not_counted: set[str] = set()
DERIVED_TABLES = ("study_memberhours",)  # written with the marks they are summed from
_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w]+)"?', re.IGNORECASE)


def namespace() -> str:
    """`vanguard:<database>`: the prefix of every key of figures and revisions."""
    db = settings.DATABASES["default"]
    where = f"{db.get('ENGINE')}|{db.get('HOST')}|{db.get('PORT')}|{db.get('NAME')}"
    found = _namespaces.get(where)
    if found is None:  # asked for each of 3,000 units' keys on a page at province
        found = _namespaces[where] = "vanguard:" + hashlib.sha1(where.encode()).hexdigest()[:10]
    return found


_namespaces: dict[str, str] = {}


def _global_key() -> str:
    return f"{namespace()}:rev:global"


def _any_key() -> str:
    return f"{namespace()}:rev"


def unit_key(enrollment_id: int) -> str:
    return f"{namespace()}:rev:unit:{enrollment_id}"


def campaign_key(campaign_id: int) -> str:
    return f"{namespace()}:rev:campaign:{campaign_id}"


def own_key(campaign_id: int) -> str:
    return f"{namespace()}:rev:own:{campaign_id}"


class Concerns(NamedTuple):
    """What a write concerns: units (enrolment id → campaign id) and campaigns whose own
    rows (outside their enrolled units) it writes."""

    units: dict[int, int]
    own: frozenset[int] = frozenset()


def table_key(table: str) -> str:
    return f"{namespace()}:rev:table:{table}"


# -- reading -------------------------------------------------------------------------------


def current() -> int:
    """The any-write revision now (one cache read): moved by every write."""
    return _read([_any_key()])[_any_key()]


def global_revision() -> int:
    """The global revision now: moved by writes not put down to units."""
    return _read([_global_key()])[_global_key()]


def unit_revisions(enrollment_ids: Iterable[int]) -> dict[int, int]:
    """Each unit's revision (one cache read for all)."""
    keys = {unit_key(pk): pk for pk in enrollment_ids}
    values = _read(list(keys))
    return {pk: values[key] for key, pk in keys.items()}


def campaign_revision(campaign_id: int) -> tuple[int, int]:
    """(global revision, the campaign's data revision): both move when any figure of the
    campaign may have changed."""
    keys = [_global_key(), campaign_key(campaign_id)]
    values = _read(keys)
    return values[keys[0]], values[keys[1]]


def own_revision(campaign_id: int) -> int:
    """The campaign's own revision: moved by writes of its rows outside its enrolled units."""
    return _read([own_key(campaign_id)])[own_key(campaign_id)]


def campaign_part_stamp(campaign_id: int) -> str:
    """The global and the campaign's own revision as one string (one cache read): what the
    campaign-wide part of its figures follows."""
    keys = [_global_key(), own_key(campaign_id)]
    values = _read(keys)
    return f"g{values[keys[0]]}.o{values[keys[1]]}"


def campaign_stamp(campaign_id: int) -> str:
    """The campaign's revisions as one string, for cache keys."""
    return "{}.{}".format(*campaign_revision(campaign_id))


def table_stamp(*tables: str) -> str:
    """The global revision and those of the database tables `tables`, as one string: what
    a page part reading only those tables follows (the public rectification list: the
    items; not the check-ins and opinions of the same units)."""
    keys = [_global_key(), *(table_key(table) for table in tables)]
    values = _read(keys)
    return ".".join(str(values[key]) for key in keys)


def unit_stamp(enrollment_id: int) -> str:
    """The global and the unit's revision as one string: what a unit's own figures follow."""
    keys = [_global_key(), unit_key(enrollment_id)]
    values = _read(keys)
    return f"{values[keys[0]]}.{values[keys[1]]}"


def _read(keys: list[str]) -> dict[str, int]:
    values = cache.get_many(keys)
    for key in keys:
        if key not in values:  # first use, or evicted: start from the clock
            cache.add(key, time.time_ns(), timeout=None)
            values[key] = cache.get(key)
    return values


# -- moving --------------------------------------------------------------------------------


def _move(keys: Iterable[str]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, time.time_ns(), timeout=None)


class _AtCommit:
    """The moves a transaction owes at its commit (one callback per transaction)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def __call__(self) -> None:
        _move(self.keys)


def _announce(connection: BaseDatabaseWrapper, keys: set[str]) -> None:
    keys = keys | {_any_key()}
    _move(keys)
    if not connection.in_atomic_block:
        return  # autocommit: the statement is committed already
    for pending_entry in connection.run_on_commit:  # (savepoints, func, robust)
        func = pending_entry[1]
        if isinstance(func, _AtCommit):
            func.keys |= keys
            return
    pending = _AtCommit()
    pending.keys |= keys
    connection.on_commit(pending)


def changed(
    connection: BaseDatabaseWrapper | None = None, also: frozenset[str] = frozenset()
) -> None:
    """Announce a change that may concern any figure (the global revision); `also`: the
    keys of the tables written."""
    _announce(connection or transaction.get_connection(), {_global_key(), *also})


def units_changed(
    units: dict[int, int],
    connection: BaseDatabaseWrapper | None = None,
    also: frozenset[str] = frozenset(),
    own: frozenset[int] = frozenset(),
) -> None:
    """Announce a change to the units of `units` (enrolment id → campaign id) and to the
    own rows of the campaigns `own`; `also`: the keys of the tables written."""
    campaigns = set(units.values()) | own
    keys = {unit_key(pk) for pk in units} | {campaign_key(c) for c in campaigns}
    keys |= {own_key(c) for c in own}
    _announce(connection or transaction.get_connection(), keys | also)


# -- attributing writes to units -----------------------------------------------------------

_local = threading.local()


def _stack(connection: BaseDatabaseWrapper) -> list[_Entry]:
    stacks: dict[str, list[_Entry]] = _local.__dict__.setdefault("stacks", {})
    return stacks.setdefault(connection.alias, [])


@contextmanager
def attributed_to(
    units: dict[int, int] | Concerns | None, using: str = "default"
) -> Iterator[None]:
    """The writes inside concern only the units of `units` (enrolment id → campaign id; or
    `Concerns`, with campaigns' own rows); None: they concern anything (the global
    revision)."""
    stack = _stack(connections[using])
    entry = _Entry(units)
    stack.append(entry)
    try:
        yield
    finally:
        if entry in stack:
            stack.remove(entry)


class _Entry:
    __slots__ = ("concerns", "from_signal")

    def __init__(
        self, concerns: dict[int, int] | Concerns | None, from_signal: bool = False
    ) -> None:
        if isinstance(concerns, dict):
            concerns = Concerns(concerns)
        self.concerns = concerns
        self.from_signal = from_signal


def _find_not_counted() -> None:
    """The tables of the apps that say no figure reads them (`counted_by_figures = False`
    on their AppConfig: the apps below `campaigns` cannot import it to say so)."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if getattr(config, "counted_by_figures", True) is False:
            _not_counted.update(model._meta.db_table for model in config.get_models())


def is_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if not head.startswith(WRITES):
        return False
    if any(ignored in sql[:120] for ignored in IGNORED):
        return False
    match = _TABLE.match(sql)
    if match is None:
        return True
    table = match.group(1).lower()
    ignored = table.startswith(IGNORED_TABLE_PREFIXES) or table in DERIVED_TABLES
    ignored = ignored or table in _not_counted
    return not (ignored or "_historical" in table)


def _watch_writes(
    execute: Callable[..., Any], sql: object, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    try:
        result = execute(sql, params, many, context)
    except Exception:
        # The save that was running fails: its `post_save` never comes, so its entry
        # must not attribute later writes.
        stack = _stack(context["connection"])
        stack[:] = [entry for entry in stack if not entry.from_signal]
        raise
    if isinstance(sql, str) and is_write(sql):
        connection = context["connection"]
        match = _TABLE.match(sql)
        table = frozenset({table_key(match.group(1).lower())} if match else ())
        stack = _stack(connection)
        if stack and all(entry.concerns is not None for entry in stack):
            units: dict[int, int] = {}
            own: set[int] = set()
            for entry in stack:
                if entry.concerns is not None:
                    units.update(entry.concerns.units)
                    own |= entry.concerns.own
            units_changed(units, connection, also=table, own=frozenset(own))
        else:
            changed(connection, also=table)
    return result


def install(connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect() -> None:
    """Watch every database connection and attribute single saves (from the campaigns
    app's `ready()`)."""
    from django.core.signals import request_started
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    _find_not_counted()
    connection_created.connect(install, dispatch_uid="vanguard-data-revision")
    for connection in connections.all(initialized_only=True):
        install(connection)
    pre_save.connect(_before_write, dispatch_uid="vanguard-revision-pre-save")
    pre_delete.connect(_before_write, dispatch_uid="vanguard-revision-pre-delete")
    post_save.connect(_after_write, dispatch_uid="vanguard-revision-post-save")
    post_delete.connect(_after_write, dispatch_uid="vanguard-revision-post-delete")
    request_started.connect(_forget, dispatch_uid="vanguard-revision-forget")
    bulk.rows_copied.connect(_copied, dispatch_uid="vanguard-revision-copied")


def _copied(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """Rows written with COPY (`core.bulk.insert`) passed no execute-wrapper."""
    changed(connection)


def _before_write(
    sender: type[Model],
    instance: Model,
    using: str = "default",
    raw: bool = False,
    **kwargs: object,
) -> None:
    from vanguard.campaigns.attribution import units_of

    if not sender.__module__.startswith("vanguard.") or sender.__name__.startswith("Historical"):
        return
    entry = _Entry(None if raw else units_of(instance, using), from_signal=True)
    instance.__dict__.setdefault("_revision_entries", []).append(entry)
    _stack(connections[using]).append(entry)


def _after_write(
    sender: type[Model], instance: Model, using: str = "default", **kwargs: object
) -> None:
    entries = instance.__dict__.get("_revision_entries")
    if not entries:
        return
    entry = entries.pop()
    stack = _stack(connections[using])
    if entry in stack:
        stack.remove(entry)


def _forget(**kwargs: object) -> None:
    """A save that raised leaves its entry behind: no request starts with one."""
    from vanguard.campaigns.attribution import forget

    _local.__dict__.pop("stacks", None)
    forget()


def cache_key(*parts: object, campaign: int | None = None, revision: object = None) -> str:
    """A cache key for figures computed from `parts` (ids, dates, the language, a scope's
    paths; long parts are hashed) at `revision`: by default the campaign's revisions when
    the figures read only `campaign`'s data, else the any-write revision."""
    text = ":".join(str(part) for part in parts)
    digest = hashlib.sha1(text.encode()).hexdigest()
    if revision is None:
        revision = current() if campaign is None else campaign_stamp(campaign)
    if len(stamp := str(revision)) > 64:  # the stamps of many tables or units
        revision = hashlib.sha1(stamp.encode()).hexdigest()
    return f"{namespace()}:figures:{revision}:{digest}"


def timeout() -> int:
    """Seconds computed figures stay in the cache (`FIGURES_CACHE_SECONDS`)."""
    return settings.FIGURES_CACHE_SECONDS


def figures_timeout(request: HttpRequest) -> dict[str, int]:
    """Context processor: `figures_timeout` for the templates' `{% cache %}` blocks."""
    return {"figures_timeout": timeout()}
