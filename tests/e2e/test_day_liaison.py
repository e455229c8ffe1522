"""A liaison officer's day (issue 19): lands on their own page (the column says 在岗状态,
not 访问期限), records a visit with a suggestion — axe-core on every page."""

import pytest

from tests.e2e.checks import audit, log_in
from tests.e2e.test_oversight_journey import batches, dispatched  # noqa: F401 (fixtures)
from vanguard.oversight.models import Suggestion

pytestmark = pytest.mark.browser


def test_the_liaison_officer_records_a_visit(live_server, page, request, dispatched):  # noqa: F811
    from django.utils import timezone

    log_in(page, live_server, "officer")
    page.wait_for_url(f"{live_server.url}/oversight/mine/")
    assert "在岗状态" in page.inner_text("#my-assignments thead")
    audit(page, live_server, request, "mine")

    page.click("#my-assignments a.btn")
    page.wait_for_selector("#visit-submit")
    audit(page, live_server, request, "visit-form")
    page.fill("#id_visited_on", timezone.localdate().isoformat())
    page.fill("#id_checked", "两本一册建立情况")
    page.fill("#id_findings", "党员学习活动点名册缺少三月份记录")
    page.fill("#id_suggestions", "补全三月份点名册并组织请假党员补学")
    page.click("#visit-submit")
    page.wait_for_selector("#visit-suggestions")
    audit(page, live_server, request, "visit")
    assert Suggestion.objects.count() == 1
