"""The data revision: a number that moves whenever anything in the database changes, so
that figures computed from the data (the overview's verdicts, a unit's findings) can be
kept in the cache under it and recomputed only after a change.

Every write goes through one hook, so no code path can forget to announce its change: a
database execute-wrapper (installed on every connection) notices INSERT, UPDATE and DELETE
statements — single saves, bulk inserts, queryset updates, raw SQL alike — and moves the
revision twice: at once, and again when the transaction commits. The first move makes
readers inside the same process and transaction (and the tests) see the change; the second
makes sure no reader that computed from the old data between the two keeps its result
under the new number. A transaction that rolls back costs one spurious recomputation.

The revision lives in the cache, which must be shared by all server processes in
production (`VANGUARD_CACHE_URL`, Redis — rate limiting needs it too). It starts from the
clock, so a revision lost with the cache never comes back to an earlier value.

Writes that change nothing the figures read — sessions, a user's last login, login events,
lock-out counters, two-factor devices — are not counted.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created

KEY = "vanguard:data-revision"
IGNORED = (
    '"django_session"',
    '"accounts_user" SET "last_login"',
    '"accounts_loginevent"',
    '"axes_',
    '"otp_',
)
WRITES = ("INSERT", "UPDATE", "DELETE")


def current() -> int:
    """The data revision now (one cache read)."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        value = cache.get(KEY)
    return value


def changed(connection=None) -> None:
    """Announce a change of the data: now, and again when the transaction commits (once
    per transaction, however many statements it runs)."""
    connection = connection or transaction.get_connection()
    _move()
    if not any(func is _move for _savepoints, func, _robust in connection.run_on_commit):
        connection.on_commit(_move)


def _move() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not in the cache (first use, or evicted): start from the clock
        cache.set(KEY, time.time_ns(), timeout=None)


def is_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if not head.startswith(WRITES):
        return False
    return not any(ignored in sql[:120] for ignored in IGNORED)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_write(sql):
        changed(context["connection"])
    return result


def install(connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect() -> None:
    """Watch every database connection (from the campaigns app's `ready()`)."""
    from django.db import connections

    connection_created.connect(install, dispatch_uid="vanguard-data-revision")
    for connection in connections.all(initialized_only=True):
        install(connection)


def cache_key(*parts) -> str:
    """A cache key for figures computed at the current revision from `parts` (ids, dates,
    the language, a scope's paths); long parts are hashed."""
    text = ":".join(str(part) for part in parts)
    digest = hashlib.sha1(text.encode()).hexdigest()
    return f"vanguard:figures:{current()}:{digest}"


def timeout() -> int:
    """Seconds computed figures stay in the cache (`FIGURES_CACHE_SECONDS`)."""
    return settings.FIGURES_CACHE_SECONDS


def figures_timeout(request) -> dict:
    """Context processor: `figures_timeout` for the templates' `{% cache %}` blocks."""
    return {"figures_timeout": timeout()}
