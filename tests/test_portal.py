"""Landing pages: each persona is sent where their work is."""

import pytest
from django.urls import reverse

from tests.conftest import make_user


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("office", "campaigns:overview"),
        ("leader", "oversight:leader-home"),
        ("alice", "campaigns:unit"),
        ("liaison", "oversight:my-assignments"),
        ("bob", "portal:me"),
    ],
)
def test_home_sends_each_persona_to_their_page(login, personas, enrollments, persona, target):
    """Each lands where their work is (issue 19): a unit administrator on the unit's page,
    a liaison officer on their own page, a member on /me/."""
    campaign_id = enrollments["A"].campaign_id
    plain = {"portal:me", "oversight:leader-home", "oversight:my-assignments"}
    if target == "campaigns:unit":
        expected = reverse(target, args=[campaign_id, enrollments["A"].pk])
    elif target in plain:
        expected = reverse(target)
    else:
        expected = reverse(target, args=[campaign_id])
    response = login(personas[persona]).get(reverse("portal:home"))
    assert (response.status_code, response.url) == (302, expected)


def test_the_root_is_the_public_site_for_a_visitor(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.templates[0].name == "portal/public_index.html"
    body = response.content.decode()
    assert 'id="staff-login"' in body and reverse("accounts:login") in body
    assert "favicon.svg" in body


def test_the_login_page_leads_to_the_public_site(client, db):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'id="to-public-site"' in body


def test_a_user_without_a_role_is_told_so(login, db):
    response = login(make_user("nobody")).get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.templates[0].name == "portal/no_role.html"


def test_my_page_shows_my_unit_plan(login, personas, enrollments):
    from datetime import date

    from vanguard.campaigns import services

    services.save_phase_plan(
        enrollments["A"],
        {
            "study": (date(2024, 7, 1), date(2024, 8, 14)),
            "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
            "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
        },
        acting=None,
    )
    response = login(personas["bob"]).get(reverse("portal:me"))
    assert response.status_code == 200
    assert [title for title, _w in response.context["plans"][0]["windows"]] == [
        "学习动员",
        "分析评议",
        "整改提高",
    ]


@pytest.mark.parametrize("persona", ["office", "charlie"])
def test_my_page_without_a_member_record_is_404(login, personas, persona):
    assert login(personas[persona]).get(reverse("portal:me")).status_code == 404


def test_login_page_is_in_chinese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_english_is_available(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login"))
    assert 'lang="en"' in page.content.decode()
