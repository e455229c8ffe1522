"""Each member's stored hours (`MemberHours`) equal the sum of their marks after every way
the marks or a session's hours change: roll-call, check-in, a single mark, a session's
hours edited, a session deleted; and `refresh_study_hours` repairs and reports."""

from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django.utils import timezone

from vanguard.campaigns.models import Campaign
from vanguard.study import services
from vanguard.study.hours import live_hours, refresh_member_hours
from vanguard.study.models import Attendance, MemberHours
from vanguard.study.services import Mark


def stored(campaign) -> dict[int, Decimal]:
    return dict(MemberHours.objects.filter(campaign=campaign).values_list("member", "hours"))


def assert_current(campaign):
    assert stored(campaign) == live_hours(campaign.pk)


def test_roll_call_and_its_corrections(make_session, a_members, personas, campaign):
    bob, one, two = a_members
    session = make_session(hours="2.5")
    services.save_roll(
        session,
        {bob.pk: Mark("present"), one.pk: Mark("late")},
        user=personas["alice"],
        acting=None,
    )
    assert stored(campaign) == {bob.pk: Decimal("2.5"), one.pk: Decimal("2.5")}
    services.save_roll(
        session,
        {bob.pk: Mark("absent"), two.pk: Mark("present")},
        user=personas["alice"],
        acting=None,
    )
    assert stored(campaign) == {one.pk: Decimal("2.5"), two.pk: Decimal("2.5")}
    assert_current(campaign)


def test_check_in(make_session, a_members, campaign):
    bob = a_members[0]
    session = make_session(day=date(2024, 7, 10), starts=time(14), ends=time(16), hours="2.0")
    now = timezone.make_aware(datetime.combine(session.date, time(13, 55)))
    services.check_in(session, bob, session.checkin_code, now=now, acting=None)
    assert stored(campaign) == {bob.pk: Decimal("2.0")}
    assert_current(campaign)


def test_a_single_mark_saved(make_session, a_members, campaign):
    bob = a_members[0]
    row = Attendance.objects.create(session=make_session(hours="1.5"), member=bob, status="late")
    assert stored(campaign) == {bob.pk: Decimal("1.5")}
    row.status = "leave"
    row.save()
    assert stored(campaign) == {}


def test_a_session_whose_hours_change_or_which_is_deleted(
    make_session, a_members, personas, campaign
):
    bob, one, _two = a_members
    first, second = make_session(day=date(2024, 7, 1)), make_session(day=date(2024, 7, 2))
    for session in (first, second):
        services.save_roll(
            session,
            {bob.pk: Mark("present"), one.pk: Mark("present")},
            user=personas["alice"],
            acting=None,
        )
    assert stored(campaign)[bob.pk] == Decimal("4.0")
    first.hours = Decimal("3.0")
    first.save()
    assert stored(campaign)[bob.pk] == Decimal("5.0")
    with pytest.raises(ProtectedError):  # its marks are campaign history (issue 15)
        second.delete()
    second.attendances.all().delete()  # a bulk write: the caller refreshes the hours
    refresh_member_hours(campaign.pk, [bob.pk, one.pk])
    second.roll_calls.all().delete()
    second.delete()
    assert stored(campaign) == {bob.pk: Decimal("3.0"), one.pk: Decimal("3.0")}
    assert_current(campaign)


def test_the_command_repairs_and_reports(make_session, a_members, personas, campaign, capsys):
    bob = a_members[0]
    services.save_roll(
        make_session(), {bob.pk: Mark("present")}, user=personas["alice"], acting=None
    )
    MemberHours.objects.filter(member=bob).update(hours=Decimal("99.0"))
    with pytest.raises(SystemExit):
        call_command("refresh_study_hours", check=True)
    assert stored(campaign)[bob.pk] == Decimal("99.0")  # --check changes nothing
    call_command("refresh_study_hours")
    assert_current(campaign)
    call_command("refresh_study_hours", check=True)  # now nothing differs
    assert "0" in capsys.readouterr().out


def test_the_demo_leaves_stored_hours_equal_to_the_marks(db):
    call_command("load_demo", stdout=StringIO())
    call_command("refresh_study_hours", check=True, stdout=StringIO())  # SystemExit if not
    campaign = Campaign.objects.get()
    assert MemberHours.objects.filter(campaign=campaign, hours__gt=0).exists()
    assert_current(campaign)
