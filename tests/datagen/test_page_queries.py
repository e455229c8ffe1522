"""Every page the benchmark measures runs the same number of queries on a generated
campaign of two sizes (`tiny` and `small`: twice the units, four times the members, twice
the sessions), both when its figures are computed and when they come from the cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import fixture
from vanguard.datagen.generate import generate_campaign

pytestmark = pytest.mark.django_db

CSRF = "b" * 32


def _counts(code: str) -> dict[str, tuple[int, int]]:
    """Page name → (queries computing it, queries with its figures cached)."""
    counts = {}
    for page in fixture.build(code)["pages"]:
        if page.get("missing"):
            continue
        counts[page["name"]] = (_count(page, cold=True), _count(page, cold=False))
    return counts


def _count(page: dict, *, cold: bool) -> int:
    client = Client(HTTP_HOST="127.0.0.1")
    if page.get("session"):
        client.cookies["sessionid"] = page["session"]
    client.cookies["csrftoken"] = CSRF
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        if page["method"] == "POST":
            index = -1 if cold else -2  # one-time codes: a fresh one each time
            response = client.post(
                page.get("paths", [page["path"]] * 2)[index],
                data=page["bodies"][index],
                content_type="application/x-www-form-urlencoded",
                HTTP_X_CSRFTOKEN=CSRF,
            )
        else:
            response = client.get(page["path"])
    assert response.status_code < 400, (page["name"], response.status_code)
    return len(captured)


@pytest.fixture
def two_sizes(settings):
    settings.RATELIMIT_ENABLE = False
    generate_campaign("tiny", seed=3, code="q-tiny", log=lambda *a: None)
    generate_campaign("small", seed=3, code="q-small", log=lambda *a: None)


def test_each_measured_page_costs_the_same_queries_at_both_sizes(two_sizes):
    tiny, small = _counts("q-tiny"), _counts("q-small")
    expected = {"campaign overview", "unit page", "member list", "unit hours page"}
    assert expected <= tiny.keys()
    assert tiny == small


def _live_counts(code: str) -> dict[str, tuple[int, int]]:
    """The live mode's pages (`bench/live.py`: verdict detail, leader and liaison landing,
    member home, campaign hours page …) → (queries computed, queries cached)."""
    from bench import live
    from vanguard.accounts.models import Role, User
    from vanguard.campaigns.models import Campaign, Enrollment
    from vanguard.orgs.models import Member

    built = fixture.build(code)
    campaign = Campaign.objects.select_related("organization").get(code=code)
    enrollment = Enrollment.objects.select_related("organization").get(pk=built["enrollment"])
    liaison = fixture.session_for(
        fixture.bench_user(f"liaison-{code}", Role.LIAISON, enrollment.organization)
    )
    member = (
        Member.objects.filter(organization__path__startswith=enrollment.organization.path)
        .order_by("pk")
        .first()
    )
    member.user = User.objects.create(username=f"member-{code}")
    member.save(update_fields=["user"])
    pages = live.live_pages(
        built,
        campaign,
        leader=live.leader_session(campaign),
        liaison=liaison,
        member=fixture.session_for(member.user),
    )
    return {page["name"]: (_count(page, cold=True), _count(page, cold=False)) for page in pages}


def test_each_live_page_costs_the_same_queries_at_both_sizes(two_sizes):
    tiny, small = _live_counts("q-tiny"), _live_counts("q-small")
    expected = {
        "campaign overview",
        "unit page",
        "verdict detail",
        "leader landing",
        "liaison landing",
        "member home",
        "campaign hours page",
    }
    assert expected <= tiny.keys()
    assert tiny == small
