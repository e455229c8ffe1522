"""The public pages (no login): the suggestion box with hostile input, its rate limit,
looking up the answer, the appraisal notices, and voting with a one-time code."""

import pytest
from django.urls import reverse

from tests.appraisal.conftest import ballot_for, close_now, count_now
from vanguard.appraisal import codes, services
from vanguard.appraisal.models import Opinion, SealedBallot, Subject, VoterRoll

HOSTILE = '<script>alert("x")</script><b onmouseover="steal()">加粗</b>&amp; \'"'


@pytest.fixture
def send(client, enrollments, tree):
    def post(**fields):
        data = {"channel": "online", "subject": "unit", "unit": tree["A"].pk, "content": "意见"}
        return client.post(reverse("appraisal:public-opinion"), {**data, **fields})

    return post


def test_the_form_needs_no_login(client, enrollments):
    response = client.get(reverse("appraisal:public-opinion"))
    assert response.status_code == 200
    assert 'name="viewport"' in response.content.decode()  # phone-first frame


def test_an_anonymous_opinion_gets_a_receipt_shown_once(send, tree):
    response = send(content="食堂饭菜太贵", give_name="", author_name="不该保存")

    assert response.status_code == 200  # rendered, not redirected: no code in any URL
    assert response["Cache-Control"] == "no-store"
    receipt = response.context["receipt"]
    opinion = Opinion.objects.get()
    assert (opinion.anonymous, opinion.author_name, opinion.responsible_unit) == (
        True,
        "",
        tree["A"],
    )
    assert opinion.channel == "online" and opinion.entered_by is None
    assert services.find_by_receipt(receipt) == opinion


def test_a_named_opinion_about_a_person(send, tree):
    send(person_named="王老师", give_name="on", author_name="李四", author_contact="139")
    opinion = Opinion.objects.get()
    assert (opinion.subject, opinion.person_named, opinion.author_name) == (
        Subject.MEMBER,
        "王老师",
        "李四",
    )


def test_an_opinion_about_the_bureau(send, tree):
    send(subject="bureau", unit="")
    assert Opinion.objects.get().responsible_unit == tree["root"]


def test_only_public_channels_are_offered(send):
    response = send(channel="report_phone")
    assert response.status_code == 400 and not Opinion.objects.exists()


def test_hostile_text_is_stored_as_typed_and_shown_escaped(send, client, personas):
    # when someone sends markup and script
    response = send(content=HOSTILE, person_named="<i>某</i>")

    # then it is stored exactly as typed
    opinion = Opinion.objects.get()
    assert opinion.content == HOSTILE
    # and every page showing it escapes it
    lookup = client.post(reverse("appraisal:public-receipt"), {"code": response.context["receipt"]})
    client.force_login(personas["office"])
    staff = client.get(reverse("appraisal:opinion", args=[opinion.pk]))
    for page in (lookup, staff):
        body = page.content.decode()
        assert "<script>alert" not in body and "<b onmouseover" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_oversized_text_is_refused_keeping_what_was_typed(send, settings):
    settings.VANGUARD_OPINION_MAX_CHARS = 2000
    response = send(content="长" * 2001)
    assert response.status_code == 400
    assert response.context["form"].errors["content"]
    assert "长" * 2001 in response.content.decode()
    assert not Opinion.objects.exists()


def test_a_null_character_is_refused(send):
    response = send(content="意见\x00注入")
    assert response.status_code == 400 and not Opinion.objects.exists()


def test_a_missing_unit_is_a_clear_error(send):
    response = send(unit="")
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == ["Choose the unit your opinion is about."]


def test_a_forged_unit_outside_the_campaign_is_refused(send):
    from vanguard.orgs.models import Organization, OrgKind

    elsewhere = Organization.objects.add_root(dict(code="Z", name="他局", kind=OrgKind.COMMITTEE))
    response = send(unit=elsewhere.pk)
    assert response.status_code == 400 and not Opinion.objects.exists()


def test_sending_is_rate_limited_per_address(send, settings):
    settings.VANGUARD_PUBLIC_OPINION_RATE = "3/h"
    statuses = [send(content=f"意见{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert Opinion.objects.count() == 3


def test_the_answer_is_looked_up_by_receipt(send, client, personas):
    receipt = send(content="意见").context["receipt"]
    opinion = Opinion.objects.get()
    services.answer_opinion(opinion, text="已经整改", user=personas["alice"], acting=None)

    response = client.post(reverse("appraisal:public-receipt"), {"code": receipt.lower()})

    assert response.status_code == 200
    assert "已经整改" in response.content.decode()


def test_an_unknown_receipt_says_so(client, db):
    response = client.post(reverse("appraisal:public-receipt"), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 404
    assert response.context["searched"] and response.context["opinion"] is None


def test_lookups_are_rate_limited(client, db, settings):
    settings.VANGUARD_PUBLIC_LOOKUP_RATE = "2/h"
    url = reverse("appraisal:public-receipt")
    statuses = [client.post(url, {"code": "ABCD-EFGH-JKMN"}).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_the_front_page_links_here(client, db):
    body = client.get(reverse("portal:public-index")).content.decode()
    assert reverse("appraisal:public-opinion") in body
    assert reverse("appraisal:public-notices") in body


# -- notices -------------------------------------------------------------------------------


@pytest.fixture
def published_round(open_round, members, personas):
    for member in members.values():
        services.cast_ballot(open_round, ballot_for(open_round), member=member, acting=None)
    close_now(open_round)
    services.save_conclusions(
        open_round,
        {pk: ("qualified", "") for pk, _n in services.candidates_of(open_round)},
        user=personas["alice"],
        acting=None,
    )
    return services.publish_notice(
        open_round, text="<b>通报</b>全文", user=personas["alice"], acting=None
    )


def test_only_published_notices_are_public(client, open_round, published_round):
    listing = client.get(reverse("appraisal:public-notices"))
    assert [r.pk for r in listing.context["page"]] == [published_round.pk]
    page = client.get(reverse("appraisal:public-notice", args=[published_round.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "&lt;b&gt;通报&lt;/b&gt;全文" in body
    assert page.context["spread"][1] == ("合格", 3) and page.context["ballots"] == 3


def test_an_unpublished_notice_is_404(client, open_round):
    assert client.get(reverse("appraisal:public-notice", args=[open_round.pk])).status_code == 404


# -- one-time codes ------------------------------------------------------------------------


def test_a_guest_votes_with_a_code_and_finds_the_ballot_after_closing(client, open_round):
    [code] = services.issue_guest_codes(open_round, 1, acting=None)
    url = reverse("appraisal:public-ballot")

    # the code opens the ballot
    step = client.post(url, {"code": code})
    assert step.status_code == 200 and step.context["ballot_form"] is not None

    # the ballot is cast and the receipt shown
    grades = {f"m{pk}": "excellent" for pk, _n in services.candidates_of(open_round)}
    sent = client.post(url, {"code": codes.normalize(code), "cast": "", **grades})
    assert sent.status_code == 200
    receipt = sent.context["receipt"]
    assert VoterRoll.objects.get().guest_code is not None and SealedBallot.objects.count() == 1

    # the same code again is refused
    again = client.post(url, {"code": code})
    assert (
        again.status_code == 400 and again.context["problem"] == "This code has already been used."
    )

    # before the count the receipt is not yet in a published list; after the count it is,
    # and the answer says the ballot was counted without showing it
    check = reverse("appraisal:public-ballot-check")
    assert client.post(check, {"code": receipt}).status_code == 404
    close_now(open_round, count=False)
    assert client.post(check, {"code": receipt}).status_code == 404
    count_now(open_round)
    found = client.post(check, {"code": receipt})
    assert found.status_code == 200 and found.context["ballot"].receipt == codes.normalize(receipt)
    assert "优秀" not in found.content.decode()


def test_a_tampered_code_shows_a_clear_message_and_writes_nothing(client, open_round):
    response = client.post(reverse("appraisal:public-ballot"), {"code": "AAAAA-AAAAA"})
    assert response.status_code == 400
    assert response.context["problem"] == "This code is not valid for this appraisal round."
    assert not VoterRoll.objects.exists()


def test_code_attempts_are_rate_limited(client, open_round, settings):
    settings.VANGUARD_PUBLIC_LOOKUP_RATE = "2/h"
    url = reverse("appraisal:public-ballot")
    statuses = [client.post(url, {"code": "AAAAA-AAAAA"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
