"""Helpers shared by this app's views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def require(allowed: bool) -> None:
    """Visible but not allowed to change: 403."""
    if not allowed:
        raise PermissionDenied


def attempt(request, action, success: str) -> bool:
    """Run a service call; report its refusal (a ValidationError) or `success`."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True
