"""Helpers shared by this app's views: campaign lookup, refusals, messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _


def require(allowed: bool) -> None:
    """Visible but not allowed to change: 403."""
    if not allowed:
        raise PermissionDenied


def require_visible(visible: bool) -> None:
    """Outside the user's scope: 404, as for something that does not exist."""
    if not visible:
        raise Http404


def attempt(request, action, success: str) -> bool:
    """Run a service call; report its refusal (a ValidationError) or `success` as a message."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


def form_errors(request, form) -> None:
    messages.error(request, _("Not saved: %(errors)s") % {"errors": form.errors.as_text()})


def query_string_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
