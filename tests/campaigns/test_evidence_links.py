"""Findings link the records they counted, and only pages their readers may open (issue 16).

On the demo campaign: every link of every finding (problems and what green verdicts
counted) about unit A (市教育考试中心党支部) opens for each reader of the unit — the office,
the leader, A's liaison officer and A's administrator — and the campaign-wide findings'
links open for the office and the leader, who read them. A member sees the verdicts' levels
only: no finding, no link.

The demo is loaded once for the module inside an outer transaction rolled back at the end
(as `tests/test_access_matrix.py` does).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse

from tests.demo_module import demo_loaded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_media")]

READERS = ("guojianmin", "qianjun", "liaison", "admin_kszx")
CAMPAIGN_READERS = ("guojianmin", "qianjun")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, module_media):
    from vanguard.campaigns.models import Enrollment

    with demo_loaded(django_db_blocker, module_media):
        yield Enrollment.objects.select_related("campaign", "batch").get(organization__code="KSZX")


@pytest.fixture
def enrollment(demo):
    cache.clear()
    return demo


def links(report) -> set[str]:
    return {
        url
        for verdict in report.verdicts
        for finding in verdict.findings + verdict.evidence
        for _label, url in finding.links
    }


def unit_links(enrollment) -> set[str]:
    """The links of A's findings while the campaign runs and once its batch has ended."""
    from vanguard.campaigns import compliance

    found: set[str] = set()
    for today in (None, enrollment.batch.ends_on + timedelta(days=1)):
        found |= links(compliance.evaluate_unit(enrollment, today=today))
    return found


def opens(username: str, urls: set[str]) -> dict[str, int]:
    """The answer of each URL that does not open (200) for the user."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username=username))
    answers = {url: client.get(url).status_code for url in sorted(urls)}
    return {url: status for url, status in answers.items() if status != 200}


def test_a_units_findings_link_the_records_of_every_module(enrollment):
    names = {resolve(url.split("?")[0]).namespace for url in unit_links(enrollment)}
    for app in ("campaigns", "study", "appraisal", "rectification", "oversight"):
        assert app in names, names


@pytest.mark.parametrize("username", READERS)
def test_every_reader_of_the_unit_opens_every_link(enrollment, username):
    assert opens(username, unit_links(enrollment)) == {}


@pytest.mark.parametrize("username", CAMPAIGN_READERS)
def test_the_campaign_readers_open_the_campaign_wide_links(enrollment, username):
    from vanguard.accounts.access import Scope
    from vanguard.campaigns import compliance

    user = get_user_model().objects.get(username=username)
    campaign = enrollment.campaign
    found: set[str] = set()
    for today in (None, campaign.ends_on + timedelta(days=1)):
        report = compliance.evaluate_campaign_part(
            campaign, scope=Scope.for_user(user), today=today
        )
        found |= links(report)
    assert opens(username, found) == {}


def test_a_member_sees_levels_only(enrollment):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username="member"))
    page = client.get(reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-audience="member"' in html
    assert "finding-link" not in html and "finding-counted" not in html
