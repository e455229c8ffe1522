"""The unit page shows a member only their own figures: the compliance panel lists other
members' shortfalls (names and hours) to the unit's readers only, and no cached rendering
is served to another viewer."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_member, make_user
from vanguard.study import services
from vanguard.study.services import Mark

AFTER_STUDY = date(2024, 8, 20)  # unit A's study phase ended on 14 August


@pytest.fixture
def short_of_hours(planned, make_session, a_members, monkeypatch):
    """Every member of A is short of hours once the study phase has ended."""
    session = make_session(hours="2.0")
    services.save_roll(session, {m.pk: Mark("present") for m in a_members}, user=None, acting=None)
    monkeypatch.setattr(timezone, "localdate", lambda *args: AFTER_STUDY)
    return planned["A"]


def page(client, enrollment):
    url = reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["office", "leader", "alice", "liaison"])
def test_readers_see_the_members_short_of_hours(login, personas, short_of_hours, persona):
    body = page(login(personas[persona]), short_of_hours)
    assert "甲一" in body and "甲二" in body


def test_member_sees_no_other_members_names_or_hours(login, personas, short_of_hours):
    body = page(login(personas["bob"]), short_of_hours)
    assert 'data-verdict="study.hours"' in body  # the unit's standing is shown
    assert "甲一" not in body and "甲二" not in body
    assert "38" not in body  # nobody's missing hours, not even in a summary line


def test_the_cached_panel_is_not_served_across_viewers(login, personas, short_of_hours, tree):
    """A reader's rendering, cached first, never reaches a member, nor one member's another."""
    other = make_user("dan")
    make_member(tree["A1"], "A1-009", "丹", user=other)
    assert "甲一" in page(login(personas["alice"]), short_of_hours)
    assert "甲一" not in page(login(personas["bob"]), short_of_hours)
    assert "甲一" not in page(login(other), short_of_hours)
    assert "甲一" in page(login(personas["leader"]), short_of_hours)
