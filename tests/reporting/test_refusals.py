"""Every state-changing reporting service checks its actor without a view in between:
charlie (admin of unrelated unit B), the read-only leader and the member are refused on
unit A's summaries and briefs; the unit's admin may not sign off or review its own."""

import pytest
from django.core.exceptions import PermissionDenied

from vanguard.accounts.access import Scope
from vanguard.reporting import services


@pytest.fixture
def world(unit_a, personas):
    summary = services.submit_summary(unit_a, "study", text="总结", acting=None)
    brief = services.create_brief(unit_a, title="t", body="b", acting=None)
    return {"enrollment": unit_a, "summary": summary, "brief": brief}


CALLS = {
    "submit_summary": lambda w, s: services.submit_summary(
        w["enrollment"], "analysis", text="x", acting=s
    ),
    "return_summary": lambda w, s: services.return_summary(
        w["summary"], by=None, comment="x", acting=s
    ),
    "approve_summary": lambda w, s: services.approve_summary(w["summary"], by=None, acting=s),
    "create_brief": lambda w, s: services.create_brief(
        w["enrollment"], title="t", body="b", acting=s
    ),
    "update_brief": lambda w, s: services.update_brief(w["brief"], title="t", body="b", acting=s),
    "submit_brief": lambda w, s: services.submit_brief(w["brief"], acting=s),
    "withdraw_brief": lambda w, s: services.withdraw_brief(w["brief"], acting=s),
    "return_brief": lambda w, s: services.return_brief(w["brief"], by=None, note="x", acting=s),
    "accept_brief": lambda w, s: services.accept_brief(w["brief"], by=None, acting=s),
    "publish_brief": lambda w, s: services.publish_brief(w["brief"], acting=s),
    "unpublish_brief": lambda w, s: services.unpublish_brief(w["brief"], acting=s),
}
REVIEWS = {
    "return_summary",
    "approve_summary",
    "return_brief",
    "accept_brief",
    "publish_brief",
    "unpublish_brief",
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("who", ["charlie", "leader", "bob"])
def test_outsiders_are_refused(world, personas, name, who):
    with pytest.raises(PermissionDenied):
        CALLS[name](world, Scope.for_user(personas[who]))


@pytest.mark.parametrize("name", sorted(REVIEWS))
def test_the_unit_does_not_review_itself(world, personas, name):
    with pytest.raises(PermissionDenied):
        CALLS[name](world, Scope.for_user(personas["alice"]))


def test_a_liaison_officer_of_another_batch_cannot_sign_off(world, liaison_b):
    with pytest.raises(PermissionDenied):
        services.approve_summary(world["summary"], by=None, acting=Scope.for_user(liaison_b))
