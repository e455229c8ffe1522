"""The office's day (issue 19): lands on the campaign overview, enrols a unit from the form
at the top of the page, opens the unit — axe-core on every page."""

import pytest

from tests.e2e.checks import audit, log_in
from vanguard.campaigns.models import Enrollment
from vanguard.orgs.models import Organization, OrgKind

pytestmark = pytest.mark.browser


def test_the_office_enrols_a_unit(live_server, page, request, personas, enrollments, tree):
    Organization.objects.add_child(
        tree["root"], dict(code="C", name="丙中学党支部", kind=OrgKind.BRANCH)
    )
    campaign = enrollments["A"].campaign

    log_in(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/campaigns/{campaign.pk}/")
    audit(page, live_server, request, "overview")

    # the enrol form is at the top, folded: open it and enrol 丙中学 in the second batch
    page.click("#enroll-box summary")
    page.select_option("#id_unit", label="丙中学党支部")
    page.select_option("#id_batch", index=1)
    page.click("#enroll-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "丙中学党支部" in page.inner_text(".alert-success")
    audit(page, live_server, request, "enrolled")
    assert Enrollment.objects.filter(organization__code="C").exists()

    page.click("table a:has-text('丙中学党支部')")
    page.wait_for_selector("#unit-status")
    audit(page, live_server, request, "unit")
