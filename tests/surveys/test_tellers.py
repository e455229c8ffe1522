"""The survey's tellers: any two of three open the sealed responses at the close; wrong,
mistyped, foreign or too few codes are refused and change nothing; a survey closes once;
the responses published are as many as the codes used."""

from __future__ import annotations

from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.surveys.conftest import CLOSES, DURING, answers
from tests.surveys.factories import TELLER_CODES, appoint, close
from vanguard.surveys import services
from vanguard.surveys.models import Response, SealedResponse, SurveyStatus, ValidCode


def answered(survey, codes, n=3):
    for code in codes[:n]:
        services.submit_response(code, answers(), today=DURING)


def refused(survey, teller_codes, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.close_survey(survey, teller_codes, today=CLOSES, acting=None)
    assert message in " ".join(error.value.messages)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and not Response.objects.exists()


@pytest.mark.parametrize("pair", list(combinations(range(3), 2)))
def test_any_two_of_three_tellers_open_the_responses(open_survey, codes, pair):
    answered(open_survey, codes)
    teller_codes = [TELLER_CODES[open_survey.pk][i] for i in pair]
    services.close_survey(open_survey, teller_codes, today=CLOSES, acting=None)
    assert open_survey.status == SurveyStatus.CLOSED
    assert Response.objects.count() == 3 and not SealedResponse.objects.exists()


def test_one_code_is_not_enough_and_a_lost_pair_keeps_the_survey_closed_to_all(open_survey, codes):
    answered(open_survey, codes)
    refused(open_survey, TELLER_CODES[open_survey.pk][:1], "2 tellers must enter their codes")
    refused(open_survey, [], "2 tellers must enter their codes")
    assert SealedResponse.objects.count() == 3  # still sealed, still there


def test_wrong_mistyped_and_foreign_codes_are_refused(open_survey, codes, enrollments):
    answered(open_survey, codes)
    first, second, _third = TELLER_CODES[open_survey.pk]
    refused(open_survey, [first, second[:-2]], "mistyped")
    last = "0" if second[-1] != "0" else "1"
    refused(open_survey, [first, second[:-1] + last], "is not the code of a teller")
    other = services.create_survey(enrollments["B"], opens_on=DURING, closes_on=CLOSES, acting=None)
    foreign = appoint(other)
    refused(open_survey, [first, foreign[1]], "is not the code of a teller")
    close(open_survey, today=CLOSES)  # the right codes still work afterwards
    assert Response.objects.count() == 3


def test_a_survey_closes_once(open_survey, codes):
    answered(open_survey, codes)
    close(open_survey, today=CLOSES)
    with pytest.raises(ValidationError):
        close(open_survey, today=CLOSES)
    assert Response.objects.count() == 3


def test_responses_published_equal_codes_used_or_the_close_stops(open_survey, codes):
    answered(open_survey, codes, n=4)
    SealedResponse.objects.filter(pk=SealedResponse.objects.first().pk).delete()
    refused(open_survey, TELLER_CODES[open_survey.pk][:2], "4 used codes")
    assert ValidCode.objects.filter(used=True).count() == 4


def test_tellers_are_appointed_again_only_before_the_first_response(open_survey, codes):
    old = TELLER_CODES[open_survey.pk]
    new = appoint(open_survey)
    refused(open_survey, old[:2], "is not the code of a teller")
    answered(open_survey, codes, n=1)
    with pytest.raises(ValidationError):
        appoint(open_survey)
    services.close_survey(open_survey, new[1:], today=CLOSES, acting=None)
    assert Response.objects.count() == 1


def test_a_survey_opens_only_with_tellers(survey):
    from tests.surveys.conftest import people
    from vanguard.surveys.models import Method

    services.store_frame(survey, Method.REPRESENTATIVES, people(3), filename="r.xlsx", acting=None)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.open_survey(survey, acting=None)
    assert "Appoint the survey's tellers" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.appoint_tellers(survey, ["甲", "甲", "乙"], acting=None)
    with pytest.raises(ValidationError):
        services.appoint_tellers(survey, ["甲"], acting=None)
    appoint(survey)
    assert services.open_survey(survey, acting=None).status == SurveyStatus.OPEN


def test_the_tellers_slips_are_shown_once_and_two_codes_close_through_the_page(
    login, personas, open_survey, codes
):
    from django.urls import reverse

    from vanguard.core import tellers

    answered(open_survey, codes)
    # the survey is open: with responses in, the tellers can no longer change
    client = login(personas["office"])
    url = reverse("surveys:tellers", args=[open_survey.pk])
    refused_page = client.post(url, {"teller_1": "甲", "teller_2": "乙", "teller_3": "丙"})
    assert refused_page.status_code == 302
    teller_codes = TELLER_CODES[open_survey.pk]
    stored = " ".join(str(t.__dict__) for t in open_survey.tellers.all())
    assert not any(code in stored for code in teller_codes)
    assert {t.share_digest for t in open_survey.tellers.all()} == {
        tellers.share_digest(code) for code in teller_codes
    }
    closed = client.post(
        reverse("surveys:close", args=[open_survey.pk]),
        {"code_1": "", "code_2": teller_codes[1], "code_3": teller_codes[2]},
    )
    assert closed.status_code == 302
    open_survey.refresh_from_db()
    assert open_survey.status == SurveyStatus.CLOSED and Response.objects.count() == 3


def test_appointing_through_the_page_shows_each_code_once(login, personas, survey):
    from django.urls import reverse

    response = login(personas["office"]).post(
        reverse("surveys:tellers", args=[survey.pk]),
        {"teller_1": "甲", "teller_2": "乙", "teller_3": "丙"},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert body.count("teller-code") == 3
    survey.refresh_from_db()
    assert survey.public_key and survey.tellers.count() == 3
