"""A liaison officer records a visit with a suggestion; the unit answers; the officer
accepts the answer — in the browser, through the login page."""

import pytest

from tests.conftest import PASSWORD
from vanguard.oversight import services
from vanguard.oversight.models import Suggestion, SuggestionStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def dispatched(personas, enrollments, batches, tree):
    from tests.conftest import make_user

    officer = make_user("officer")
    services.dispatch_officer(batches[1], officer, tree["A"], by=personas["office"], acting=None)
    return officer


@pytest.fixture
def batches(campaign):
    """Batch 2 (unit A's) runs today, so the officer is in post."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    first, second = campaign.batches.order_by("number")
    first.starts_on, first.ends_on = today - timedelta(days=180), today - timedelta(days=1)
    second.starts_on, second.ends_on = today, today + timedelta(days=180)
    for batch in (first, second):
        batch.save()
    return [first, second]


def log_in(page, url, username):
    page.context.clear_cookies()
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(url)


def test_officer_visit_unit_answer_officer_accepts(live_server, page, screenshot, dispatched):
    from django.utils import timezone

    mine = f"{live_server.url}/oversight/mine/"

    # the officer records a visit with one suggestion
    log_in(page, mine, "officer")
    page.click("#my-assignments a.btn")
    page.fill("#id_visited_on", timezone.localdate().isoformat())
    page.fill("#id_checked", "两本一册建立情况")
    page.fill("#id_findings", "党员学习活动点名册缺少三月份记录")
    page.fill("#id_suggestions", "补全三月份点名册并组织请假党员补学")
    page.click("#visit-submit")
    page.wait_for_selector("#visit-suggestions")
    screenshot("visit")
    page.click("#visit-suggestions a")
    suggestion_url = page.url
    assert page.get_attribute("#suggestion-status", "data-status") == "open"

    # the unit's administrator answers it
    log_in(page, suggestion_url, "alice")
    page.fill("#id_answer", "已补全点名册，4名请假党员已补学")
    page.click("#answer-submit")
    page.wait_for_selector('#suggestion-status[data-status="answered"]')
    assert "4名请假党员已补学" in page.inner_text("#suggestion-answer")

    # the officer accepts the answer
    log_in(page, suggestion_url, "officer")
    page.click("#accept-submit")
    page.wait_for_selector('#suggestion-status[data-status="accepted"]')
    screenshot("accepted")

    suggestion = Suggestion.objects.get()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.accepted_by.username == "officer"
    assert suggestion.answered_by.username == "alice"
