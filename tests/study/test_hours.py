"""Hours derived from attendance (R8): the minimum at its boundary, late and leave, a member
who moved units, sessions outside the study window, the template's variants, 参学率."""

import dataclasses
from datetime import date, time
from decimal import Decimal

import pytest

from tests.conftest import make_member
from vanguard.campaigns.template import Variant
from vanguard.orgs.models import Member, MemberStatus, Organization, OrgCategory
from vanguard.study import services
from vanguard.study.hours import (
    hours_by_enrollment,
    member_hours,
    participation_by_batch,
    participation_by_enrollment,
    required_hours,
    required_hours_expression,
    with_hours,
)
from vanguard.study.models import Attendance, AttendanceStatus
from vanguard.study.services import Mark


def attend(session, member, status=AttendanceStatus.PRESENT):
    return Attendance.objects.create(session=session, member=member, status=status)


def sessions_totalling(make_session, total: str, *, start_day=1):
    """Sessions of 4 hours (and one of the rest) adding up to `total` hours, one a day."""
    total = Decimal(total)
    sessions, day = [], start_day
    while total > 0:
        hours = min(total, Decimal("4.0"))
        sessions.append(make_session(day=date(2024, 7, day), hours=str(hours), starts=time(8)))
        total -= hours
        day += 1
    return sessions


def test_hours_at_the_boundary(make_session, a_members, campaign):
    # given one member who attended 39.5 hours and one who attended 40.0
    short, enough, _third = a_members
    for session in sessions_totalling(make_session, "39.5"):
        attend(session, short)
    for session in sessions_totalling(make_session, "40.0", start_day=15):
        attend(session, enough)

    # then the first is short by half an hour, the second meets the minimum
    hours = member_hours(campaign, [short, enough])
    assert hours == {short.pk: Decimal("39.5"), enough.pk: Decimal("40.0")}
    rows = {m.pk: m for m in with_hours(Member.objects.filter(pk__in=hours), campaign)}
    assert rows[short.pk].shortfall == Decimal("0.5")
    assert rows[enough.pk].shortfall == 0
    assert required_hours(campaign, short) == Decimal(40)


def test_unit_summary_counts_who_is_short(make_session, a_members, planned, campaign):
    short, enough, _nothing = a_members
    for session in sessions_totalling(make_session, "39.5"):
        attend(session, short)
    for session in sessions_totalling(make_session, "40.0", start_day=15):
        attend(session, enough)

    summary = hours_by_enrollment(campaign, [planned["A"], planned["B"]])

    a = summary[planned["A"].pk]
    assert (a.members, a.short, a.met) == (3, 2, 1)
    assert a.shortfall == Decimal("40.5")  # 0.5 + 40 for the one who attended nothing
    assert summary[planned["B"].pk].members == 1  # 查理同事, in unit B


def test_late_counts_as_present_leave_and_absence_do_not(make_session, bob_member, campaign):
    statuses = [
        AttendanceStatus.PRESENT,
        AttendanceStatus.LATE,
        AttendanceStatus.LEAVE,
        AttendanceStatus.ABSENT,
    ]
    for day, status in enumerate(statuses, start=1):
        attend(make_session(day=date(2024, 7, day), hours="2.0"), bob_member, status)

    assert member_hours(campaign, [bob_member]) == {bob_member.pk: Decimal("4.0")}


def test_member_who_changed_units_keeps_the_hours(
    make_session, planned, tree, bob_member, campaign, personas
):
    # given bob attended two sessions of unit A, then moved to unit B and attended one there
    for day in (1, 2):
        attend(make_session(day=date(2024, 7, day), hours="3.0"), bob_member)
    bob_member.organization = tree["B"]
    bob_member.save()
    attend(make_session(planned["B"], day=date(2024, 1, 20), hours="2.0"), bob_member)

    # then his hours are all of them, and they count for his current unit
    assert member_hours(campaign, [bob_member])[bob_member.pk] == Decimal("8.0")
    summary = hours_by_enrollment(campaign, [planned["A"], planned["B"]])
    assert summary[planned["B"].pk].hours == Decimal("8.0")
    assert planned["A"].pk not in summary  # unit A has no members left

    # and unit A's roster still shows him, marked as moved, with his marks
    from vanguard.study.books import roster

    rows = {row.member.pk: row for row in roster(planned["A"]).rows}
    assert rows[bob_member.pk].moved is True
    assert rows[bob_member.pk].marks == ["✓", "✓"]


def test_roll_call_after_a_move_keeps_the_member_on_the_old_roll(
    make_session, planned, tree, a_members, personas
):
    session = make_session()
    services.save_roll(session, {}, user=personas["alice"], acting=None)  # all three on the roll
    bob = a_members[0]
    bob.organization = tree["B"]
    bob.save()

    services.save_roll(
        session, {bob.pk: Mark(AttendanceStatus.PRESENT)}, user=personas["alice"], acting=None
    )

    assert Attendance.objects.get(session=session, member=bob).status == "present"
    assert Attendance.objects.filter(session=session).count() == 3


def test_sessions_outside_the_study_window_count_and_are_flagged(
    make_session, planned, bob_member, campaign
):
    inside = make_session(day=date(2024, 7, 1))
    outside = make_session(day=date(2024, 9, 1))
    for session in (inside, outside):
        attend(session, bob_member)

    window = services.study_window(planned["A"])
    assert services.outside_window(inside.date, window) is False
    assert services.outside_window(outside.date, window) is True
    assert services.outside_window(date(2024, 8, 14), window) is False  # last day inside
    assert member_hours(campaign, [bob_member])[bob_member.pk] == Decimal("4.0")


def test_member_hours_is_one_query(make_session, a_members, campaign, django_assert_num_queries):
    attend(make_session(), a_members[0])
    with django_assert_num_queries(1):
        hours = member_hours(campaign, Member.objects.all())
    assert hours[a_members[0].pk] == Decimal("2.0")
    assert hours[a_members[1].pk] == Decimal("0.0")


def test_hours_of_another_campaign_do_not_count(make_session, bob_member, campaign, tree):
    from datetime import date as d

    from vanguard.campaigns import services as cs
    from vanguard.campaigns.template import load_template, shipped_template_path

    other = cs.start_campaign(
        load_template(shipped_template_path("xianjinxing-2024")),
        organization=tree["root"],
        batches=[("一批", d(2025, 1, 1), d(2025, 6, 30))],
        code="other",
    )
    other_enrollment = cs.enroll(other.batches.get(), tree["A"])
    attend(make_session(other_enrollment), bob_member)
    attend(make_session(), bob_member)

    assert member_hours(campaign, [bob_member])[bob_member.pk] == Decimal("2.0")
    assert member_hours(other, [bob_member])[bob_member.pk] == Decimal("2.0")


@pytest.fixture
def varied_campaign(campaign):
    """The campaign with variants by category, by group and by both (later ones win)."""
    rules = campaign.rules
    variants = (
        Variant(category="school", group=None, values={"min_study_hours": 44}),
        Variant(category=None, group="leader_cadre", values={"min_study_hours": 48}),
        Variant(category="school", group="probationary", values={"min_study_hours": 50}),
        Variant(category="organ", group=None, values={"phase_duration_tolerance": 0.2}),
    )
    campaign.template_data = dataclasses.replace(rules, variants=variants).to_dict()
    campaign.save()
    campaign.__dict__.pop("template", None)
    return campaign


def test_the_minimum_in_sql_agrees_with_the_template(varied_campaign, tree):
    # given members of every category × membership × leader-cadre combination
    root = tree["root"]
    members = []
    for index, category in enumerate(["", *OrgCategory.values]):
        org = Organization.objects.add_child(
            root, {"code": f"V{index}", "name": f"V{index}", "kind": "branch", "category": category}
        )
        for status in MemberStatus.values:
            for leader in (False, True):
                members.append(
                    make_member(
                        org,
                        f"V{index}-{status}-{leader}",
                        "成员",
                        status=status,
                        is_leader_cadre=leader,
                    )
                )

    # then the database computes what the template says, for each of them
    rows = Member.objects.filter(pk__in=[m.pk for m in members]).annotate(
        required=required_hours_expression(varied_campaign.rules)
    )
    computed = {m.pk: m.required for m in rows.select_related("organization")}
    expected = {m.pk: required_hours(varied_campaign, m) for m in members}
    assert computed == expected
    assert set(expected.values()) == {Decimal(40), Decimal(44), Decimal(48), Decimal(50)}


def test_participation_per_unit_and_batch(make_session, planned, a_members, personas):
    first, second = make_session(day=date(2024, 7, 1)), make_session(day=date(2024, 7, 2))
    bob, one, two = a_members
    services.save_roll(
        first,
        {
            bob.pk: Mark("present"),
            one.pk: Mark("late"),
            two.pk: Mark("leave", "出差"),
        },
        user=personas["alice"],
        acting=None,
    )
    services.save_roll(second, {bob.pk: Mark("absent")}, user=personas["alice"], acting=None)
    make_session(day=date(2024, 7, 3))  # roll not taken: not counted

    # 3 of 6 person-sessions attended (present + late)
    unit = participation_by_enrollment([planned["A"]])[planned["A"].pk]
    assert (unit.attended, unit.expected, unit.percent) == (2, 6, "33.3%")
    batch = participation_by_batch(planned["A"].campaign)[planned["A"].batch_id]
    assert batch == unit


def test_the_hours_page_filters_by_unit_and_keeps_the_choice(
    client, personas, enrollments, campaign
):
    """The campaign hours page's unit filter lists the units the reader reads, the one asked
    for chosen, names escaped."""
    from django.urls import reverse

    client.force_login(personas["office"])
    url = reverse("study:shortfalls", args=[campaign.pk])
    unit = enrollments["A"]
    html = client.get(url, {"unit": unit.pk}).content.decode()
    options = html.split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{unit.pk}" selected>{unit.organization.name}</option>' in options
    assert options.count("<option") == 1 + campaign.enrollments.count()
    assert options.count(" selected") == 1
    plain = client.get(url).content.decode().split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert " selected" not in plain


def test_the_hours_table_is_kept_until_the_campaigns_data_changes(
    client, personas, make_session, a_members, planned, campaign
):
    """The campaign hours page's table (a count and a sort over every member read) is
    rendered once per version of the campaign's data; a roll call gives the new hours."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(personas["office"])
    url = reverse("study:shortfalls", args=[campaign.pk])
    bob = a_members[0]
    first = client.get(url, {"all": "1"}).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"all": "1"}).content.decode()
    assert again.split('id="shortfalls"')[1] == first.split('id="shortfalls"')[1]
    assert not [q for q in queries if "study_memberhours" in q["sql"]]  # nothing summed again
    # nor the units listed again for the filter (3,000 at province)
    assert not [q for q in queries if 'FROM "campaigns_enrollment"' in q["sql"]]

    session = make_session(day=date(2024, 7, 1), hours="4.0")
    services.save_roll(session, {bob.pk: Mark("present")}, user=personas["alice"], acting=None)

    def hours_of_bob(html):
        return html.split(bob.name, 1)[1].split("</tr>")[0].split('class="text-end">')[1]

    assert hours_of_bob(first).startswith("0<")
    assert hours_of_bob(client.get(url, {"all": "1"}).content.decode()).startswith("4<")
    other_page = client.get(url).content.decode()  # another filter: its own table
    assert bob.name in other_page
