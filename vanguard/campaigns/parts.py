"""Page parts that show figures: rendered once per version of those figures, by one
request at a time, and — for parts over a whole campaign, which a steady flow of writes
gives a new version every few seconds — at a pace, by the background worker.

`cached_part` keeps a part under a key holding its figures' version and, under a second
key without the version (`latest`), the last part computed with when its figures were
computed, when it was finished and what it cost. A reader of a version not yet computed
takes a lock and computes it while the others serve the last one with its time ("数据截至");
with no last one they wait for the one computation (single flight).

A paced part (`paced=True`) is computed again at most once per `FIGURES_RENDER_PACE` times
its last cost (at most `RENDER_PACE_MAX_SECONDS` apart). When its computation is a `Render`
(a module-level function of the reader's request and of plain values), the cache is
shared with the worker and its last rendering cost `FIGURES_RENDER_IN_WORKER_SECONDS` or
more, no reader computes it at all once there is a last one: the reader serves that and
queues `render_part`, which the worker runs with a request made for the
same user, path and language — at province a rendering costs the better part of a second,
which a reader would otherwise wait for, and the readers queued behind it on its web
worker too.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import translation
from django.utils.module_loading import import_string
from django_tasks import task

LOCK_SECONDS = 120  # a computation that takes longer (or a dead process) loses the lock
WAIT_SECONDS = 60  # how long a request waits for another's first computation
QUEUED_SECONDS = 30  # a rendering queued and not done by then may be queued again
RENDER_PACE_MAX_SECONDS = 5.0  # a paced part is never served more than this past its turn

_Part = TypeVar("_Part")


class Render:
    """A part's computation the worker can repeat: `function(request, *args, **local)`.
    `function` is a module-level function, `args` plain values (JSON); `local` are objects
    the request has read already (its campaign), which the function reads itself when they
    are not given — as in the worker."""

    def __init__(
        self, function: Callable[..., Any], request: HttpRequest, *args: Any, **local: Any
    ):
        self.function, self.request, self.args, self.local = function, request, args, local

    def __call__(self) -> Any:
        return self.function(self.request, *self.args, **self.local)

    def task_arguments(self) -> dict[str, Any]:
        """What `render_part` needs to make the same request again."""
        request, user = self.request, getattr(self.request, "user", None)
        return {
            "function": f"{self.function.__module__}.{self.function.__qualname__}",
            "path": request.get_full_path(),
            "host": request.get_host(),
            "secure": request.is_secure(),
            "user": user.pk if user is not None and user.is_authenticated else None,
            "language": translation.get_language(),
            "args": list(self.args),
        }


def cached_part(
    key: str,
    compute: Callable[[], _Part],
    *,
    latest: str,
    made_at: datetime,
    timeout: int,
    paced: bool = False,
) -> tuple[_Part, datetime | None]:
    """The part cached under `key` (which holds its figures' version), or computed here by
    one request at a time; `latest`: a key without the version; `made_at`: when the figures
    of this version were computed. Returns (part, None), or (the last part, when its
    figures were computed) while this version's is being computed — here by another
    request, or by the worker for a paced `Render` (see the module's note)."""
    found = cache.get(key)
    if found is not None:
        return found[0], None
    previous = _previous(latest) if paced else None
    if previous is not None and (
        _recent(previous) or _queued(compute, previous, key, latest, made_at, timeout)
    ):
        return previous[0], previous[1]
    lock, token = f"{key}:lock", uuid.uuid4().hex
    if cache.add(lock, token, timeout=LOCK_SECONDS):
        try:
            found = cache.get(key)  # computed by another between our two looks
            if found is not None:
                return found[0], None
            return _compute_part(key, compute, latest, made_at, timeout), None
        finally:
            if cache.get(lock) == token:
                cache.delete(lock)
    previous = cache.get(latest)
    if previous is not None:
        return previous[0], previous[1]
    deadline = time.monotonic() + WAIT_SECONDS
    while cache.get(lock) and time.monotonic() < deadline:
        time.sleep(0.05)
    found = cache.get(key)
    if found is not None:
        return found[0], None
    # the other computation failed or timed out: ours then
    return _compute_part(key, compute, latest, made_at, timeout), None


def _previous(latest: str) -> tuple[Any, datetime, float, float] | None:
    """The last part computed under `latest`, with its figures' time, when it was finished
    and what it cost."""
    previous = cache.get(latest)
    return previous if previous is not None and len(previous) == 4 else None


def _recent(previous: tuple[Any, datetime, float, float]) -> bool:
    """Whether the last part is too recent to be computed again (the pace)."""
    _part, _made_at, finished, cost = previous
    pause = min(settings.FIGURES_RENDER_PACE * cost, RENDER_PACE_MAX_SECONDS)
    return time.time() < finished + pause


def _queued(
    compute: Callable[[], Any],
    previous: tuple[Any, datetime, float, float],
    key: str,
    latest: str,
    made_at: datetime,
    timeout: int,
) -> bool:
    """Queue the worker's rendering of a `Render` whose last rendering cost at least
    `FIGURES_RENDER_IN_WORKER_SECONDS` (once while one is queued); False when the part is
    not one, is cheaper (the task's round trip would cost more), or the worker could not
    hand its result to the web processes."""
    if not isinstance(compute, Render) or not cache_is_shared():
        return False
    if previous[3] < settings.FIGURES_RENDER_IN_WORKER_SECONDS:
        return False
    if cache.add(f"{latest}:queued", 1, timeout=QUEUED_SECONDS):
        render_part.enqueue(
            **compute.task_arguments(),
            key=key,
            latest=latest,
            made_at=made_at.isoformat(),
            timeout=timeout,
        )
    return True


def _compute_part(
    key: str, compute: Callable[[], _Part], latest: str, made_at: datetime, timeout: int
) -> _Part:
    started = time.perf_counter()
    part = compute()
    cost = time.perf_counter() - started
    cache.set_many(
        {key: (part, made_at), latest: (part, made_at, time.time(), cost)}, timeout=timeout
    )
    return part


@task()
def render_part(
    function: str,
    path: str,
    host: str,
    secure: bool,
    user: int | None,
    language: str,
    args: list[Any],
    key: str,
    latest: str,
    made_at: str,
    timeout: int,
) -> None:
    """The worker's rendering of a paced part, for a request like the reader's."""
    try:
        with translation.override(language):
            request = request_for(path, host, secure, user, language)
            render = Render(import_string(function), request, *args)
            _compute_part(key, render, latest, datetime.fromisoformat(made_at), timeout)
    finally:
        cache.delete(f"{latest}:queued")


def request_for(path: str, host: str, secure: bool, user: int | None, language: str) -> HttpRequest:
    """A GET request for `path` by `user` (None: a visitor), with its scope, as the
    middleware would make it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from vanguard.accounts.access import Scope

    request = RequestFactory().get(path, secure=secure, headers={"host": host})
    request.user = AnonymousUser() if user is None else get_user_model().objects.get(pk=user)
    request.scope = Scope.for_user(request.user)  # type: ignore[attr-defined]
    request.LANGUAGE_CODE = language
    return request


def cache_is_shared() -> bool:
    """Whether the cache is shared between processes (not Django's process memory): what
    the worker computes reaches the web processes only through a shared cache."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    return not isinstance(caches["default"], LocMemCache)
