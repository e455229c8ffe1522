"""Access to every study view, over the foundation's personas: readers of unit A, bob (a
member inside A), charlie (the outsider, who gets 404 on A's pages), anonymous users."""

import os
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.reports.helpers import export
from vanguard.study.models import LeaderVisit, Quiz, UnitMaterial

PERSONAS = ["office", "leader", "alice", "liaison", "bob", "charlie"]
STAFF_OF_A = {
    "office": 200,
    "leader": 200,
    "alice": 200,
    "liaison": 200,
    "bob": 403,
    "charlie": 404,
}
VIEWERS_OF_A = {**STAFF_OF_A, "bob": 200}
MANAGERS_OF_A = {**STAFF_OF_A, "leader": 403, "liaison": 403}
ONLY_MEMBERS = {p: 404 for p in PERSONAS} | {"bob": 200}
CAMPAIGN_STAFF = {p: 200 for p in PERSONAS} | {"bob": 404}

PDF_VIEWS = {"study:roster-pdf", "study:log-pdf", "study:notes-pdf"}


@pytest.fixture
def objects(make_session, planned, personas, tree):
    session = make_session()
    material = UnitMaterial.objects.create(
        enrollment=planned["A"], title="辅助材料", file=SimpleUploadedFile("a.txt", b"text")
    )
    now = timezone.now()
    quiz = Quiz.objects.create(
        campaign=planned["A"].campaign,
        organization=tree["A"],
        title="竞赛",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    return {"session": session, "material": material, "quiz": quiz, "enrollment": planned["A"]}


def unit_url(name, objects):
    enrollment = objects["enrollment"]
    return reverse(name, args=[enrollment.campaign_id, enrollment.pk])


UNIT_VIEWS = [
    ("study:sessions", VIEWERS_OF_A),
    ("study:materials", VIEWERS_OF_A),
    ("study:session-new", MANAGERS_OF_A),
    ("study:unit-hours", STAFF_OF_A),
    ("study:unit-hours-xlsx", STAFF_OF_A),
    ("study:roster", STAFF_OF_A),
    ("study:roster-pdf", STAFF_OF_A),
    ("study:roster-xlsx", STAFF_OF_A),
    ("study:log", STAFF_OF_A),
    ("study:log-pdf", STAFF_OF_A),
    ("study:log-xlsx", STAFF_OF_A),
    ("study:notes", STAFF_OF_A),
    ("study:notes-pdf", STAFF_OF_A),
    ("study:notes-xlsx", STAFF_OF_A),
    ("study:unit-five-ones", STAFF_OF_A),
]
SESSION_VIEWS = [
    ("study:session", VIEWERS_OF_A),
    ("study:session-edit", MANAGERS_OF_A),
    ("study:roll-call", MANAGERS_OF_A),
    ("study:session-log", MANAGERS_OF_A),
    ("study:checkin-display", MANAGERS_OF_A),
    ("study:checkin", ONLY_MEMBERS),
]
CAMPAIGN_VIEWS = [
    ("study:overview", CAMPAIGN_STAFF),
    ("study:shortfalls", CAMPAIGN_STAFF),
    ("study:shortfalls-xlsx", CAMPAIGN_STAFF),
    ("study:visits", {p: 200 for p in PERSONAS}),
    ("study:quizzes", {p: 200 for p in PERSONAS}),
    ("study:my-notes", ONLY_MEMBERS),
]


def _skip_without_weasyprint(name):
    if name not in PDF_VIEWS:
        return
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # the pango system library is missing
        if os.environ.get("VANGUARD_CI"):
            raise
        pytest.skip(f"WeasyPrint cannot load its system libraries: {error}")


EXPORT_VIEWS = PDF_VIEWS | {
    "study:unit-hours-xlsx",
    "study:roster-xlsx",
    "study:log-xlsx",
    "study:notes-xlsx",
    "study:shortfalls-xlsx",
}


def statuses(client, personas, url, method="get") -> dict[str, int]:
    """The status each persona gets for `url` (one test, one set-up, every persona)."""
    answers = {}
    for persona in PERSONAS:
        client.force_login(personas[persona])
        if method == "export":  # start the background export, then download its file
            answers[persona] = export(client, url).status_code
        else:
            answers[persona] = getattr(client, method)(url).status_code
    return answers


@pytest.mark.parametrize(("name", "expected"), UNIT_VIEWS)
def test_unit_views(client, personas, objects, name, expected):
    _skip_without_weasyprint(name)
    method = "export" if name in EXPORT_VIEWS else "get"
    assert statuses(client, personas, unit_url(name, objects), method) == expected


@pytest.mark.parametrize(("name", "expected"), SESSION_VIEWS)
def test_session_views(client, personas, objects, name, expected):
    url = reverse(name, args=[objects["session"].pk])
    assert statuses(client, personas, url) == expected


@pytest.mark.parametrize(("name", "expected"), CAMPAIGN_VIEWS)
def test_campaign_views(client, personas, objects, name, expected):
    url = reverse(name, args=[objects["enrollment"].campaign_id])
    method = "export" if name in EXPORT_VIEWS else "get"
    assert statuses(client, personas, url, method) == expected


@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("study:material-file", "material", VIEWERS_OF_A),
        ("study:quiz", "quiz", VIEWERS_OF_A),
        ("study:quiz-import", "quiz", MANAGERS_OF_A),
    ],
)
def test_object_views(client, personas, objects, name, key, expected):
    url = reverse(name, args=[objects[key].pk])
    assert statuses(client, personas, url) == expected


def test_member_pages(client, personas, objects):
    assert statuses(client, personas, reverse("study:me")) == ONLY_MEMBERS


def test_quiz_template_is_for_managers(client, personas):
    expected = {p: 404 for p in PERSONAS} | {"office": 200, "alice": 200, "charlie": 200}
    assert statuses(client, personas, reverse("study:quiz-template")) == expected


@pytest.mark.parametrize(
    "url",
    [
        lambda o: unit_url("study:sessions", o),
        lambda o: unit_url("study:roster", o),
        lambda o: reverse("study:session", args=[o["session"].pk]),
        lambda o: reverse("study:checkin", args=[o["session"].pk]),
        lambda o: reverse("study:overview", args=[o["enrollment"].campaign_id]),
        lambda o: reverse("study:me"),
    ],
)
def test_anonymous_users_are_sent_to_log_in(client, objects, url):
    response = client.get(url(objects))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# -- changes -------------------------------------------------------------------------------


SESSION_DATA = {
    "kind": "party_lecture",
    "topic": "党课：做合格党员",
    "date": "2024-07-20",
    "starts_at": "14:00",
    "ends_at": "16:30",
    "hours": "2.5",
    "place": "报告厅",
}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 302),
        ("office", 302),
        ("leader", 403),
        ("liaison", 403),
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_only_managers_create_sessions(login, personas, objects, tree, persona, status):
    data = {**SESSION_DATA, "organization": tree["A"].pk}
    response = login(personas[persona]).post(unit_url("study:session-new", objects), data)
    assert response.status_code == status
    assert objects["enrollment"].study_sessions.filter(topic=SESSION_DATA["topic"]).exists() is (
        status == 302
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 302), ("leader", 403), ("liaison", 403), ("bob", 403), ("charlie", 404)],
)
def test_only_managers_take_the_roll(login, personas, objects, persona, status):
    session = objects["session"]
    response = login(personas[persona]).post(reverse("study:roll-call", args=[session.pk]), {})
    assert response.status_code == status
    assert session.attendances.exists() is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)]
)
def test_only_managers_add_materials(login, personas, objects, persona, status):
    response = login(personas[persona]).post(
        unit_url("study:materials", objects), {"title": "新材料"}
    )
    assert response.status_code == status
    assert UnitMaterial.objects.filter(title="新材料").exists() is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)]
)
def test_only_managers_delete_materials(login, personas, objects, persona, status):
    material = objects["material"]
    response = login(personas[persona]).post(reverse("study:material-delete", args=[material.pk]))
    assert response.status_code == status
    assert UnitMaterial.objects.filter(pk=material.pk).exists() is (status != 302)


def test_outsider_sees_no_unit_of_a_on_the_overview(login, personas, objects, tree):
    campaign_id = objects["enrollment"].campaign_id
    body = login(personas["charlie"]).get(reverse("study:overview", args=[campaign_id]))
    assert tree["A"].name not in body.content.decode()
    assert tree["B"].name in body.content.decode()


def test_visits_of_a_are_not_shown_to_the_outsider(login, personas, objects, a_members):
    leader = a_members[1]
    leader.is_leader_cadre = True
    leader.save()
    LeaderVisit.objects.create(
        campaign=objects["enrollment"].campaign,
        member=leader,
        kind="school",
        visited_on=date(2024, 7, 5),
        place="甲中学初二（3）班",
    )
    url = reverse("study:visits", args=[objects["enrollment"].campaign_id])
    assert "甲中学初二（3）班" in login(personas["alice"]).get(url).content.decode()
    assert "甲中学初二（3）班" not in login(personas["charlie"]).get(url).content.decode()
