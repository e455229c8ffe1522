"""Access to the pages and actions not covered by the feature tests: anonymous users are
sent to the login page everywhere; the remaining actions over the personas."""

import pytest
from django.urls import reverse

from vanguard.oversight import services
from vanguard.oversight.models import (
    ArticleKind,
    ArticleStatus,
    GroupMembership,
    GroupRole,
    LeadingGroup,
    LiaisonAssignment,
    SuggestionStatus,
)


@pytest.fixture
def everything(campaign, points, suggestion, case, personas, tree, people):
    """One object of every kind, for URL arguments."""
    article = services.create_article(
        campaign, tree["A"], author=None, kind=ArticleKind.NEWS, title="t", body="b", acting=None
    )
    commendation = services.nominate(
        campaign,
        "outstanding_member",
        unit=tree["A"],
        citation="c",
        by=None,
        member=people["carol"],
        acting=None,
    )
    group = LeadingGroup.objects.get(organization=campaign.organization)
    return {
        "campaign": campaign,
        "group": group,
        "membership": group.memberships.first(),
        "assignment": LiaisonAssignment.objects.get(),
        "visit": suggestion.visit,
        "suggestion": suggestion,
        "article": article,
        "commendation": commendation,
        "case": case,
    }


def _urls(objects):
    c = objects["campaign"].pk
    return [
        ("GET", reverse("oversight:leader-home")),
        ("GET", reverse("oversight:groups", args=[c])),
        ("POST", reverse("oversight:group-create", args=[c])),
        ("GET", reverse("oversight:group", args=[objects["group"].pk])),
        ("POST", reverse("oversight:group-add-member", args=[objects["group"].pk])),
        ("POST", reverse("oversight:membership-remove", args=[objects["membership"].pk])),
        ("POST", reverse("oversight:membership-responsible", args=[objects["membership"].pk])),
        ("GET", reverse("oversight:points", args=[c])),
        ("POST", reverse("oversight:points-set", args=[c])),
        ("GET", reverse("oversight:officers", args=[c])),
        ("POST", reverse("oversight:officers-dispatch", args=[c])),
        ("POST", reverse("oversight:assignment-withdraw", args=[objects["assignment"].pk])),
        ("GET", reverse("oversight:my-assignments")),
        ("GET", reverse("oversight:visit-new", args=[objects["assignment"].pk])),
        ("GET", reverse("oversight:visit", args=[objects["visit"].pk])),
        ("GET", reverse("oversight:suggestions", args=[c])),
        ("POST", reverse("oversight:suggestions-export", args=[c])),
        ("GET", reverse("oversight:suggestion", args=[objects["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-answer", args=[objects["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-accept", args=[objects["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-return", args=[objects["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-rectify", args=[objects["suggestion"].pk])),
        ("GET", reverse("oversight:articles", args=[c])),
        ("GET", reverse("oversight:article-new", args=[c])),
        ("GET", reverse("oversight:article", args=[objects["article"].pk])),
        ("POST", reverse("oversight:article-action", args=[objects["article"].pk, "submit"])),
        ("GET", reverse("oversight:commendations", args=[c])),
        ("POST", reverse("oversight:commendations-nominate", args=[c])),
        ("POST", reverse("oversight:commendations-export", args=[c])),
        (
            "POST",
            reverse("oversight:commendation-action", args=[objects["commendation"].pk, "approve"]),
        ),
        ("GET", reverse("oversight:dispositions", args=[c])),
        ("POST", reverse("oversight:dispositions-export", args=[c])),
        ("POST", reverse("oversight:disposition-new", args=[c])),
        ("GET", reverse("oversight:disposition", args=[objects["case"].pk])),
        ("POST", reverse("oversight:disposition-talk", args=[objects["case"].pk])),
        ("POST", reverse("oversight:disposition-deadline", args=[objects["case"].pk])),
        ("POST", reverse("oversight:disposition-outcome", args=[objects["case"].pk])),
    ]


def test_every_signed_in_page_sends_anonymous_users_to_log_in(client, everything):
    for method, url in _urls(everything):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response.url, url


def test_the_outsider_gets_404_on_every_object_of_unit_a(login, personas, everything):
    """charlie (unit B) may use the campaign-wide lists, but nothing of A's."""
    client = login(personas["charlie"])
    a_objects = [
        ("GET", reverse("oversight:visit", args=[everything["visit"].pk])),
        ("GET", reverse("oversight:suggestion", args=[everything["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-answer", args=[everything["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-return", args=[everything["suggestion"].pk])),
        ("POST", reverse("oversight:suggestion-rectify", args=[everything["suggestion"].pk])),
        ("GET", reverse("oversight:article", args=[everything["article"].pk])),
        ("GET", reverse("oversight:disposition", args=[everything["case"].pk])),
        ("POST", reverse("oversight:disposition-deadline", args=[everything["case"].pk])),
        ("POST", reverse("oversight:disposition-outcome", args=[everything["case"].pk])),
        ("GET", reverse("oversight:visit-new", args=[everything["assignment"].pk])),
        ("GET", reverse("oversight:leader-home")),
        ("GET", reverse("oversight:points", args=[everything["campaign"].pk])),
    ]
    for method, url in a_objects:
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == 404, url


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 302),
        ("alice", 302),
        ("leader", 403),
        ("liaison", 403),
        ("charlie", 400),  # A is not among the organisations he may choose
        ("bob", 404),
    ],
)
def test_creating_unit_a_group(login, personas, campaign, enrollments, tree, persona, status):
    response = login(personas[persona]).post(
        reverse("oversight:group-create", args=[campaign.pk]), {"organization": tree["A"].pk}
    )
    assert response.status_code == status
    assert LeadingGroup.objects.filter(organization=tree["A"]).exists() is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)],
)
def test_removing_someone_from_a_units_group(
    login, personas, campaign, enrollments, people, persona, status
):
    group = services.create_leading_group(campaign, enrollments["A"].organization, acting=None)
    membership = services.add_group_member(
        group, people["carol"], role=GroupRole.MEMBER, acting=None
    )
    response = login(personas[persona]).post(
        reverse("oversight:membership-remove", args=[membership.pk])
    )
    assert response.status_code == status
    assert GroupMembership.objects.filter(pk=membership.pk).exists() is (status != 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("leader", 403), ("alice", 404), ("liaison", 404)],
)
def test_only_the_office_recalls(login, personas, assignment, persona, status):
    response = login(personas[persona]).post(
        reverse("oversight:assignment-withdraw", args=[assignment.pk])
    )
    assert response.status_code == status
    assignment.refresh_from_db()
    assert (assignment.withdrawn_on is not None) is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 302), ("office", 302), ("alice", 403), ("leader", 403), ("bob", 404)],
)
def test_returning_an_answer(login, personas, officer, suggestion, persona, status):
    services.answer_suggestion(suggestion, by=personas["alice"], answer="已整改", acting=None)
    user = officer if persona == "officer" else personas[persona]
    response = login(user).post(
        reverse("oversight:suggestion-return", args=[suggestion.pk]), {"note": "请补充"}
    )
    assert response.status_code == status
    suggestion.refresh_from_db()
    assert (suggestion.status == SuggestionStatus.RETURNED) is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 403), ("liaison", 403), ("officer", 403), ("bob", 404), ("charlie", 404)],
)
def test_only_managers_convert_suggestions(login, personas, officer, suggestion, persona, status):
    user = officer if persona == "officer" else personas[persona]
    response = login(user).post(reverse("oversight:suggestion-rectify", args=[suggestion.pk]))
    assert response.status_code == status
    suggestion.refresh_from_db()
    assert suggestion.converted_on is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 403), ("leader", 403), ("charlie", 404)],
)
def test_only_the_office_returns_an_article(login, personas, campaign, tree, persona, status):
    article = services.create_article(
        campaign, tree["A"], author=None, kind=ArticleKind.NEWS, title="t", body="b", acting=None
    )
    services.submit_article(article, acting=None)
    response = login(personas[persona]).post(
        reverse("oversight:article-action", args=[article.pk, "return"]), {"note": "请修改"}
    )
    assert response.status_code == status
    article.refresh_from_db()
    assert (article.status == ArticleStatus.RETURNED) is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 302), ("bob", 403), ("leader", 404), ("liaison", 404)],
)
def test_outcome_only_by_the_entitled(login, personas, case, today, persona, status):
    services.record_talk(case, held_on=today, talked_by="支部书记", summary="谈心", acting=None)
    client = login(personas[persona])
    response = client.post(
        reverse("oversight:disposition-outcome", args=[case.pk]),
        {"outcome": "transformed", "outcome_on": today.isoformat(), "note": ""},
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert (case.outcome == "transformed") is (status == 302)
