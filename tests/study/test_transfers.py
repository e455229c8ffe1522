"""A member's transfer mid-phase (issue 16): a dated operation with its history kept; the
old unit's marks still count toward the member's hours; a roll taken after the move shows
the member greyed with their marks kept, never dropped; who is on a roll follows the
membership on the session's day."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_member
from vanguard.orgs import services as org_services
from vanguard.orgs.models import Member, Transfer
from vanguard.study import services
from vanguard.study.hours import hours_by_enrollment, live_hours, member_hours
from vanguard.study.models import Attendance, MemberHours
from vanguard.study.services import Mark

MOVED_ON = date(2024, 7, 20)  # mid-way through unit A's study phase (1 July – 14 August)


@pytest.fixture
def moved(planned, make_session, a_members, personas, tree):
    """Bob (A1, under A) attended a session of A on 5 July; a second session of A on
    10 July had no roll yet; on 20 July he was transferred to B."""
    before = make_session(day=date(2024, 7, 5), hours="3.0")
    services.save_roll(
        before, {a_members[0].pk: Mark("present")}, user=personas["alice"], acting=None
    )
    pending = make_session(day=date(2024, 7, 10), hours="2.0")
    transfer = org_services.move(a_members[0], to=tree["B"], on=MOVED_ON, scope=None)
    return {"before": before, "pending": pending, "transfer": transfer, "bob": a_members[0]}


def test_a_transfer_is_a_dated_operation_with_its_history(moved, tree, personas):
    bob = Member.objects.get(pk=moved["bob"].pk)
    assert (bob.organization, bob.organization_since) == (tree["B"], MOVED_ON)
    transfer = moved["transfer"]
    assert (transfer.from_org, transfer.to_org, transfer.on) == (tree["A1"], tree["B"], MOVED_ON)

    back = org_services.move(bob, to=tree["A1"], on=date(2024, 9, 1), scope=None)
    assert list(Transfer.objects.filter(member=bob).values_list("to_org", flat=True)) == [
        tree["B"].pk,
        tree["A1"].pk,
    ]
    assert back.history.count() == 1  # the operation itself has its audit history

    with pytest.raises(ValidationError):  # a move cannot predate the previous one
        org_services.move(bob, to=tree["B"], on=date(2024, 8, 31), scope=None)
    with pytest.raises(PermissionDenied):  # charlie manages B only
        org_services.move(
            bob, to=tree["B"], on=date(2024, 9, 2), scope=personas["charlie"].access_scope()
        )


def test_the_old_units_marks_still_count_toward_the_members_hours(
    moved, make_session, planned, personas, campaign
):
    bob = moved["bob"]
    # a roll of the old unit's session held before the move, taken after it
    services.save_roll(
        moved["pending"], {bob.pk: Mark("present")}, user=personas["alice"], acting=None
    )
    # and a session of the new unit after the move
    after_b = make_session(planned["B"], day=date(2024, 7, 25), hours="1.5")
    services.save_roll(after_b, {bob.pk: Mark("late")}, user=personas["charlie"], acting=None)

    assert member_hours(campaign, [bob])[bob.pk] == Decimal("6.5")  # 3.0 + 2.0 + 1.5
    stored = MemberHours.objects.get(campaign=campaign, member=bob).hours
    assert stored == live_hours(campaign.pk)[bob.pk] == Decimal("6.5")
    # his hours count for the unit he is in now
    assert hours_by_enrollment(campaign, [planned["B"]])[planned["B"].pk].hours >= Decimal("6.5")


def test_roll_before_and_after_the_move(moved, make_session, planned, tree, a_members):
    bob = moved["bob"]
    # a session of A held before the move: bob is expected there, though he is in B now
    pending = [m.pk for m, _row in services.roll_rows(moved["pending"])]
    assert bob.pk in pending
    # a session of A after the move: not expected
    after_a = make_session(day=date(2024, 7, 25))
    assert bob.pk not in [m.pk for m, _row in services.roll_rows(after_a)]
    # a session of B before the move: not expected there; after it: expected
    before_b = make_session(planned["B"], day=date(2024, 7, 5))
    after_b = make_session(planned["B"], day=date(2024, 7, 25))
    assert bob.pk not in [m.pk for m, _row in services.roll_rows(before_b)]
    assert bob.pk in [m.pk for m, _row in services.roll_rows(after_b)]
    # a member who moved into A1 after the session is not on that session's roll
    newcomer = make_member(tree["B"], "B-009", "新来的")
    org_services.move(newcomer, to=tree["A1"], on=MOVED_ON, scope=None)
    assert newcomer.pk not in pending
    assert newcomer.pk in [m.pk for m, _row in services.roll_rows(after_a)]


def test_a_roll_taken_after_the_move_keeps_the_members_marks(moved, personas, a_members):
    bob, before = moved["bob"], moved["before"]
    others = {m.pk: Mark("present") for m in a_members[1:]}
    services.save_roll(before, others, user=personas["alice"], acting=None)  # bob's mark not sent
    assert Attendance.objects.get(session=before, member=bob).status == "present"
    services.save_roll(before, {bob.pk: Mark("late")}, user=personas["alice"], acting=None)
    assert Attendance.objects.get(session=before, member=bob).status == "late"


def test_the_roll_page_shows_the_moved_member_greyed_with_the_marks(moved, login, personas):
    bob, before = moved["bob"], moved["before"]
    client = login(personas["alice"])
    page = client.get(reverse("study:roll-call", args=[before.pk])).content.decode()
    row = page.split(f'data-member="{bob.pk}"')[1].split("</tr>")[0]
    assert "moved" in row.split(">")[0]  # the row's class: greyed
    assert "乙中心党支部" in row  # moved to B
    assert f'id="s-{bob.pk}-present" value="present" checked' in row  # the mark kept
    # posting the page as shown keeps the mark
    response = client.post(
        reverse("study:roll-call", args=[before.pk]),
        {f"status-{m.pk}": "present" for m, _row in services.roll_rows(before)},
    )
    assert response.status_code == 302
    assert Attendance.objects.get(session=before, member=bob).status == "present"


def test_a_check_in_at_a_session_of_the_old_unit_after_the_move_is_refused(moved, make_session):
    later = make_session(day=date(2024, 7, 25), starts=time(14))
    now = timezone.make_aware(datetime.combine(date(2024, 7, 25), time(14)))
    with pytest.raises(services.CheckinRefused):
        services.check_in(later, moved["bob"], later.checkin_code, now=now, acting=None)


def test_roll_rows_take_constant_queries_however_many_transfers(
    planned, make_session, tree, a_members
):
    session = make_session(day=date(2024, 7, 10))

    def count():
        with CaptureQueriesContext(connection) as captured:
            services.roll_rows(session)
        return len(captured)

    assert count() == 3  # nobody moved after the session: no transfer to look up
    first = make_member(tree["A1"], "A1-100", "调动")
    org_services.move(first, to=tree["B"], on=date(2024, 7, 20), scope=None)
    few = count()
    for n in range(1, 7):
        member = make_member(tree["A1"], f"A1-1{n}", f"调动{n}")
        org_services.move(member, to=tree["B"], on=date(2024, 7, 20 + n % 3), scope=None)
    assert count() == few
