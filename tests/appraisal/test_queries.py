"""List and aggregate pages: their query count does not grow with the data."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.appraisal.conftest import ballot_for, close_now, new_round, open_window
from tests.conftest import make_member, make_user
from vanguard.accounts.access import Scope
from vanguard.appraisal import services
from vanguard.appraisal.models import Subject
from vanguard.appraisal.templatetags.appraisal_tags import (
    appraisal_member_panel,
    appraisal_unit_panel,
)


def count_queries(action) -> int:
    cache.clear()  # count the figures computed, not served from the cache
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def get_ok(client, url):
    def action():
        response = client.get(url)
        assert response.status_code == 200, url

    return action


@pytest.fixture
def grow(enrollments, tree, personas, members):
    """Add `n` members to A1, each with an opinion (answered, fed back), a talk, a
    self-analysis, an item at a meeting; and a closed round with `n` ballots."""
    enrollment = enrollments["A"]
    campaign = enrollment.campaign
    meeting = services.save_meeting(
        enrollment,
        organization=tree["A"],
        held_on=date(2024, 9, 1),
        attendees=[members["bob"]],
        acting=None,
    )
    state = {"added": 0}

    def add(n):
        start = state["added"]
        people = [
            make_member(tree["A1"], f"G-{i}", f"成员{i}", user=make_user(f"g{i}"))
            for i in range(start, start + n)
        ]
        state["added"] += n
        for person in people:
            opinion = services.receive_opinion(
                campaign,
                channel="online",
                subject=Subject.MEMBER,
                member=person,
                content="意见",
                received_on=date(2024, 8, 20),
                acting=None,
            ).opinion
            services.answer_opinion(opinion, text="答复", user=None, acting=None)
            services.record_feedback(opinion, on=date(2024, 8, 21), acting=None)
            if person.code != "G-0":  # bob's own opinion list grows too
                services.receive_opinion(
                    campaign,
                    channel="online",
                    subject=Subject.MEMBER,
                    member=members["bob"],
                    content="关于鲍勃",
                    received_on=date(2024, 8, 20),
                    acting=None,
                )
            services.record_talk(
                enrollment,
                talked_on=date(2024, 8, 20),
                initiator=members["dora"],
                partner=person,
                topic="谈心",
                acting=None,
            )
            services.save_self_analysis(campaign, person, text="稿", submit=True, acting=None)
            services.add_criticism(
                meeting, member=members["bob"], kind="self", content="检讨", acting=None
            )
            services.save_meeting(
                enrollment,
                organization=tree["A"],
                held_on=date(2024, 9, 2),
                attendees=[members["bob"], members["dora"]],
                acting=None,
            )
        appraisal_round = new_round(
            enrollment, organization=tree["A"], title=f"评议{start}", **open_window()
        )
        for person in [*people, members["bob"]]:
            services.cast_ballot(
                appraisal_round, ballot_for(appraisal_round), member=person, acting=None
            )
        close_now(appraisal_round)
        entries = {pk: ("qualified", "") for pk, _n in services.candidates_of(appraisal_round)}
        services.save_conclusions(appraisal_round, entries, user=personas["alice"], acting=None)
        services.publish_notice(appraisal_round, text="通报", user=personas["alice"], acting=None)
        return appraisal_round

    return add


def urls(enrollment, appraisal_round):
    campaign, unit = enrollment.campaign_id, enrollment.pk
    return [
        reverse("appraisal:overview", args=[campaign]),
        reverse("appraisal:opinions", args=[campaign]),
        reverse("appraisal:talks", args=[campaign, unit]),
        reverse("appraisal:self-analyses", args=[campaign, unit]),
        reverse("appraisal:meetings", args=[campaign, unit]),
        reverse("appraisal:rounds", args=[campaign, unit]),
        reverse("appraisal:round", args=[appraisal_round.pk]),
        reverse("appraisal:ballots", args=[appraisal_round.pk]),
        reverse("appraisal:conclusions", args=[appraisal_round.pk]),
    ]


def test_staff_pages_do_not_grow_with_the_data(login, personas, enrollments, grow):
    client = login(personas["alice"])
    first = grow(2)
    few = [count_queries(get_ok(client, url)) for url in urls(enrollments["A"], first)]
    grow(8)
    many = [count_queries(get_ok(client, url)) for url in urls(enrollments["A"], first)]
    assert many == few


def test_the_meeting_page_does_not_grow(login, personas, enrollments, grow):
    from vanguard.appraisal.models import OrgLifeMeeting

    client = login(personas["alice"])
    grow(2)
    url = reverse("appraisal:meeting", args=[OrgLifeMeeting.objects.order_by("pk").first().pk])
    few = count_queries(get_ok(client, url))
    grow(6)
    assert count_queries(get_ok(client, url)) == few


def test_member_pages_do_not_grow(login, personas, grow):
    client = login(personas["bob"])
    grow(2)
    url = reverse("appraisal:me")
    few = count_queries(get_ok(client, url))
    grow(6)
    assert count_queries(get_ok(client, url)) == few


def test_public_notices_do_not_grow(client, grow):
    first = grow(2)
    pages = [
        reverse("appraisal:public-notices"),
        reverse("appraisal:public-notice", args=[first.pk]),
    ]
    few = [count_queries(get_ok(client, url)) for url in pages]
    grow(6)
    assert [count_queries(get_ok(client, url)) for url in pages] == few


def test_the_panels_do_not_grow(personas, enrollments, members, grow):
    enrollment = enrollments["A"]
    staff, member = Scope.for_user(personas["alice"]), Scope.for_user(personas["bob"])

    def render_panels():
        render_to_string("appraisal/_unit_panel.html", appraisal_unit_panel(enrollment, staff))
        render_to_string("appraisal/_unit_panel.html", appraisal_unit_panel(enrollment, member))
        panel = appraisal_member_panel({"scope": Scope.for_user(personas["bob"])}, members["bob"])
        render_to_string("appraisal/_me_panel.html", panel)

    grow(2)
    few = count_queries(render_panels)
    grow(6)
    assert count_queries(render_panels) == few
