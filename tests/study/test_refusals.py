"""Every state-changing study service checks its actor without a view in between: charlie
(admin of unrelated B) and the read-only roles are refused on unit A's session and member;
the unit's admin acts, and a member checks in (or marks their 五个一) for themself only."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from vanguard.accounts.access import Scope
from vanguard.study import services
from vanguard.study.services import Mark

TODAY = date(2024, 7, 10)


def scope_of(user):
    return Scope.for_user(user, today=TODAY)


def actions(session, member):
    campaign = session.enrollment.campaign
    at = timezone.make_aware(datetime.combine(session.date, time(13, 50)))
    return {
        "save_roll": lambda acting: services.save_roll(
            session, {member.pk: Mark("present")}, user=None, acting=acting
        ),
        "save_log": lambda acting: services.save_log(session, content="记录", acting=acting),
        "mark_five_one": lambda acting: services.mark_five_one(
            campaign, member, "renew_oath", done_on=TODAY, today=TODAY, acting=acting
        ),
        "unmark_five_one": lambda acting: services.unmark_five_one(
            campaign, member, "renew_oath", acting=acting
        ),
        "check_in": lambda acting: services.check_in(
            session, member, session.checkin_code, now=at, acting=acting
        ),
    }


@pytest.fixture
def session(make_session):
    return make_session(day=TODAY, starts=time(14), ends=time(16))


ALL = ["save_roll", "save_log", "mark_five_one", "unmark_five_one", "check_in"]


@pytest.mark.parametrize("action", ALL)
@pytest.mark.parametrize("persona", ["charlie", "leader", "liaison"])
def test_outsiders_and_readers_are_refused(personas, session, a_members, action, persona):
    with pytest.raises(PermissionDenied):
        actions(session, a_members[0])[action](scope_of(personas[persona]))


@pytest.mark.parametrize("action", ["save_roll", "save_log", "check_in"])
def test_a_member_does_not_act_for_the_unit_or_a_colleague(personas, session, a_members, action):
    colleague = a_members[1]  # bob acting on another member's check-in, or on the roll
    with pytest.raises(PermissionDenied):
        actions(session, colleague)[action](scope_of(personas["bob"]))


@pytest.mark.parametrize("action", ["save_roll", "save_log", "mark_five_one", "unmark_five_one"])
def test_the_units_admin_acts(personas, session, a_members, action):
    actions(session, a_members[0])[action](scope_of(personas["alice"]))  # no refusal


@pytest.mark.parametrize("action", ["mark_five_one", "unmark_five_one", "check_in"])
def test_the_member_acts_for_themself(personas, session, a_members, action):
    actions(session, a_members[0])[action](scope_of(personas["bob"]))  # bob himself
