"""What the benchmark measures on a generated campaign: the pages, who requests them
(signed-in sessions made here) and the bodies of the POSTs."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import NoReverseMatch, reverse

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.campaigns.models import Campaign

BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def bench_user(username: str, role: str, organization) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if created:
        user.set_unusable_password()
        user.save()
    RoleGrant.objects.get_or_create(user=user, role=role, organization=organization)
    return user


def page(name: str, url_name: str, args=(), *, session=None, method="GET", bodies=(), replay=False):
    try:
        path = reverse(url_name, args=args)
    except NoReverseMatch:
        return {"name": name, "missing": "not built yet"}
    return {
        "name": name,
        "path": path,
        "session": session,
        "method": method,
        "bodies": list(bodies),
        "replay": replay,
    }


def build(code: str) -> dict:
    campaign = Campaign.objects.select_related("organization").get(code=code)
    enrollment = campaign.enrollments.select_related("organization").order_by("-pk").first()
    office = session_for(bench_user("bench-office", Role.OFFICE, campaign.organization))
    unit_admin = session_for(
        bench_user("bench-unit-admin", Role.UNIT_ADMIN, enrollment.organization)
    )
    unit = (campaign.pk, enrollment.pk)
    pages = [
        page("campaign overview", "campaigns:overview", [campaign.pk], session=office, replay=True),
        page("unit page", "campaigns:unit", unit, session=unit_admin, replay=True),
        page("member list", "orgs:member-list", session=office),
    ]
    from bench import modules  # imported here: they import `page` from this module

    pages += modules.pages(campaign, enrollment, office=office, unit_admin=unit_admin)
    return {
        "campaign": campaign.pk,
        "enrollment": enrollment.pk,
        "pages": pages,
        "sessions": {"office": office, "unit_admin": unit_admin},
    }
