"""Property: whatever sequence of roll-calls, check-ins, single marks, session edits and
transfers happens, every member's stored hours (`MemberHours`, what the pages show) equal
the hours added up from their marks (`live_hours`), and the compliance rule comparing
the two stays green."""

import contextlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_member
from vanguard.campaigns.compliance import evaluate_units
from vanguard.orgs import services as org_services
from vanguard.orgs.models import Member
from vanguard.study import services
from vanguard.study.hours import live_hours
from vanguard.study.models import Attendance, AttendanceStatus, MemberHours, StudySession

STATUSES = list(AttendanceStatus.values)
SESSIONS = 4
MEMBERS = 5

roll_call = st.tuples(
    st.just("roll"),
    st.integers(0, SESSIONS - 1),
    st.dictionaries(st.integers(0, MEMBERS - 1), st.sampled_from(STATUSES), max_size=MEMBERS),
)
check_in = st.tuples(st.just("checkin"), st.integers(0, SESSIONS - 1), st.integers(0, MEMBERS - 1))
single_mark = st.tuples(
    st.just("mark"),
    st.integers(0, SESSIONS - 1),
    st.integers(0, MEMBERS - 1),
    st.sampled_from(STATUSES),
)
delete_mark = st.tuples(
    st.just("unmark"), st.integers(0, SESSIONS - 1), st.integers(0, MEMBERS - 1)
)
session_edit = st.tuples(
    st.just("hours"), st.integers(0, SESSIONS - 1), st.sampled_from(["0.5", "1.0", "2.5", "4.0"])
)
transfer = st.tuples(
    st.just("move"),
    st.integers(0, MEMBERS - 1),
    st.sampled_from(["A", "A1", "B"]),
    st.integers(0, 60),
)
operations = st.lists(
    st.one_of(roll_call, check_in, single_mark, delete_mark, session_edit, transfer), max_size=12
)


@pytest.fixture
def world(planned, make_session, tree, personas):
    members = [personas["bob"].member] + [
        make_member(tree["A1" if n % 2 else "B"], f"P-{n}", f"性质{n}") for n in range(MEMBERS - 1)
    ]
    sessions = [
        make_session(day=date(2024, 7, 2), hours="2.0"),
        make_session(day=date(2024, 7, 20), hours="3.0"),
        make_session(planned["B"], day=date(2024, 7, 3), hours="1.5"),
        make_session(planned["B"], day=date(2024, 8, 1), hours="2.0"),
    ]
    return {"members": members, "sessions": sessions, "tree": tree, "user": personas["office"]}


def apply(world, operation) -> None:
    kind, *args = operation
    sessions, members, tree = world["sessions"], world["members"], world["tree"]
    if kind == "roll":
        session = StudySession.objects.get(pk=sessions[args[0]].pk)
        marks = {
            members[i].pk: services.Mark(s, "事假" if s == "leave" else "")
            for i, s in args[1].items()
        }
        services.save_roll(session, marks, user=world["user"], acting=None)
    elif kind == "checkin":
        session = StudySession.objects.get(pk=sessions[args[0]].pk)
        member = Member.objects.get(pk=members[args[1]].pk)
        now = timezone.make_aware(datetime.combine(session.date, session.starts_at))
        with contextlib.suppress(services.CheckinRefused):
            services.check_in(session, member, session.checkin_code, now=now, acting=None)
    elif kind == "mark":
        row, _created = Attendance.objects.get_or_create(
            session_id=sessions[args[0]].pk, member_id=members[args[1]].pk
        )
        row.status = args[2]
        row.save()
    elif kind == "unmark":
        for row in Attendance.objects.filter(
            session_id=sessions[args[0]].pk, member_id=members[args[1]].pk
        ):
            row.delete()
    elif kind == "hours":
        session = StudySession.objects.get(pk=sessions[args[0]].pk)
        session.hours = Decimal(args[1])
        session.save()
    elif kind == "move":
        member = Member.objects.get(pk=members[args[0]].pk)
        with contextlib.suppress(ValidationError):
            org_services.move(
                member,
                to=tree[args[1]],
                on=date(2024, 7, 1) + timezone.timedelta(days=args[2]),
                scope=None,
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=operations)
def test_stored_hours_equal_derived_hours_after_any_sequence(world, campaign, sequence):
    with transaction.atomic():
        for operation in sequence:
            apply(world, operation)
        stored = dict(MemberHours.objects.filter(campaign=campaign).values_list("member", "hours"))
        assert stored == live_hours(campaign.pk)
        report = evaluate_units(campaign, campaign.enrollments.values_list("pk", flat=True))
        verdict = next(v for v in report.verdicts if v.code == "study.stored_hours")
        assert verdict.findings == []
        transaction.set_rollback(True)


def test_the_rule_turns_red_when_stored_and_derived_differ(world, campaign):
    bob = world["members"][0]
    apply(world, ("roll", 0, {0: "present"}))
    MemberHours.objects.filter(campaign=campaign, member=bob).update(hours=Decimal("99.0"))
    report = evaluate_units(campaign, campaign.enrollments.values_list("pk", flat=True))
    verdict = next(v for v in report.verdicts if v.code == "study.stored_hours")
    (finding,) = verdict.findings
    assert finding.level.name == "FAILING"
    assert bob.name in finding.members[0] and "99.0" in finding.members[0]
