"""Per-request sign-in rules: the access scope (`request.scope`), the staff idle limit and
the second factor. The sign-in policy itself is in `security.py`."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from vanguard.accounts import security
from vanguard.accounts.access import Scope


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[Any], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Staff roles are signed out after `VANGUARD_STAFF_IDLE_MINUTES` without a request."""

    def __init__(self, get_response: Callable[[Any], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = time.time()
            if security.is_idle_expired(session, now):
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            elif session.get(security.IDLE_LIMIT):
                security.touch(session, now)
        return self.get_response(request)


# Pages an authenticated but not yet verified user may still open.
OPEN_PREFIXES = ("/static/", "/i18n/", "/health/", "/public/", "/media/")
OPEN_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:two-factor-verify",
    "accounts:two-factor-setup",
)


class TwoFactorMiddleware:
    """A session that must give a second factor reaches nothing else until it has."""

    def __init__(self, get_response: Callable[[Any], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(security.NEEDS_OTP)
            and request.user.is_authenticated
            and not request.user.is_verified()
            and not self._open(request.path)
        ):
            name = (
                "accounts:two-factor-setup"
                if session.get(security.MUST_ENROL)
                else "accounts:two-factor-verify"
            )
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(url: str) -> bool:
        return url.startswith(OPEN_PREFIXES) or url in {reverse(n) for n in OPEN_NAMES}
