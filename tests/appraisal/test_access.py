"""Access to every page of 分析评议, over the personas.

Staff records of unit A (opinions, talks, self-analyses, meetings, rounds' results) are
read by the office, the leader, A's administrator and A's liaison; bob, a member of A1,
and charlie, the administrator of unrelated unit B, get 404. A round and its published
ballots are unit business: bob sees them too. Changing needs a managing role: readers who
do not manage get 403. Anonymous visitors are sent to the login page.
"""

from datetime import date

import pytest
from django.urls import reverse

from tests.appraisal.conftest import ballot_for, close_now, new_round, open_window
from tests.reports.helpers import export
from vanguard.appraisal import services
from vanguard.appraisal.models import Subject

PERSONAS = ["office", "leader", "alice", "liaison", "bob", "charlie"]
READERS = {"office": 200, "leader": 200, "alice": 200, "liaison": 200, "bob": 404, "charlie": 404}
UNIT = {**READERS, "bob": 200}
CAMPAIGN = {**READERS, "charlie": 200}
MANAGERS = {"office": 302, "alice": 302, "leader": 403, "liaison": 403, "bob": 404, "charlie": 404}


@pytest.fixture
def world(enrollments, members, personas, tree, opinion):
    """One of everything in unit A; the closed round has ballots and conclusions."""
    enrollment = enrollments["A"]
    campaign = enrollment.campaign
    talk = services.record_talk(
        enrollment,
        talked_on=date(2024, 8, 20),
        initiator=members["dora"],
        partner=members["bob"],
        topic="谈心",
        acting=None,
    )
    services.save_self_analysis(campaign, members["bob"], text="稿", submit=True, acting=None)
    meeting = services.save_meeting(
        enrollment,
        organization=tree["A"],
        held_on=date(2024, 9, 1),
        attendees=[members["bob"]],
        acting=None,
    )
    open_round = new_round(enrollment, organization=tree["A"], title="进行中", **open_window())
    closed = new_round(enrollment, organization=tree["A1"], title="已结束", **open_window())
    services.cast_ballot(closed, ballot_for(closed), member=members["bob"], acting=None)
    close_now(closed)
    return {
        "campaign": campaign.pk,
        "enrollment": enrollment.pk,
        "opinion": opinion.pk,
        "talk": talk.pk,
        "meeting": meeting.pk,
        "open": open_round.pk,
        "closed": closed.pk,
        "bob": members["bob"].pk,
    }


def url_of(world, name, *keys):
    return reverse(name, args=[world[key] for key in keys])


PAGES = [
    ("appraisal:overview", ("campaign",), CAMPAIGN),
    ("appraisal:opinions", ("campaign",), CAMPAIGN),
    ("appraisal:opinion-new", ("campaign",), {**CAMPAIGN, "leader": 403, "liaison": 403}),
    ("appraisal:opinion", ("opinion",), READERS),
    ("appraisal:talks", ("campaign", "enrollment"), READERS),
    ("appraisal:self-analyses", ("campaign", "enrollment"), READERS),
    ("appraisal:self-analysis", ("campaign", "bob"), READERS),
    ("appraisal:meetings", ("campaign", "enrollment"), READERS),
    ("appraisal:meeting", ("meeting",), READERS),
    ("appraisal:rounds", ("campaign", "enrollment"), READERS),
    ("appraisal:conclusions", ("closed",), READERS),
    ("appraisal:round", ("open",), UNIT),
    ("appraisal:ballots", ("closed",), UNIT),
    (
        "appraisal:vote",
        ("open",),
        {"office": 403, "leader": 403, "alice": 403, "liaison": 403, "bob": 200, "charlie": 404},
    ),
    ("appraisal:me", (), {**dict.fromkeys(PERSONAS, 404), "bob": 200}),
    ("appraisal:my-self-analysis", ("campaign",), {**dict.fromkeys(PERSONAS, 404), "bob": 200}),
]


@pytest.mark.parametrize(("name", "keys", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(login, personas, world, name, keys, expected, persona):
    response = login(personas[persona]).get(url_of(world, name, *keys))
    assert response.status_code == expected[persona]


@pytest.mark.parametrize(("name", "keys", "_expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_need_login(client, world, name, keys, _expected):
    response = client.get(url_of(world, name, *keys))
    assert response.status_code == 302 and "/accounts/login/" in response.url


EXPORTS = [
    ("appraisal:opinions-export", ("campaign",), CAMPAIGN),
    ("appraisal:round-export", ("closed",), READERS),
]


@pytest.mark.parametrize(("name", "keys", "expected"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_exports(client, personas, world, name, keys, expected):
    """Started (POST), run by the worker, downloaded by the user who asked."""
    url = url_of(world, name, *keys)
    for persona in PERSONAS:
        client.force_login(personas[persona])
        assert export(client, url).status_code == expected[persona], persona
    client.logout()
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_results_pdf_access(login, personas, world):
    pytest.importorskip("weasyprint", reason="WeasyPrint needs the pango library")
    url = url_of(world, "appraisal:round-pdf", "closed")
    for persona in PERSONAS:
        response = export(login(personas[persona]), url)
        assert response.status_code == READERS[persona], persona


# -- changes -------------------------------------------------------------------------------

ACTIONS = [
    ("appraisal:opinion-answer", ("opinion",), {"answer": "已答复", "answered_on": "2024-08-21"}),
    ("appraisal:opinion-feedback", ("opinion",), {"fed_back_on": "2024-08-21"}),
    ("appraisal:opinion-pass", ("opinion",), {"direction": "up", "reason": "涉及总支"}),
    ("appraisal:opinion-member", ("opinion",), {"member": "bob"}),
    ("appraisal:opinion-close", ("opinion",), {}),
    (
        "appraisal:talks",
        ("campaign", "enrollment"),
        {"talked_on": "2024-08-21", "initiator": "bob", "partner": "dora", "topic": "谈心"},
    ),
    ("appraisal:self-analysis-review", ("campaign", "bob"), {"decision": "accept"}),
    ("appraisal:self-analysis-enter", ("campaign", "dora"), {"text": "纸质稿"}),
    (
        "appraisal:meetings",
        ("campaign", "enrollment"),
        {"organization": "A", "held_on": "2024-09-02", "attendees": "bob"},
    ),
    (
        "appraisal:meeting-edit",
        ("meeting",),
        {"organization": "A", "held_on": "2024-09-03", "attendees": "bob"},
    ),
    ("appraisal:meeting-item", ("meeting",), {"member": "bob", "kind": "self", "content": "检讨"}),
    (
        "appraisal:rounds",
        ("campaign", "enrollment"),
        {
            "organization": "A",
            "opens_at": "2099-09-01T08:00",
            "closes_at": "2099-09-03T17:00",
            "teller_1": "甲",
            "teller_2": "乙",
            "teller_3": "丙",
        },
    ),
    ("appraisal:round-close", ("open",), {}),
    ("appraisal:round-codes", ("open",), {"count": "2"}),
    ("appraisal:round-tellers", ("open",), {"teller_1": "甲", "teller_2": "乙", "teller_3": "丙"}),
    ("appraisal:round-count", ("closed",), {"code_1": "X", "code_2": "Y"}),
    ("appraisal:conclusions", ("closed",), {"grade_BOB": "qualified", "problems_BOB": ""}),
]


UNIT_BUSINESS = {
    "appraisal:round-close",
    "appraisal:round-codes",
    "appraisal:round-tellers",
    "appraisal:round-count",
}
SHOWN_ONCE = {"appraisal:round-codes", "appraisal:round-tellers", "appraisal:rounds"}


def _data(world, members, tree, data):
    """Resolve symbolic values: member and unit names to primary keys."""
    resolved = {}
    for key, value in data.items():
        key = key.replace("BOB", str(world["bob"]))
        if value in members:
            value = members[value].pk
        elif value in tree:
            value = tree[value].pk
        resolved[key] = value
    return resolved


@pytest.mark.parametrize(("name", "keys", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
@pytest.mark.parametrize("persona", PERSONAS)
def test_changes(login, personas, world, members, tree, name, keys, data, persona):
    if name == "appraisal:self-analysis-enter":
        world = {**world, "dora": members["dora"].pk}
    if name == "appraisal:opinion-close":
        from vanguard.appraisal.models import Opinion

        services.answer_opinion(
            Opinion.objects.get(pk=world["opinion"]), text="已答复", user=None, acting=None
        )
    response = login(personas[persona]).post(
        url_of(world, name, *keys), _data(world, members, tree, data)
    )
    expected = MANAGERS[persona]
    if persona == "bob" and name in UNIT_BUSINESS:
        expected = 403  # he sees the round, but does not run it
    if expected == 302 and name in SHOWN_ONCE:
        expected = 200  # the codes are shown in the response, once
    assert response.status_code == expected


def test_bob_is_not_told_who_wrote_about_him(login, personas, opinion):
    services.answer_opinion(opinion, text="已批评教育", user=personas["alice"], acting=None)
    client = login(personas["bob"])
    page = client.get(reverse("appraisal:me")).content.decode()
    assert "上课时经常接打电话" not in page  # not fed back yet

    services.record_feedback(opinion, on=date(2024, 8, 21), acting=None)
    page = client.get(reverse("appraisal:me")).content.decode()
    assert "上课时经常接打电话" in page and "已批评教育" in page
    for identity in ("alice", "教师恳谈会", "teacher_forum"):
        assert identity not in page


def test_a_named_author_is_never_shown_to_the_member(login, personas, campaign_a, members):
    received = services.receive_opinion(
        campaign_a,
        channel="online",
        subject=Subject.MEMBER,
        member=members["bob"],
        content="意见",
        anonymous=False,
        author_name="张三丰",
        author_contact="13912345678",
        received_on=date(2024, 8, 20),
        acting=None,
    )
    services.record_feedback(received.opinion, on=date(2024, 8, 21), acting=None)
    page = login(personas["bob"]).get(reverse("appraisal:me")).content.decode()
    assert "意见" in page and "张三丰" not in page and "13912345678" not in page
