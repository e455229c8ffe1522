"""Login, logout and failed logins are kept as `LoginEvent`s; a login also notes in the
session what the request middleware enforces later without a query: whether the user is
signed out when idle (staff roles) and whether a second factor is required."""

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from vanguard.accounts import security
from vanguard.accounts.models import LoginEvent


def _record(kind: str, request: Any, username: str = "", user: Any = None) -> None:
    LoginEvent.objects.create(
        kind=kind,
        username=(username or getattr(user, "username", ""))[:150],
        user=user if getattr(user, "pk", None) else None,
        ip_address=security.client_ip(request),
        user_agent=(request.headers.get("user-agent", "") if request else "")[:200],
        path=(request.path if request else "")[:200],
    )


@receiver(user_logged_in)
def on_login(sender: object, request: Any, user: Any, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        security.note_login(request, user, has_device=user_has_device(user, confirmed=True))
    _record(LoginEvent.Kind.LOGIN, request, user=user)


@receiver(user_logged_out)
def on_logout(sender: object, request: Any, user: Any, **kwargs: object) -> None:
    _record(LoginEvent.Kind.LOGOUT, request, user=user)


@receiver(user_login_failed)
def on_failure(
    sender: object, credentials: dict[str, Any], request: Any = None, **kwargs: object
) -> None:
    username = credentials.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"), "")
    _record(LoginEvent.Kind.FAILURE, request, username=str(username or ""))


@receiver(user_locked_out)
def on_locked_out(
    sender: object,
    request: Any,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: object,
) -> None:
    _record(LoginEvent.Kind.LOCKED_OUT, request, username=str(username or ""))
