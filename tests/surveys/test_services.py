"""The survey's state changes: creating, the draw, codes (one-time, hashed), responses
(refused codes with a clear message), closing by the template's rule and the 补课 it
triggers, and the gate on closing the unit's campaign."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.surveys.conftest import CLOSES, DURING, OPENS, answers, people
from tests.surveys.factories import close, open_
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.models import EnrollmentStatus, StepStatus
from vanguard.surveys import results, services
from vanguard.surveys.closure import passed_survey_required
from vanguard.surveys.models import (
    Channel,
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
from vanguard.surveys.sampling import FrameRow as SampleRow

# -- creating --------------------------------------------------------------------------


def test_a_survey_snapshots_the_templates_options_and_the_questions(survey):
    options = [o["title"] for o in survey.questionnaire["options"]]
    assert options == [o.title for o in survey.enrollment.campaign.rules.satisfaction.options]
    assert options == ["满意", "基本满意", "不满意"]
    assert survey.questionnaire["questions"] and survey.questionnaire["grades"]
    assert survey.number == 1 and survey.status == SurveyStatus.DRAFT


def test_one_unfinished_survey_per_unit(survey):
    with pytest.raises(ValidationError):
        services.create_survey(survey.enrollment, opens_on=OPENS, closes_on=CLOSES, acting=None)


def test_dates_must_be_in_order(enrollments):
    with pytest.raises(ValidationError):
        services.create_survey(enrollments["A"], opens_on=CLOSES, closes_on=OPENS, acting=None)


# -- the draw ----------------------------------------------------------------------------


def announce(frame, **changes):
    values = dict(
        seed="4-4-2-6", seed_source="掷骰子", witnesses=["王芳", "李强"], size=6, strata={}
    )
    return services.announce_draw(
        frame, services.Announcement(**{**values, **changes}), acting=None
    )


def test_the_draw_invites_the_rows_the_algorithm_selects(survey):
    from vanguard.surveys.sampling import DrawSpec, draw_frame

    rows = people(30)
    frame = services.store_frame(survey, Method.RANDOM_SAMPLE, rows, filename="l.xlsx", acting=None)
    draw = services.make_draw(
        announce(frame, strata={"学生家长": "1", "教师": "1", "社区居民": "1"}), acting=None
    )
    expected = draw_frame(rows, DrawSpec("4-4-2-6", 6, {"学生家长": 1, "教师": 1, "社区居民": 1}))
    assert (draw.fingerprint, draw.selected_rows) == expected
    invited = survey.invitations.values_list("frame_row__number", flat=True)
    assert sorted(invited) == draw.selected_rows
    with pytest.raises(ValidationError):
        services.make_draw(draw, acting=None)  # once only


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"witnesses": ["王芳"]}, "Name at least 2 witnesses of the seed."),
        ({"seed": "  "}, "The seed is empty."),
        ({"size": 31}, "The list has 30 people: a sample of 31 cannot be drawn."),
        ({"strata": {"党员": "1"}}, "Nobody on the list is in the group “党员”."),
        (
            {"size": 25, "strata": {"教师": "1"}},
            "The group “教师” needs 25 people but the list has only 10.",
        ),
    ],
)
def test_an_impossible_announcement_is_refused_and_nothing_is_kept(survey, changes, message):
    frame = services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(30), filename="l.xlsx", acting=None
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        announce(frame, **changes)
    assert error.value.messages == [message]
    assert not hasattr(frame, "draw") or frame.draw is None


def test_representatives_are_not_drawn_from(survey):
    frame = services.store_frame(
        survey, Method.REPRESENTATIVES, people(5), filename="r.xlsx", acting=None
    )
    with pytest.raises(ValidationError):
        announce(frame)


def test_the_survey_opens_only_with_invitations_and_no_pending_draw(survey):
    with pytest.raises(ValidationError):
        open_(survey)
    frame = services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(10), filename="l.xlsx", acting=None
    )
    draw = announce(frame, size=3)
    with pytest.raises(ValidationError):
        open_(survey)
    services.make_draw(draw, acting=None)
    assert open_(survey).status == SurveyStatus.OPEN


# -- codes -------------------------------------------------------------------------------


def test_only_the_set_of_keyed_hashes_is_kept_with_no_person(open_survey, codes):
    assert len(codes) == 15 and len(set(codes)) == 15
    stored = list(ValidCode.objects.values_list("digest", flat=True))
    assert all(code not in hashed for code in codes for hashed in stored)
    assert sorted(stored) == sorted(services.hash_code(code) for code in codes)
    assert {f.name for f in ValidCode._meta.get_fields()} == {
        "id",
        "survey",
        "digest",
        "method",
        "group",
        "used",
    }
    assert "code_hash" not in {f.name for f in Invitation._meta.get_fields()}
    history = " ".join(str(h.__dict__) for h in Invitation.history.all())
    assert not any(code in history for code in codes)
    assert not any(digest in history for digest in stored)


def test_codes_are_read_however_they_are_typed(open_survey, codes):
    code = codes[0]
    typed = services.format_code(code).lower().replace("-", " ")
    assert services.find_code(typed, today=DURING).digest == services.hash_code(code)


def test_issuing_again_skips_those_with_a_code_unless_reissuing(open_survey, codes):
    assert services.issue_codes(open_survey, channel=Channel.SLIP, acting=None) == []
    old = codes[0]
    reissued = services.issue_codes(
        open_survey, channel=Channel.SLIP, reissue=True, today=DURING, acting=None
    )
    assert len(reissued) == 15
    with pytest.raises(services.CodeRefused) as refused:
        services.find_code(old, today=DURING)
    assert refused.value.reason == "unknown"  # the old code stopped working
    services.find_code(reissued[0][1], today=DURING)
    assert ValidCode.objects.count() == 15


def test_no_reissue_once_a_code_is_used(open_survey, codes):
    """Nothing says who answered, so new codes for all would let someone answer twice."""
    services.submit_response(codes[0], answers(), today=DURING)
    with pytest.raises(ValidationError):
        services.issue_codes(open_survey, channel=Channel.SLIP, reissue=True, acting=None)
    assert ValidCode.objects.count() == 15
    services.find_code(codes[1], today=DURING)  # the other codes still work


def test_text_messages_go_only_to_people_with_a_phone(survey):
    rows = [*people(3, groups=("群众代表",)), FrameRow_("无电话", "群众代表", address="幸福小区")]
    services.store_frame(survey, Method.REPRESENTATIVES, rows, filename="r.xlsx", acting=None)
    issued = services.issue_codes(survey, channel=Channel.SMS, acting=None)
    assert len(issued) == 3
    assert {inv.channel for inv, _code in issued} == {Channel.SMS}


def FrameRow_(name, group, phone="", address=""):
    return SampleRow(5, name, group, phone, address)


# -- responding --------------------------------------------------------------------------


def test_a_response_spends_the_code_and_keeps_nothing_of_the_invitation(open_survey, codes):
    services.submit_response(codes[0], answers("dissatisfied", comment="好"), today=DURING)
    assert ValidCode.objects.filter(used=True).count() == 1
    assert SealedResponse.objects.count() == 1 and not Response.objects.exists()
    close(open_survey, today=CLOSES)
    response = Response.objects.get()
    assert (response.overall, response.comment) == ("dissatisfied", "好")
    assert response.survey_id == open_survey.pk and response.method in Method.values
    assert not SealedResponse.objects.exists()


@pytest.mark.parametrize(
    ("today", "reason", "message"),
    [
        (OPENS - timedelta(days=1), "not_open", "The survey is not open yet: it opens on"),
        (CLOSES + timedelta(days=1), "expired", "This survey closed on"),
    ],
)
def test_codes_outside_the_survey_dates_are_refused(open_survey, codes, today, reason, message):
    with translation.override("en"), pytest.raises(services.CodeRefused) as refused:
        services.submit_response(codes[0], answers(), today=today)
    assert refused.value.reason == reason
    with translation.override("en"):
        assert refused.value.message.startswith(message)
    assert not SealedResponse.objects.exists() and not ValidCode.objects.filter(used=True).exists()


def test_unknown_and_spent_codes_are_refused_with_a_clear_message(open_survey, codes):
    with translation.override("en"), pytest.raises(services.CodeRefused) as refused:
        services.submit_response("AAAA-BBBB-CCCC", answers(), today=DURING)
        assert "not valid" in refused.value.message
    assert refused.value.reason == "unknown"
    services.submit_response(codes[1], answers(), today=DURING)
    with translation.override("en"), pytest.raises(services.CodeRefused) as refused:
        services.submit_response(codes[1], answers("dissatisfied"), today=DURING)
    assert refused.value.reason == "spent"
    with translation.override("en"):
        assert refused.value.message == "This code has already been used: each code answers once."
    close(open_survey, today=CLOSES)
    assert list(Response.objects.values_list("overall", flat=True)) == ["satisfied"]


def test_a_closed_surveys_codes_are_expired(open_survey, codes):
    close(open_survey, today=DURING)
    with pytest.raises(services.CodeRefused) as refused:
        services.submit_response(codes[0], answers(), today=DURING)
    assert refused.value.reason == "expired"


def test_a_spent_invitation_found_before_the_roll_is_refused_at_the_roll(open_survey, codes):
    """Two requests that both found the code unspent: the roll lets only one through."""
    first = services.find_code(codes[0], today=DURING)
    second = services.find_code(codes[0], today=DURING)
    services.record_response(first, answers())
    with pytest.raises(services.CodeRefused) as refused:
        services.record_response(second, answers("dissatisfied"))
    assert refused.value.reason == "spent"
    assert SealedResponse.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        answers("very_satisfied"),
        answers(problems_solved="excellent"),
        answers(no_such_question="good"),
        answers(comment="长" * 501),
    ],
)
def test_answers_outside_the_questionnaire_are_refused(open_survey, codes, bad):
    with pytest.raises(ValidationError):
        services.submit_response(codes[0], bad, today=DURING)
    assert not SealedResponse.objects.exists() and not ValidCode.objects.filter(used=True).exists()


def test_submission_takes_a_constant_small_number_of_queries(open_survey, codes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for code in codes[:3]:
        with CaptureQueriesContext(connection) as captured:
            services.submit_response(
                code, answers(problems_solved="good", comment="x"), today=DURING
            )
        counts.append(len(captured))
    # 1 find the code (with its survey and unit), then the transaction:
    # 2 savepoint, 3 mark the code used, 4 sealed response, 5 release — whatever the size;
    # and up to 3 to find the rows' unit, to move that unit's figures revision only
    # (`campaigns.attribution`).
    assert counts == [counts[0]] * 3
    assert counts[0] <= 8


# -- closing and 补课 ---------------------------------------------------------------------


def respond(codes, dissatisfied: int, satisfied: int):
    for code in codes[:dissatisfied]:
        services.submit_response(code, answers("dissatisfied"), today=DURING)
    for code in codes[dissatisfied : dissatisfied + satisfied]:
        services.submit_response(code, answers("basically_satisfied"), today=DURING)


def test_five_of_ten_dissatisfied_is_not_a_majority(open_survey, codes):
    respond(codes, dissatisfied=5, satisfied=5)
    close(open_survey, today=CLOSES)
    assert open_survey.outcome == Outcome.PASSED
    assert not open_survey.enrollment.remedial_cycles.exists()
    assert open_survey.enrollment.status == EnrollmentStatus.ACTIVE


def test_six_of_eleven_dissatisfied_is_a_majority_and_starts_remedial(open_survey, codes):
    respond(codes, dissatisfied=6, satisfied=5)
    close(open_survey, today=CLOSES)
    enrollment = open_survey.enrollment
    enrollment.refresh_from_db()
    assert open_survey.outcome == Outcome.FAILED
    assert enrollment.status == EnrollmentStatus.REMEDIAL
    cycle = enrollment.remedial_cycles.get()
    assert cycle.opened_on == CLOSES and "6" in cycle.reason and "11" in cycle.reason
    assert cycle.step_codes == enrollment.campaign.rules.redo_steps()


def test_no_responses_is_neither_passed_nor_failed(open_survey, codes):
    close(open_survey, today=CLOSES)
    assert open_survey.outcome == Outcome.NO_RESPONSES
    assert not open_survey.enrollment.remedial_cycles.exists()


def test_closing_erases_contact_details(open_survey, codes):
    assert FrameRow.objects.exclude(phone="").exists()
    close(open_survey, today=CLOSES)
    assert not FrameRow.objects.exclude(phone="").exists()
    assert not FrameRow.objects.exclude(address="").exists()


def test_only_open_surveys_close_and_only_closed_ones_publish(survey):
    with pytest.raises(ValidationError):
        services.close_survey(survey, [], acting=None)
    with pytest.raises(ValidationError):
        services.publish_results(survey, acting=None)


def _finish_steps(enrollment):
    for _phase, step in enrollment.campaign.rules.steps():
        campaign_services.record_step(enrollment, step.code, status=StepStatus.DONE, acting=None)


def test_a_unit_cannot_close_without_a_passed_survey(enrollments):
    enrollment = enrollments["A"]
    _finish_steps(enrollment)
    required = "A passed public satisfaction survey is required."
    with translation.override("en"):
        assert passed_survey_required(enrollment) == [required]
        assert required in closure_problems(enrollment)  # registered with the campaign
        with pytest.raises(ValidationError) as error:
            campaign_services.close_enrollment(enrollment, acting=None)
    assert required in error.value.messages
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_after_remedial_a_new_passed_survey_is_required_then_the_unit_closes(open_survey, codes):
    enrollment = open_survey.enrollment
    respond(codes, dissatisfied=6, satisfied=5)
    close(open_survey, today=CLOSES)
    _finish_steps(enrollment)
    with translation.override("en"):
        assert passed_survey_required(enrollment) == [
            "A passed satisfaction survey taken after the remedial cycle opened on "
            "Nov. 30, 2024 is required."
        ]
    # A new survey may not open before the remedial cycle did.
    with pytest.raises(ValidationError):
        services.create_survey(
            enrollment, opens_on=CLOSES - timedelta(days=1), closes_on=CLOSES, acting=None
        )
    second = services.create_survey(
        enrollment, opens_on=date(2024, 12, 10), closes_on=date(2024, 12, 20), acting=None
    )
    services.store_frame(
        second, Method.REPRESENTATIVES, people(4, groups=("群众代表",)), filename="r", acting=None
    )
    new_codes = [
        code for _inv, code in services.issue_codes(second, channel=Channel.SLIP, acting=None)
    ]
    open_(second)
    for code in new_codes:
        services.submit_response(code, answers(), today=date(2024, 12, 12))
    close(second, today=date(2024, 12, 20))
    assert second.outcome == Outcome.PASSED
    assert passed_survey_required(enrollment) == []
    assert results.latest_result(enrollment).survey_id == second.pk


def test_a_closed_unit_gets_no_new_survey(enrollments, survey):
    enrollment = enrollments["A"]
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED, outcome=Outcome.PASSED)
    enrollment.status = EnrollmentStatus.CLOSED
    enrollment.save()
    with pytest.raises(ValidationError):
        services.create_survey(enrollment, opens_on=OPENS, closes_on=CLOSES, acting=None)


def test_the_factory_for_other_apps_tests_passes_the_gate(enrollments):
    from tests.surveys.factories import pass_a_survey

    enrollment = enrollments["A"]
    assert passed_survey_required(enrollment)
    assert pass_a_survey(enrollment).outcome == Outcome.PASSED
    assert passed_survey_required(enrollment) == []
    campaign_services.start_remedial(
        enrollment, reason="不满意", today=date(2025, 3, 1), acting=None
    )
    assert passed_survey_required(enrollment)  # the remedial cycle needs a new survey
    assert pass_a_survey(enrollment).opens_on == date(2025, 3, 1)
    assert passed_survey_required(enrollment) == []
