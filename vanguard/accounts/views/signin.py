"""Sign-in pages beyond Django's login: lock-out, second factor, the login events."""

from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from vanguard.accounts import security
from vanguard.accounts.forms import TokenForm
from vanguard.accounts.models import LoginEvent


def locked_out(
    request: HttpRequest,
    response: object = None,
    credentials: object = None,
    *args: object,
    **kwargs: object,
) -> HttpResponse:
    """django-axes' answer to a locked-out login (both login pages)."""
    hours = settings.AXES_COOLOFF_TIME
    return render(request, "accounts/locked_out.html", {"hours": hours}, status=429)


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return "/"


@login_required
def two_factor_verify(request: Any) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security.verified_device(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or expired. Try the current one."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_factor_setup(request: Any) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, confirm with one code."""
    session = request.session
    if (
        session.get(security.NEEDS_OTP)
        and not session.get(security.MUST_ENROL)
        and not request.user.is_verified()
    ):  # a password alone never adds a device to an account that has one
        return redirect("accounts:two-factor-verify")
    device = security.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tokens = security.confirm_totp(device, form.cleaned_data["token"])
        if tokens is not None:
            otp_login(request, device)
            session[security.NEEDS_OTP] = True
            session[security.MUST_ENROL] = False
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "accounts/two_factor_done.html", {"tokens": tokens})
        form.add_error("token", _("The code is wrong or expired. Try the current one."))
    qr = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr.to_string(encoding="unicode"), "secret": device.key},
    )


@login_required
def login_events(request: Any) -> HttpResponse:
    """Login, logout and failed logins, for the office and the system administrators."""
    scope = request.scope
    if not (scope.is_office or scope.is_superuser):
        raise Http404
    events = LoginEvent.objects.select_related("user")
    kind = request.GET.get("kind", "")
    if kind in LoginEvent.Kind.values:
        events = events.filter(kind=kind)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/login_events.html",
        {"page": page, "kind": kind, "kinds": LoginEvent.Kind.choices},
    )
