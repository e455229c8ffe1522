"""讲师团 lectures shown where they happened (issue 20): the session page names its lecture
and lecturer, the unit page lists the unit's lectures; a template without 讲师团 shows
nothing of them, and a reader who may not open the roster sees the name without a link."""

from datetime import date

import pytest
from django.urls import reverse

from vanguard.campaigns.models import Campaign
from vanguard.study.models import Lecture, Lecturer


@pytest.fixture
def lecture(planned, make_session):
    session = make_session(kind="party_lecture_tutoring", day=date(2024, 7, 12))
    lecturer = Lecturer.objects.create(
        campaign=planned["A"].campaign, name="王讲师", affiliation="市委党校"
    )
    return Lecture.objects.create(
        lecturer=lecturer,
        enrollment=planned["A"],
        kind="party_lecture_tutoring",
        topic="党章辅导讲座",
        given_on=date(2024, 7, 12),
        session=session,
    )


def _unit_page(client, enrollment) -> str:
    url = reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk])
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_session_page_shows_its_lecture_and_lecturer(lecture, personas, client):
    client.force_login(personas["alice"])
    page = client.get(reverse("study:session", args=[lecture.session_id])).content.decode()
    assert "党章辅导讲座" in page
    assert "市委党校" in page
    assert reverse("study:lecturer", args=[lecture.lecturer_id]) in page


def test_a_member_sees_the_lecturer_without_a_link_to_the_roster(lecture, personas, client):
    client.force_login(personas["bob"])
    answer = client.get(reverse("study:session", args=[lecture.session_id]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "王讲师" in page
    assert reverse("study:lecturer", args=[lecture.lecturer_id]) not in page


def test_a_session_without_a_lecture_shows_none(lecture, personas, client, make_session):
    other = make_session(day=date(2024, 7, 20))
    client.force_login(personas["alice"])
    page = client.get(reverse("study:session", args=[other.pk])).content.decode()
    assert "王讲师" not in page
    assert 'id="session-lectures"' not in page


def test_the_unit_page_lists_the_units_lectures_and_not_another_units(
    lecture, planned, personas, client
):
    Lecture.objects.create(
        lecturer=lecture.lecturer,
        enrollment=planned["B"],
        kind="special_lecture",
        topic="另一单位的讲座",
        given_on=date(2024, 1, 10),
    )
    client.force_login(personas["office"])
    page = _unit_page(client, planned["A"])
    assert 'id="unit-lectures"' in page
    assert "党章辅导讲座" in page
    assert "另一单位的讲座" not in page
    assert reverse("study:session", args=[lecture.session_id]) in page


def test_a_template_without_lecturers_shows_no_lecture(lecture, planned, personas, client):
    campaign = planned["A"].campaign
    data = campaign.template_data
    data["lecture_kinds"] = []
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    client.force_login(personas["alice"])
    assert "党章辅导讲座" not in _unit_page(client, planned["A"])
    page = client.get(reverse("study:session", args=[lecture.session_id])).content.decode()
    assert "党章辅导讲座" not in page


def test_the_session_pages_queries_do_not_grow_with_its_lectures(
    lecture, personas, client, django_assert_max_num_queries
):
    url = reverse("study:session", args=[lecture.session_id])
    client.force_login(personas["alice"])
    client.get(url)
    with django_assert_max_num_queries(60) as one:
        client.get(url)
    for n in range(4):
        Lecture.objects.create(
            lecturer=Lecturer.objects.create(campaign=lecture.lecturer.campaign, name=f"讲师{n}"),
            enrollment=lecture.enrollment,
            kind="special_lecture",
            topic=f"专题讲座{n}",
            given_on=lecture.given_on,
            session=lecture.session,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "专题讲座3" in client.get(url).content.decode()
