"""The generator's survey data at the `tiny` scale: one closed survey per unit whose lists
sum to the scale, a draw that the app's own verification re-draws (from the file as
imported, with `verify_draw`), codes kept only as keyed hashes, responses no more than the
invited and each spending one invitation, nothing of a person or a time on a response,
outcomes by the template's rule with 补课 where the majority was dissatisfied, determinism."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from vanguard.campaigns.models import EnrollmentStatus, RemedialCycle
from vanguard.datagen.generate import generate_campaign
from vanguard.datagen.scales import SCALES
from vanguard.surveys import frames, results, sampling, services
from vanguard.surveys.generate import plan
from vanguard.surveys.models import (
    Draw,
    Frame,
    FrameRow,
    Invitation,
    Method,
    Outcome,
    Response,
    SealedResponse,
    Survey,
    SurveyStatus,
    ValidCode,
)

pytestmark = pytest.mark.django_db
SCALE = SCALES["tiny"]
SEED = 1


def quiet(*_args):
    pass


@pytest.fixture
def generated():
    return generate_campaign("tiny", seed=SEED, code="gen-s", log=quiet)


def surveys_of(generated):
    return Survey.objects.filter(enrollment__campaign=generated.campaign)


def spec_of(draw: Draw) -> sampling.DrawSpec:
    return sampling.DrawSpec(seed=draw.seed, size=draw.size, strata=draw.strata or None)


def test_every_unit_has_one_closed_survey_and_the_lists_sum_to_the_scale(generated):
    surveys = list(surveys_of(generated))
    assert sorted(s.enrollment_id for s in surveys) == sorted(e.pk for e in generated.enrollments)
    assert all(s.status == SurveyStatus.CLOSED and s.number == 1 for s in surveys)
    assert all(s.opens_on <= s.closes_on < s.closed_on for s in surveys)
    frame_list = list(Frame.objects.filter(survey__in=surveys))
    assert Counter(f.method for f in frame_list) == {
        Method.RANDOM_SAMPLE: len(surveys),
        Method.REPRESENTATIVES: len(surveys),
    }
    assert sum(f.row_count for f in frame_list) == SCALE.frame_people
    stored = Counter(
        FrameRow.objects.filter(frame__in=frame_list).values_list("frame_id", flat=True)
    )
    assert stored == {f.pk: f.row_count for f in frame_list}


def test_each_draw_re_draws_from_the_stored_list(generated):
    draws = Draw.objects.filter(frame__survey__enrollment__campaign=generated.campaign)
    assert draws.count() == len(generated.enrollments)
    for draw in draws.select_related("frame"):
        assert draw.is_made and draw.announced_on <= draw.drawn_on
        assert draw.fingerprint == draw.frame.fingerprint
        assert len(draw.witness_list) >= services.MIN_WITNESSES
        rows = list(draw.frame.rows.order_by("number").values_list("number", "group"))
        assert sampling.draw(rows, draw.fingerprint, spec_of(draw)) == draw.selected_rows
        assert len(draw.selected_rows) == draw.size


def test_verify_draw_says_the_files_as_imported_match(generated, tmp_path):
    """The lists kept no contact details after closing; the generator's plan rebuilds the
    files as imported, and the app's verification re-draws each published sample."""
    units = plan(generated, SCALE, random.Random(f"{SEED}-surveys"))
    draws = {
        d.frame.survey.enrollment_id: d
        for d in Draw.objects.select_related("frame__survey").filter(
            frame__survey__enrollment__campaign=generated.campaign
        )
    }
    for unit in units:
        draw = draws[unit.enrollment.pk]
        fingerprint, rows = sampling.draw_frame(unit.sample_rows, spec_of(draw))
        assert (fingerprint, rows) == (draw.fingerprint, draw.selected_rows)
    unit = units[0]
    draw = draws[unit.enrollment.pk]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = frames.SHEET
    sheet.append(frames.HEADERS)
    for row in unit.sample_rows:
        sheet.append((row.name, row.group, row.phone, row.address))
    path = tmp_path / "抽样名单.xlsx"
    workbook.save(path)
    with open(tmp_path / "out.txt", "w") as out:
        call_command(  # raises CommandError unless the re-drawn rows and fingerprint match
            "verify_draw",
            str(path),
            seed=draw.seed,
            size=draw.size,
            strata=sampling.format_strata(draw.strata),
            rows=",".join(map(str, draw.selected_rows)),
            fingerprint=draw.fingerprint,
            stdout=out,
        )


def test_the_invited_are_the_drawn_and_the_representatives_with_hashed_codes(generated):
    draws = {
        d.frame.survey_id: d
        for d in Draw.objects.select_related("frame").filter(
            frame__survey__enrollment__campaign=generated.campaign
        )
    }
    for survey in surveys_of(generated):
        invitations = list(survey.invitations.select_related("frame_row__frame"))
        sampled = sorted(
            i.frame_row.number for i in invitations if i.method == Method.RANDOM_SAMPLE
        )
        assert sampled == draws[survey.pk].selected_rows
        representatives = survey.frames.get(method=Method.REPRESENTATIVES)
        invited = [i for i in invitations if i.method == Method.REPRESENTATIVES]
        assert len(invited) == representatives.row_count
        for invitation in invitations:
            assert invitation.frame_row.frame.survey_id == survey.pk
            assert invitation.frame_row.frame.method == invitation.method
            assert invitation.group == invitation.frame_row.group
            assert invitation.issued_on and invitation.channel
        codes = ValidCode.objects.filter(survey=survey)
        assert codes.count() == len(invitations)  # one valid code per invitation, no person
        for digest in codes.values_list("digest", flat=True):
            assert len(digest) == 64
            int(digest, 16)
    hashes = ValidCode.objects.filter(survey__enrollment__campaign=generated.campaign)
    assert hashes.values("digest").distinct().count() == hashes.count()


def test_responses_spend_one_invitation_each_and_sum_to_the_scale(generated):
    surveys = list(surveys_of(generated))
    assert Response.objects.filter(survey__in=surveys).count() == SCALE.survey_responses
    for survey in surveys:
        spent = list(
            ValidCode.objects.filter(survey=survey, used=True).values_list("method", "group")
        )
        answered = list(survey.responses.values_list("method", "group"))
        assert 0 < len(answered) <= survey.invitations.count()
        assert Counter(spent) == Counter(answered)
        assert survey.public_key and survey.tellers.count() == 3
    assert not SealedResponse.objects.filter(survey__in=surveys).exists()


def test_a_response_holds_no_person_code_or_time(generated):
    surveys = surveys_of(generated)
    names = set(FrameRow.objects.filter(frame__survey__in=surveys).values_list("name", flat=True))
    hashes = set(ValidCode.objects.filter(survey__in=surveys).values_list("digest", flat=True))
    for row in Response.objects.filter(survey__in=surveys).values():
        assert set(row) == {"id", "survey_id", "method", "group", "overall", "answers", "comment"}
        text = " ".join(str(value) for value in row.values())
        assert not any(secret in text for secret in hashes)
        assert not any(name in text for name in names if len(name) > 2)
    # Closing erased the contact details from every list.
    rows = FrameRow.objects.filter(frame__survey__in=surveys)
    assert not rows.exclude(phone="", address="").exists()
    # Generated rows have no history: nobody edited them.
    assert not Invitation.history.filter(survey_id__in=surveys.values("pk")).exists()
    assert not Survey.history.filter(enrollment__campaign=generated.campaign).exists()


def test_outcomes_follow_the_template_rule_and_failures_are_in_remedial(generated):
    campaign = generated.campaign
    rule = campaign.rules.satisfaction
    outcomes = Counter()
    questions = {
        q["code"] for q in services.questionnaire_for(campaign.rules).to_dict()["questions"]
    }
    for survey in surveys_of(generated).select_related("enrollment__campaign"):
        counts = results.option_counts(survey)
        expected = Outcome.FAILED if rule.redo_required(counts) else Outcome.PASSED
        assert survey.outcome == expected
        outcomes[survey.outcome] += 1
        cycles = RemedialCycle.objects.filter(enrollment=survey.enrollment)
        if survey.outcome == Outcome.FAILED:
            cycle = cycles.get()
            assert cycle.is_open and cycle.opened_on == survey.closed_on
            assert survey.enrollment.status == EnrollmentStatus.REMEDIAL
        else:
            assert not cycles.exists()
        for overall, answers in survey.responses.values_list("overall", "answers"):
            assert overall in {option.code for option in rule.options}
            assert set(answers) <= questions
    assert outcomes[Outcome.FAILED] >= 1
    assert outcomes[Outcome.PASSED] > outcomes[Outcome.FAILED]


def summary(generated):
    found = []
    for survey in surveys_of(generated).order_by("enrollment__organization__code"):
        draw = Draw.objects.get(frame__survey=survey)
        found.append(
            (
                survey.enrollment.organization.code.rsplit("-", 1)[1],
                survey.outcome,
                survey.opens_on,
                draw.fingerprint,
                draw.seed,
                tuple(draw.selected_rows),
                tuple(sorted(survey.responses.values_list("overall", "group", "comment"))),
            )
        )
    return found


def test_the_same_seed_makes_the_same_surveys(generated):
    again = generate_campaign("tiny", seed=SEED, code="gen-s2", log=quiet)
    assert summary(again) == summary(generated)
    other = generate_campaign("tiny", seed=SEED + 1, code="gen-s3", log=quiet)
    assert summary(other) != summary(generated)
