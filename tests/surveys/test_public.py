"""The public's pages (no login): entering a code, answering once, refused codes with a
clear message, hostile input stored safely and shown escaped, rate limits, and the
published draws anyone may check."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.surveys.conftest import CLOSES, DURING, OPENS, answers
from tests.surveys.factories import close
from vanguard.surveys import services
from vanguard.surveys.models import Draw, Response, SealedResponse, ValidCode

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def today():
    """The public pages ask `timezone.localdate()`; pin it inside the survey's dates."""
    with mock.patch("vanguard.surveys.services.timezone.localdate", return_value=DURING) as patched:
        yield patched


def respond_url(code):
    return reverse("surveys:public-respond", args=[services.format_code(code)])


def good_answers(**extra):
    return {"overall": "basically_satisfied", "q_problems_solved": "fair", "comment": "", **extra}


# -- entering a code ---------------------------------------------------------------------


def test_the_start_page_needs_no_login(client):
    response = client.get(reverse("surveys:public-start"), **EN)
    assert response.status_code == 200 and 'id="code-form"' in response.content.decode()


def test_a_typed_code_leads_to_its_page(client, codes):
    typed = services.format_code(codes[0]).lower().replace("-", " ")
    response = client.post(reverse("surveys:public-start"), {"code": typed})
    assert response.status_code == 302 and response.url == respond_url(codes[0])


def test_a_malformed_code_is_explained_and_kept(client):
    response = client.post(reverse("surveys:public-start"), {"code": "ABC-12"}, **EN)
    assert response.status_code == 400
    body = response.content.decode()
    assert "A code has 12 letters and digits" in body and 'value="ABC-12"' in body


# -- answering -----------------------------------------------------------------------------


def test_a_visitor_answers_once(client, codes, today):
    url = respond_url(codes[0])
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert "满意" in page.content.decode() and "基本满意" in page.content.decode()
    response = client.post(url, good_answers(comment="很好"))
    assert response.status_code == 302 and response.url == reverse("surveys:public-thanks")
    assert SealedResponse.objects.count() == 1
    again = client.post(url, good_answers(overall="dissatisfied"), **EN)
    assert again.status_code == 409
    assert "already been used" in again.content.decode()
    assert SealedResponse.objects.count() == 1
    assert client.get(url, **EN).status_code == 409
    close(SealedResponse.objects.get().survey, today=CLOSES)
    assert list(Response.objects.values_list("overall", "comment")) == [
        ("basically_satisfied", "很好")
    ]


@pytest.mark.parametrize(
    ("code", "day", "status", "message"),
    [
        ("ZZZZ-ZZZZ-ZZZZ", DURING, 404, "This code is not valid"),
        (None, OPENS - timedelta(days=1), 403, "The survey is not open yet"),
        (None, CLOSES + timedelta(days=1), 410, "This survey closed on"),
    ],
)
def test_unknown_early_and_expired_codes_are_refused_clearly(
    client, codes, code, day, status, message
):
    url = respond_url(code or codes[0])
    with mock.patch("vanguard.surveys.services.timezone.localdate", return_value=day):
        get = client.get(url, **EN)
        post = client.post(url, good_answers(), **EN)
    for response in (get, post):
        assert response.status_code == status
        assert message in response.content.decode()
    assert not SealedResponse.objects.exists()
    assert not ValidCode.objects.filter(used=True).exists()


def test_a_missing_overall_rating_keeps_what_was_typed(client, codes, today):
    response = client.post(
        respond_url(codes[0]), {"q_service": "good", "comment": "写了一半"}, **EN
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose one of the overall ratings." in body
    assert "写了一半" in body and 'value="good" checked' in body
    assert not SealedResponse.objects.exists()
    assert not ValidCode.objects.filter(used=True).exists()


@pytest.mark.parametrize(
    "hostile",
    [
        {"overall": "very_satisfied"},
        {"q_conduct": "excellent"},
        {"comment": "长" * 501},
        {"comment": "nul\x00byte"},
    ],
)
def test_hostile_values_are_refused_and_nothing_is_written(client, codes, today, hostile):
    response = client.post(respond_url(codes[0]), good_answers(**hostile), **EN)
    assert response.status_code == 400
    assert not SealedResponse.objects.exists()
    assert not ValidCode.objects.filter(used=True).exists()


def test_markup_is_stored_as_typed_and_shown_escaped(
    client, login, personas, open_survey, codes, today
):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(respond_url(codes[0]), good_answers(comment=script, extra_field="ignored"))
    for code in codes[1:3]:  # three responses: the k-anonymity threshold of these tests
        client.post(respond_url(code), good_answers())
    close(open_survey, today=CLOSES)
    assert Response.objects.filter(comment=script).count() == 1
    body = (
        login(personas["office"])
        .get(reverse("surveys:results", args=[open_survey.pk]))
        .content.decode()
    )
    assert script not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_an_oversized_body_is_refused(client, codes, today, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(respond_url(codes[0]), good_answers(comment="x" * 20_000))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_code_in_the_address_is_read_however_it_is_written(client, codes, today):
    url = reverse("surveys:public-respond", args=[codes[0].lower()])
    assert client.get(url).status_code == 200


def test_submitting_takes_a_constant_small_number_of_queries(client, codes, today):
    counts = []
    for code in codes[:3]:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(respond_url(code), good_answers(comment="好"))
        assert response.status_code == 302
        counts.append(len(captured))
    # the invitation with its survey, unit and roll entry; then savepoint, roll entry,
    # response, release; and the response's survey and unit, to move that unit's figures
    # revision only (`campaigns.attribution`). Nothing grows with the survey's size.
    assert counts == [counts[0]] * 3 and counts[0] <= 8


def test_the_pages_are_not_cached_and_never_framed(client, codes, today):
    response = client.get(respond_url(codes[0]))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_too_many_attempts_are_slowed_down(client, codes, today, monkeypatch):
    # The 31 requests within one rate window: on a slow machine they could straddle the
    # minute's boundary, which starts the count afresh.
    from django_ratelimit import core

    monkeypatch.setattr(core, "_get_window", lambda value, period: 2_000_000_000)
    url = respond_url("ZZZZ-ZZZZ-ZZZZ")
    statuses = [client.get(url).status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    assert client.post(reverse("surveys:public-start"), {"code": codes[0]}).status_code in (
        302,
        429,
    )


# -- published draws and results -----------------------------------------------------------


def test_draws_are_published_for_anyone_to_check(client, open_survey):
    draw = Draw.objects.get()
    listing = client.get(reverse("surveys:public-draws")).content.decode()
    assert draw.seed in listing and open_survey.enrollment.organization.name in listing
    page = client.get(reverse("surveys:public-draw", args=[draw.pk])).content.decode()
    assert ", ".join(map(str, draw.selected_rows)) in page and 'id="how-to-check"' in page
    # written for a citizen: the technical details are in the file for experts (issue 19)
    for jargon in (draw.fingerprint, draw.algorithm, "SHA-256", "manage.py"):
        assert jargon not in page
    document = json.loads(client.get(reverse("surveys:public-draw-file", args=[draw.pk])).content)
    assert document["frame"]["fingerprint"] == draw.fingerprint
    assert document["algorithm"] == draw.algorithm and "verify_draw" in document["verify_command"]
    assert len(document["method"]) == 3
    assert document["selected_rows"] == draw.selected_rows and document["seed"] == draw.seed
    assert client.get(reverse("surveys:public-draw", args=[draw.pk + 1])).status_code == 404


def test_only_published_results_are_public(client, open_survey, codes):
    services.submit_response(codes[0], answers(), today=DURING)
    close(open_survey, today=CLOSES)
    name = open_survey.enrollment.organization.name
    body = client.get(reverse("surveys:public-draws")).content.decode()
    assert 'id="published-results"' in body and body.count(name) == 1  # the draw only
    services.publish_results(open_survey, today=CLOSES, acting=None)
    assert client.get(reverse("surveys:public-draws")).content.decode().count(name) == 2


def test_the_front_page_links_the_survey(client, db):  # it reads the campaigns
    body = client.get(reverse("portal:public-index")).content.decode()
    assert reverse("surveys:public-start") in body and reverse("surveys:public-draws") in body


def test_the_draws_page_does_not_grow_with_draws(client, open_survey):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("surveys:public-draws")).status_code == 200
        return len(captured)

    few = queries()
    frame = Draw.objects.get().frame
    for number in range(3):
        Draw.objects.create(
            frame=frame.__class__.objects.create(
                survey=open_survey,
                method=f"m{number}",
                filename="x",
                row_count=1,
                fingerprint="0",
                imported_on=OPENS,
            ),
            fingerprint="0",
            seed=str(number),
            seed_source="骰子",
            witnesses="甲",
            size=1,
            announced_on=OPENS,
        )
    assert queries() == few


def test_the_thanks_page_says_nothing_of_the_response(client):
    response = client.get(reverse("surveys:public-thanks"), **EN)
    assert response.status_code == 200 and 'id="thanks"' in response.content.decode()
