"""Attendance: the roll-call on one screen saved in one request, and the member's own
check-in with the session's code, only inside its time window, once."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_member, make_user
from vanguard.study import services
from vanguard.study.models import Attendance, AttendanceStatus, RollCall
from vanguard.study.services import CheckinRefused, Mark, RollError


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# -- the roll-call service ---------------------------------------------------------------


def test_first_roll_puts_every_member_of_the_subtree_on_it(make_session, a_members, personas):
    session = make_session()
    bob, one, two = a_members

    call = services.save_roll(
        session,
        {bob.pk: Mark("late"), one.pk: Mark("leave", "病假")},
        user=personas["alice"],
        acting=None,
    )

    marks = dict(Attendance.objects.filter(session=session).values_list("member_id", "status"))
    assert marks == {bob.pk: "late", one.pk: "leave", two.pk: "absent"}
    session.refresh_from_db()
    assert session.roll_taken_by == personas["alice"] and session.roll_taken_at is not None
    assert sorted(change[0] for change in call.changes) == sorted([bob.pk, one.pk, two.pk])


def test_a_branch_session_expects_only_the_branch(make_session, tree, a_members, personas):
    session = make_session(org=tree["A1"])
    services.save_roll(session, {}, user=personas["alice"], acting=None)
    expected = set(Attendance.objects.filter(session=session).values_list("member_id", flat=True))
    assert expected == {a_members[0].pk, a_members[2].pk}


def test_saving_again_records_only_the_changes(make_session, a_members, personas):
    session = make_session()
    bob = a_members[0]
    services.save_roll(session, {bob.pk: Mark("absent")}, user=personas["alice"], acting=None)

    call = services.save_roll(
        session, {bob.pk: Mark("present")}, user=personas["office"], acting=None
    )

    assert call.changes == [[bob.pk, "absent", "present", ""]]
    assert RollCall.objects.filter(session=session).count() == 2


def test_a_leave_without_reason_is_refused_and_nothing_is_written(
    make_session, a_members, personas
):
    session = make_session()
    bob, one, _two = a_members

    with pytest.raises(RollError) as error:
        services.save_roll(
            session,
            {bob.pk: Mark("present"), one.pk: Mark("leave")},
            user=personas["alice"],
            acting=None,
        )

    assert list(error.value.errors) == [one.pk]
    assert not Attendance.objects.filter(session=session).exists()
    assert not RollCall.objects.exists()


def test_an_unknown_status_is_refused(make_session, a_members, personas):
    with pytest.raises(RollError):
        services.save_roll(
            make_session(), {a_members[0].pk: Mark("asleep")}, user=None, acting=None
        )


# -- the roll-call screen ------------------------------------------------------------------


def roll_post(members, status="present"):
    data = {f"status-{m.pk}": status for m in members}
    data.update({f"reason-{m.pk}": "" for m in members})
    return data


def test_roll_call_screen_saves_in_one_request(login, make_session, a_members, personas):
    session = make_session()
    client = login(personas["alice"])
    url = reverse("study:roll-call", args=[session.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('type="radio"') == 4 * len(a_members)

    response = client.post(url, roll_post(a_members, "late"))
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("status", flat=True)) == {"late"}


def test_roll_call_screen_keeps_what_was_typed_on_error(login, make_session, a_members, personas):
    session = make_session()
    data = roll_post(a_members)
    data[f"status-{a_members[1].pk}"] = "leave"
    data[f"reason-{a_members[0].pk}"] = "在场"

    response = login(personas["alice"]).post(
        reverse("study:roll-call", args=[session.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the reason for the leave." in body
    assert 'value="在场"' in body
    assert not Attendance.objects.exists()


def _roll_queries(client, session, members) -> int:
    url = reverse("study:roll-call", args=[session.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, roll_post(members, "present"))
    assert response.status_code == 302
    return len(captured)


def test_roll_call_save_is_a_constant_number_of_queries(login, make_session, tree, personas):
    # given a branch of 10 members and one of 150
    from vanguard.orgs.models import Organization

    small = Organization.objects.add_child(tree["A"], dict(code="S", name="小", kind="branch"))
    large = Organization.objects.add_child(tree["A"], dict(code="L", name="大", kind="branch"))
    few = [make_member(small, f"S{i:03d}", f"小{i}") for i in range(10)]
    many = [make_member(large, f"L{i:03d}", f"大{i}") for i in range(150)]
    client = login(personas["alice"])

    # when each branch's roll is taken for the first time, then again with changes
    first_few = _roll_queries(client, make_session(org=small), few)
    first_many = _roll_queries(client, make_session(org=large, day=date(2024, 7, 11)), many)

    # then both cost the same number of queries
    assert first_few == first_many
    assert Attendance.objects.filter(member__in=many).count() == 150


# -- check-in ------------------------------------------------------------------------------


@pytest.fixture
def session_now(make_session):
    """A session on 10 July 2024, 14:00–16:00."""
    return make_session(day=date(2024, 7, 10), starts=time(14), ends=time(16))


def test_check_in_marks_present_and_puts_the_unit_on_the_roll(session_now, a_members):
    bob, one, two = a_members

    row = services.check_in(
        session_now, bob, session_now.checkin_code, now=at(session_now.date, 13, 50), acting=None
    )

    assert row.status == "present" and row.checked_in_at is not None
    marks = dict(Attendance.objects.filter(session=session_now).values_list("member_id", "status"))
    assert marks == {bob.pk: "present", one.pk: "absent", two.pk: "absent"}
    assert RollCall.objects.get().self_checkin is True


def test_the_first_check_in_changes_its_units_figures_only(session_now, a_members, planned):
    """Putting the unit on the roll is a bulk write: it is put down to the session's unit,
    so that other units' figures (and the campaign-wide ones) are not thrown away."""
    from tests.campaigns.revisions import only_unit_moves

    with only_unit_moves(planned["A"], planned["B"]):
        services.check_in(
            session_now,
            a_members[0],
            session_now.checkin_code,
            now=at(session_now.date, 14),
            acting=None,
        )
    assert Attendance.objects.filter(session=session_now).count() == 3  # the bulk write ran


def test_check_in_after_ten_minutes_is_late(session_now, a_members):
    row = services.check_in(
        session_now,
        a_members[0],
        session_now.checkin_code.lower(),
        now=at(session_now.date, 14, 11),
        acting=None,
    )
    assert row.status == AttendanceStatus.LATE


def test_check_in_with_a_wrong_code_is_refused(session_now, a_members):
    with pytest.raises(CheckinRefused, match="wrong"):
        services.check_in(
            session_now, a_members[0], "WRONG1", now=at(session_now.date, 14), acting=None
        )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("moment", "pattern"),
    [((13, 29), "opens at 13:30"), ((16, 1), "closed at 16:00")],
)
def test_check_in_outside_the_time_window_is_refused(session_now, a_members, moment, pattern):
    with pytest.raises(CheckinRefused, match=pattern):
        services.check_in(
            session_now,
            a_members[0],
            session_now.checkin_code,
            now=at(session_now.date, *moment),
            acting=None,
        )
    assert not Attendance.objects.exists()


def test_check_in_on_another_day_is_refused(session_now, a_members):
    tomorrow = at(session_now.date + timedelta(days=1), 14, 30)
    with pytest.raises(CheckinRefused):
        services.check_in(
            session_now, a_members[0], session_now.checkin_code, now=tomorrow, acting=None
        )


def test_a_second_check_in_is_refused(session_now, a_members):
    services.check_in(
        session_now,
        a_members[0],
        session_now.checkin_code,
        now=at(session_now.date, 14),
        acting=None,
    )
    with pytest.raises(CheckinRefused, match="14:00"):
        services.check_in(
            session_now,
            a_members[0],
            session_now.checkin_code,
            now=at(session_now.date, 14, 5),
            acting=None,
        )


def test_check_in_after_the_roll_marked_present_is_refused(session_now, a_members, personas):
    services.save_roll(
        session_now, {a_members[0].pk: Mark("present")}, user=personas["alice"], acting=None
    )
    with pytest.raises(CheckinRefused):
        services.check_in(
            session_now,
            a_members[0],
            session_now.checkin_code,
            now=at(session_now.date, 14),
            acting=None,
        )


def test_a_member_of_another_unit_is_refused(session_now, tree):
    outsider = make_member(tree["B"], "B-009", "乙九")
    with pytest.raises(CheckinRefused, match=tree["A"].name):
        services.check_in(
            session_now,
            outsider,
            session_now.checkin_code,
            now=at(session_now.date, 14),
            acting=None,
        )
    assert not Attendance.objects.exists()


# -- the check-in pages --------------------------------------------------------------------


@pytest.fixture
def open_session(make_session, monkeypatch):
    """A session running now: the clock is pinned to 14:30 on the session's day, so the
    test means the same whatever the time it runs at."""
    now = datetime(2024, 7, 3, 14, 30, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: now)
    return make_session(day=now.date(), starts=time(14, 25), ends=time(15, 30), hours="1.0")


def test_member_checks_in_through_the_page(login, open_session, personas):
    client = login(personas["bob"])
    url = reverse("study:checkin", args=[open_session.pk])

    page = client.get(f"{url}?code={open_session.checkin_code}")
    assert page.status_code == 200
    assert f'value="{open_session.checkin_code}"' in page.content.decode()

    response = client.post(url, {"code": open_session.checkin_code})
    assert response.status_code == 302
    assert Attendance.objects.get(member=personas["bob"].member).status == "present"

    again = client.post(url, {"code": open_session.checkin_code})
    assert again.status_code == 400
    assert "checkin-refused" in again.content.decode()


def test_wrong_code_on_the_page_shows_why(login, open_session, personas):
    response = login(personas["bob"]).post(
        reverse("study:checkin", args=[open_session.pk]), {"code": "ZZZZZZ"}
    )
    assert response.status_code == 400
    assert 'id="checkin-refused"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_member_of_another_unit_gets_404_on_check_in(login, open_session, tree):
    user = make_user("dora")
    make_member(tree["B"], "B-010", "朵拉", user=user)
    client = login(user)
    url = reverse("study:checkin", args=[open_session.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"code": open_session.checkin_code}).status_code == 404
    assert not Attendance.objects.exists()


def test_member_of_another_unit_on_the_roll_may_check_in(login, open_session, tree):
    """A guest put on the session's roll by its unit keeps the page."""
    user = make_user("dora")
    dora = make_member(tree["B"], "B-010", "朵拉", user=user)
    Attendance.objects.create(session=open_session, member=dora, status="absent")
    page = login(user).get(reverse("study:checkin", args=[open_session.pk]))
    assert page.status_code == 200
    assert open_session.topic in page.content.decode()


@pytest.mark.parametrize("persona", ["office", "alice", "charlie"])
def test_users_without_a_member_record_get_404_on_check_in(login, open_session, personas, persona):
    response = login(personas[persona]).get(reverse("study:checkin", args=[open_session.pk]))
    assert response.status_code == 404
