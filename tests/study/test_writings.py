"""学习体会 and 调研文章 (issue 20): submitted by members, reviewed by the unit, recommended
to and published by the office in the public column; and the 讲师团."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vanguard.accounts.access import Scope
from vanguard.campaigns.models import Campaign
from vanguard.orgs.models import Member
from vanguard.study import writings
from vanguard.study.models import Lecture, Lecturer, Writing, WritingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def writing(planned, personas):
    bob = Member.objects.get(user=personas["bob"])
    return Writing.objects.create(
        campaign=planned["A"].campaign,
        enrollment=planned["A"],
        member=bob,
        kind="experience",
        title="学习党章的体会",
        body="正文",
        submitted_at="2024-07-10T10:00:00+08:00",
    )


def act(writing, action, user):
    return writings.act(writing, action, acting=Scope.for_user(user))


def test_the_path_from_submission_to_the_public_column(writing, personas, client):
    act(writing, "accept", personas["alice"])
    act(writing, "recommend", personas["alice"])
    assert not client.get(reverse("study:public-writings")).content.decode().count("学习党章的体会")
    act(writing, "publish", personas["office"])
    column = client.get(reverse("study:public-writings"))
    assert "学习党章的体会" in column.content.decode()
    assert client.get(reverse("study:public-writing", args=[writing.pk])).status_code == 200
    act(writing, "unpublish", personas["office"])
    assert client.get(reverse("study:public-writing", args=[writing.pk])).status_code == 404
    assert writing.status == WritingStatus.RECOMMENDED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("submitted", "recommend"),  # the unit accepts before it recommends
        ("submitted", "publish"),  # the office publishes only what was recommended
        ("accepted", "publish"),
        ("returned", "accept"),  # a returned writing comes back through its author
        ("published", "return"),
    ],
)
def test_each_move_only_from_its_state(writing, personas, status, action):
    writing.status = status
    writing.save()
    actor = personas["office"]  # the office manages every unit: only the state refuses
    with pytest.raises(ValidationError):
        act(writing, action, actor)
    writing.refresh_from_db()
    assert writing.status == status


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        ("accept", "submitted", {"office", "alice"}),
        ("publish", "recommended", {"office"}),
    ],
)
def test_who_may_make_each_move(writing, personas, action, status, allowed):
    for name in ("office", "leader", "liaison", "alice", "bob", "charlie"):
        writing.status = status
        writing.save()
        if name in allowed:
            act(writing, action, personas[name])
        else:
            with pytest.raises(PermissionDenied):
                act(writing, action, personas[name])


def test_a_returned_writing_is_revised_by_its_author(writing, personas, client):
    act(writing, "return", personas["alice"])
    client.force_login(personas["bob"])
    url = reverse("study:writing", args=[writing.pk])
    answer = client.post(url, {"kind": "experience", "title": "修改稿", "body": "新的正文"})
    assert answer.status_code == 302
    writing.refresh_from_db()
    assert (writing.status, writing.title) == ("submitted", "修改稿")
    # not once it is accepted
    act(writing, "accept", personas["alice"])
    answer = client.post(url, {"kind": "experience", "title": "再改", "body": "x"})
    assert answer.status_code == 403


def test_a_member_submits_and_bad_input_keeps_what_was_typed(planned, personas, client):
    client.force_login(personas["bob"])
    url = reverse("study:writings-mine", args=[planned["A"].campaign_id])
    answer = client.post(url, {"kind": "nonsense", "title": "我的体会", "body": "正文"})
    assert answer.status_code == 400
    assert "我的体会" in answer.content.decode()
    assert not Writing.objects.exists()
    answer = client.post(url, {"kind": "research", "title": "调研", "body": "正文"})
    assert answer.status_code == 302
    assert Writing.objects.get().status == "submitted"


@pytest.mark.parametrize(
    ("persona", "detail", "unit", "campaign_list", "mine"),
    [
        ("office", 200, 200, 200, 404),
        ("leader", 200, 200, 200, 404),
        ("liaison", 200, 200, 200, 404),
        ("alice", 200, 200, 200, 404),
        ("bob", 200, 403, 404, 200),
        ("charlie", 404, 404, 200, 404),
    ],
)
def test_access_for_every_persona(
    writing, planned, personas, client, persona, detail, unit, campaign_list, mine
):
    campaign_pk = planned["A"].campaign_id
    client.force_login(personas[persona])
    assert client.get(reverse("study:writing", args=[writing.pk])).status_code == detail
    unit_url = reverse("study:writings-unit", args=[campaign_pk, planned["A"].pk])
    assert client.get(unit_url).status_code == unit
    campaign_url = reverse("study:writings-campaign", args=[campaign_pk])
    assert client.get(campaign_url).status_code == campaign_list
    assert client.get(reverse("study:writings-mine", args=[campaign_pk])).status_code == mine


def test_a_template_without_writings_or_lecturers_shows_nothing_of_them(
    writing, planned, personas, client
):
    campaign = planned["A"].campaign
    data = campaign.template_data
    data["writing_kinds"] = []
    data["lecture_kinds"] = []
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    client.force_login(personas["bob"])
    assert client.get(reverse("study:writings-mine", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("study:writing", args=[writing.pk])).status_code == 404
    assert (
        reverse("study:writings-mine", args=[campaign.pk])
        not in client.get(reverse("study:me")).content.decode()
    )
    client.force_login(personas["office"])
    assert client.get(reverse("study:lecturers", args=[campaign.pk])).status_code == 404


# -- 讲师团 -----------------------------------------------------------------------------------


def test_the_office_keeps_the_roster_and_links_a_lecture_to_the_units_session(
    planned, personas, client, make_session
):
    campaign = planned["A"].campaign
    session = make_session(kind="party_lecture_tutoring", day=date(2024, 7, 12))
    client.force_login(personas["alice"])
    roster = reverse("study:lecturers", args=[campaign.pk])
    assert client.post(roster, {"name": "王老师"}).status_code == 403
    client.force_login(personas["office"])
    assert client.post(roster, {"name": "王老师", "affiliation": "市委党校"}).status_code == 302
    lecturer = Lecturer.objects.get()
    url = reverse("study:lecturer", args=[lecturer.pk])
    lecture = {
        "enrollment": planned["A"].pk,
        "kind": "party_lecture_tutoring",
        "topic": "党章辅导",
        "given_on": "2024-07-11",  # a day before the session: refused
        "session": session.pk,
    }
    answer = client.post(url, lecture)
    assert answer.status_code == 400
    assert not Lecture.objects.exists()
    answer = client.post(url, {**lecture, "given_on": "2024-07-12"})
    assert answer.status_code == 302
    assert Lecture.objects.get().session == session
    # a session of another unit is refused
    other = make_session(planned["B"], day=date(2024, 1, 10))
    answer = client.post(url, {**lecture, "session": other.pk, "given_on": "2024-01-10"})
    assert answer.status_code == 400


@pytest.mark.parametrize(
    ("persona", "roster", "detail"),
    [
        ("office", 200, 200),
        ("leader", 200, 200),
        ("liaison", 200, 200),
        ("alice", 200, 200),
        ("bob", 404, 404),
        ("charlie", 200, 200),  # the campaign's roster; lectures only of units they read
    ],
)
def test_lecturers_access_for_every_persona(planned, personas, client, persona, roster, detail):
    lecturer = Lecturer.objects.create(campaign=planned["A"].campaign, name="王老师")
    client.force_login(personas[persona])
    assert client.get(reverse("study:lecturers", args=[lecturer.campaign_id])).status_code == roster
    assert client.get(reverse("study:lecturer", args=[lecturer.pk])).status_code == detail
