"""Sign-in policy: who is signed out when idle, who must give a second factor.

Decided once at login and kept in the session, so that every later request enforces it
without a database query.
"""

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vanguard.accounts.models import Role, RoleGrant

IDLE_LIMIT = "vanguard_idle_limit"  # seconds, or absent: no idle limit (members)
LAST_SEEN = "vanguard_last_seen"  # epoch seconds of the last request (updated each minute)
NEEDS_OTP = "vanguard_needs_otp"  # the session must be verified with a second factor
MUST_ENROL = "vanguard_must_enrol"  # … and the user has no device yet: set one up first
TOUCH_EVERY = 60


def client_ip(request: HttpRequest) -> str | None:
    if request is None:
        return None
    header = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    value = request.META.get(header) or request.META.get("REMOTE_ADDR") or ""
    return value.split(",")[0].strip() or None


def requires_second_factor(user: Any) -> bool:
    """The office and superusers must sign in with two factors when the policy is on."""
    if not settings.VANGUARD_REQUIRE_2FA:
        return False
    return user.is_superuser or RoleGrant.objects.filter(user=user, role=Role.OFFICE).exists()


def is_staff_role(user: Any) -> bool:
    return user.is_staff or user.is_superuser or RoleGrant.objects.filter(user=user).exists()


def note_login(request: HttpRequest, user: Any, *, has_device: bool) -> None:
    session = request.session
    if is_staff_role(user):
        session[IDLE_LIMIT] = settings.VANGUARD_STAFF_IDLE_MINUTES * 60
    else:
        session.pop(IDLE_LIMIT, None)
    session[LAST_SEEN] = int(time.time())
    required = requires_second_factor(user)
    session[NEEDS_OTP] = required or has_device
    session[MUST_ENROL] = required and not has_device


def is_idle_expired(session: Any, now: float) -> bool:
    limit = session.get(IDLE_LIMIT)
    last = session.get(LAST_SEEN)
    return bool(limit and last and now - last > limit)


def touch(session: Any, now: float) -> None:
    """Note activity, at most once a minute (each note is a session write)."""
    if now - session.get(LAST_SEEN, 0) >= TOUCH_EVERY:
        session[LAST_SEEN] = int(now)


# -- two-factor devices (django-otp) ----------------------------------------------------

BACKUP_TOKENS = 10


def pending_totp_device(user: Any) -> Any:
    """The user's TOTP device being set up (created unconfirmed on first visit)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="totp", confirmed=False)


def confirm_totp(device: Any, token: str) -> list[str] | None:
    """Confirm the device with a code from the app; return fresh backup codes, or None
    when the code is wrong."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    backup, _created = StaticDevice.objects.get_or_create(user=device.user, name="backup")
    backup.token_set.all().delete()
    tokens = [StaticToken.random_token() for _ in range(BACKUP_TOKENS)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=t) for t in tokens])
    return tokens


def verified_device(user: Any, token: str) -> Any:
    """The confirmed device (TOTP or a backup code, used up) that accepts `token`."""
    from django_otp import match_token

    return match_token(user, token)
