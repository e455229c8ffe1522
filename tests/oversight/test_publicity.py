"""Publicity and commendation (R29): articles reviewed before they reach the public site;
nominations → review → publication, and the transitions that are refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.reports.helpers import export
from vanguard.oversight import services
from vanguard.oversight.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    Commendation,
    CommendationStatus,
)

# -- articles ------------------------------------------------------------------------------


@pytest.fixture
def article(campaign, tree, personas):
    return services.create_article(
        campaign,
        tree["A"],
        author=personas["alice"],
        kind=ArticleKind.NEWS,
        title="甲中学召开动员大会",
        body="全体党员参加。",
        acting=None,
    )


def test_article_goes_public_only_after_review(client, article, personas):
    public = reverse("oversight:public-article", args=[article.pk])
    assert client.get(public).status_code == 404  # a draft
    services.submit_article(article, acting=None)
    assert client.get(public).status_code == 404  # awaiting review
    assert article.title not in client.get(reverse("oversight:public-news")).content.decode()

    services.publish_article(article, by=personas["office"], acting=None)
    assert client.get(public).status_code == 200
    assert article.title in client.get(reverse("oversight:public-news")).content.decode()

    services.return_article(
        article, by=personas["office"], note="数据有误", acting=None
    )  # taken down
    assert client.get(public).status_code == 404


def test_forbidden_article_transitions(article, personas):
    with pytest.raises(ValidationError):  # a draft is not published unreviewed
        services.publish_article(article, by=personas["office"], acting=None)
    services.submit_article(article, acting=None)
    with pytest.raises(ValidationError):
        services.submit_article(article, acting=None)
    with pytest.raises(ValidationError):  # edits wait for the review
        services.update_article(article, title="改", body="改", acting=None)
    with pytest.raises(ValidationError):  # a return says why
        services.return_article(article, by=personas["office"], note=" ", acting=None)
    assert Article.objects.get().status == ArticleStatus.SUBMITTED


def test_deeds_name_a_member_of_the_unit(campaign, tree, personas, people):
    with pytest.raises(ValidationError):
        services.create_article(
            campaign,
            tree["A"],
            author=None,
            kind=ArticleKind.DEEDS,
            title="t",
            body="b",
            acting=None,
        )
    with pytest.raises(ValidationError):  # 郭主任 is not in A
        services.create_article(
            campaign,
            tree["A"],
            author=None,
            kind=ArticleKind.DEEDS,
            title="t",
            body="b",
            member=people["office_head"],
            acting=None,
        )


@pytest.mark.parametrize(
    ("persona", "submit", "publish"),
    [
        ("alice", 302, 403),
        ("office", 302, 302),
        ("leader", 403, 403),
        ("liaison", 403, 403),
        ("bob", 404, 404),
        ("charlie", 404, 404),
    ],
)
def test_who_submits_and_who_publishes(login, personas, article, persona, submit, publish):
    client = login(personas[persona])
    url = reverse("oversight:article-action", args=[article.pk, "submit"])
    assert client.post(url).status_code == submit
    if submit != 302:
        services.submit_article(article, acting=None)
    url = reverse("oversight:article-action", args=[article.pk, "publish"])
    assert client.post(url).status_code == publish
    article.refresh_from_db()
    assert (article.status == ArticleStatus.PUBLISHED) is (publish == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("charlie", 200),
        ("bob", 404),
    ],
)
def test_article_list_access(login, personas, campaign, article, persona, status):
    response = login(personas[persona]).get(reverse("oversight:articles", args=[campaign.pk]))
    assert response.status_code == status
    if status == 200:
        assert (article.title in response.content.decode()) is (persona != "charlie")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("alice", 200),
        ("leader", 200),
        ("liaison", 200),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_article_page_access(login, personas, article, persona, status):
    response = login(personas[persona]).get(reverse("oversight:article", args=[article.pk]))
    assert response.status_code == status


def test_unit_admin_writes_and_edits_a_draft(login, personas, campaign, tree):
    client = login(personas["alice"])
    new = reverse("oversight:article-new", args=[campaign.pk])
    assert client.get(new).status_code == 200
    bad = client.post(new, {"organization": tree["A"].pk, "kind": "news", "title": "无正文"})
    assert bad.status_code == 400 and "无正文" in bad.content.decode()
    response = client.post(
        new, {"organization": tree["A"].pk, "kind": "news", "title": "标题", "body": "正文"}
    )
    article = Article.objects.get()
    assert response.status_code == 302 and article.author == personas["alice"]
    client.post(reverse("oversight:article", args=[article.pk]), {"title": "新标题", "body": "新"})
    article.refresh_from_db()
    assert article.title == "新标题"
    assert login(personas["leader"]).get(new).status_code == 403


def test_public_pages_need_no_login(client, db):
    assert client.get(reverse("oversight:public-news")).status_code == 200
    assert client.get(reverse("oversight:public-commendations")).status_code == 200
    assert client.get(reverse("oversight:public-article", args=[999])).status_code == 404


def test_public_front_page_links_the_news(client, db):
    body = client.get(reverse("portal:public-index")).content.decode()
    assert reverse("oversight:public-news") in body
    assert reverse("oversight:public-commendations") in body


# -- commendations -------------------------------------------------------------------------


@pytest.fixture
def nomination(campaign, tree, personas, people):
    return services.nominate(
        campaign,
        "outstanding_member",
        unit=tree["A"],
        citation="教书育人成绩突出",
        by=personas["alice"],
        member=people["carol"],
        acting=None,
    )


def test_nomination_review_publication(nomination, personas, client):
    assert nomination.status == CommendationStatus.NOMINATED
    services.review_nomination(nomination, approve=True, by=personas["office"], acting=None)
    assert (
        client.get(reverse("oversight:public-commendations")).content.decode().count("卡罗尔") == 0
    )
    services.publish_commendation(nomination, acting=None)
    assert nomination.status == CommendationStatus.PUBLISHED and nomination.published_on
    assert "卡罗尔" in client.get(reverse("oversight:public-commendations")).content.decode()


@pytest.mark.parametrize(
    ("steps", "forbidden"),
    [
        ([], "publish"),  # not reviewed yet
        (["reject"], "approve"),
        (["reject"], "publish"),
        (["approve", "publish"], "reject"),
        (["approve", "publish"], "withdraw"),
        (["approve"], "withdraw"),
        (["withdraw"], "approve"),
        (["approve", "publish"], "publish"),
    ],
)
def test_forbidden_commendation_transitions(nomination, personas, steps, forbidden):
    office = personas["office"]
    run = {
        "approve": lambda: services.review_nomination(
            nomination, approve=True, by=office, acting=None
        ),
        "reject": lambda: services.review_nomination(
            nomination, approve=False, by=office, note="材料不足", acting=None
        ),
        "publish": lambda: services.publish_commendation(nomination, acting=None),
        "withdraw": lambda: services.withdraw_nomination(nomination, acting=None),
    }
    for step in steps:
        run[step]()
    before = Commendation.objects.get().status
    with pytest.raises(ValidationError):
        run[forbidden]()
    assert Commendation.objects.get().status == before


def test_nominations_follow_the_templates_kinds_and_subjects(campaign, tree, people, nomination):
    with pytest.raises(ValidationError):  # not a kind of the template
        services.nominate(
            campaign, "hero", unit=tree["A"], citation="x", by=None, member=None, acting=None
        )
    with pytest.raises(ValidationError):  # an organisation's commendation needs one
        services.nominate(
            campaign,
            "advanced_organization",
            unit=tree["A"],
            citation="x",
            by=None,
            member=people["carol"],
            acting=None,
        )
    with pytest.raises(ValidationError):  # B is not under A
        services.nominate(
            campaign,
            "advanced_organization",
            unit=tree["A"],
            citation="x",
            by=None,
            organization=tree["B"],
            acting=None,
        )
    with pytest.raises(ValidationError):  # carol is nominated already for this kind
        services.nominate(
            campaign,
            "outstanding_member",
            unit=tree["A"],
            citation="x",
            by=None,
            member=people["carol"],
            acting=None,
        )
    services.withdraw_nomination(nomination, acting=None)  # … and once withdrawn, may be again
    services.nominate(
        campaign,
        "outstanding_member",
        unit=tree["A"],
        citation="x",
        by=None,
        member=people["carol"],
        acting=None,
    )


@pytest.mark.parametrize(
    ("persona", "action", "status"),
    [
        ("office", "approve", 302),
        ("alice", "approve", 403),
        ("leader", "approve", 403),
        ("charlie", "approve", 404),
        ("alice", "withdraw", 302),
        ("liaison", "withdraw", 403),
        ("office", "nonsense", 404),
    ],
)
def test_commendation_actions_access(login, personas, nomination, persona, action, status):
    url = reverse("oversight:commendation-action", args=[nomination.pk, action])
    assert login(personas[persona]).post(url).status_code == status


def test_refused_transition_through_the_page_shows_a_message(login, personas, nomination):
    url = reverse("oversight:commendation-action", args=[nomination.pk, "publish"])
    response = login(personas["office"]).post(url, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Commendation.objects.get().status == CommendationStatus.NOMINATED


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("office", 200, True),
        ("leader", 200, True),
        ("alice", 200, True),
        ("liaison", 200, True),
        ("charlie", 200, False),
        ("bob", 404, False),
    ],
)
def test_commendation_list_access(login, personas, campaign, nomination, persona, status, sees):
    response = login(personas[persona]).get(reverse("oversight:commendations", args=[campaign.pk]))
    assert response.status_code == status
    assert ("卡罗尔" in response.content.decode()) is sees


def test_unit_nominates_through_the_page(login, personas, campaign, tree, people):
    client = login(personas["alice"])
    url = reverse("oversight:commendations-nominate", args=[campaign.pk])
    bad = client.post(
        url, {"kind": "advanced_organization", "unit": tree["A"].pk, "citation": "好"}
    )
    assert bad.status_code == 400 and not Commendation.objects.exists()
    good = client.post(
        url,
        {
            "kind": "advanced_organization",
            "unit": tree["A"].pk,
            "organization": tree["A1"].pk,
            "citation": "组织生活规范",
        },
    )
    assert good.status_code == 302
    assert Commendation.objects.get().organization == tree["A1"]


def test_member_and_unit_pages_show_published_commendations(
    login, personas, campaign, tree, people, enrollments
):
    bob = people["bob"]
    commendation = services.nominate(
        campaign,
        "party_vanguard",
        unit=tree["A"],
        citation="先锋",
        by=None,
        member=bob,
        acting=None,
    )
    unit_url = reverse("campaigns:unit", args=[campaign.pk, enrollments["A"].pk])
    client = login(personas["bob"])
    assert 'id="my-commendations"' not in client.get(reverse("portal:me")).content.decode()
    # "党员先锋" alone: the schools' 党员先锋岗 link says 党员先锋岗
    unpublished = login(personas["alice"]).get(unit_url).content.decode()
    assert "党员先锋" not in unpublished.replace("党员先锋岗", "")
    client = login(personas["bob"])
    services.review_nomination(commendation, approve=True, by=personas["office"], acting=None)
    services.publish_commendation(commendation, acting=None)
    assert "党员先锋" in client.get(reverse("portal:me")).content.decode()
    panel = login(personas["alice"]).get(unit_url).content.decode()
    assert "党员先锋" in panel and "鲍勃" in panel


def test_commendation_export(login, personas, campaign, nomination):
    response = export(
        login(personas["office"]), reverse("oversight:commendations-export", args=[campaign.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
