"""Helpers for other apps' tests: a unit that passed its satisfaction survey.

Closing a unit's campaign needs a passed survey taken after its latest remedial cycle
opened (the survey module's closure gate); tests about closing call `pass_a_survey`.
"""

from __future__ import annotations

from datetime import date, timedelta

from vanguard.surveys import services
from vanguard.surveys.models import Channel, Method, Survey
from vanguard.surveys.sampling import FrameRow


def pass_a_survey(enrollment, *, opens_on: date = date(2024, 12, 1), answered: int = 10) -> Survey:
    """Create, answer (all 满意-style: the template's first option) and close a survey of
    the unit, opening no earlier than its latest remedial cycle. Everyone invited answers;
    ten is the shipped template's minimum of respondents for a valid survey."""
    latest = enrollment.remedial_cycles.order_by("-opened_on").first()
    if latest is not None:
        opens_on = max(opens_on, latest.opened_on)
    closes_on = opens_on + timedelta(days=7)
    survey = services.create_survey(enrollment, opens_on=opens_on, closes_on=closes_on, acting=None)
    representatives = [
        FrameRow(n, f"群众代表{n}", "群众代表", f"1380000{n:04d}") for n in range(2, 2 + answered)
    ]
    services.store_frame(
        survey, Method.REPRESENTATIVES, representatives, filename="代表.xlsx", acting=None
    )
    issued = services.issue_codes(survey, channel=Channel.SLIP, today=opens_on, acting=None)
    open_(survey)
    satisfied = survey.questionnaire["options"][0]["code"]
    for _invitation, code in issued:
        answers = services.Answers(overall=satisfied, graded={})
        services.submit_response(code, answers, today=opens_on)
    return close(survey, today=closes_on)


TELLER_NAMES = ("监票人甲", "监票人乙", "监票人丙")
TELLER_CODES: dict[int, list[str]] = {}


def appoint(survey: Survey) -> list[str]:
    """Appoint the survey's three tellers; their codes are kept here for `close`."""
    slips = services.appoint_tellers(survey, TELLER_NAMES, acting=None)
    TELLER_CODES[survey.pk] = [slip.code for slip in slips]
    return TELLER_CODES[survey.pk]


def open_(survey: Survey) -> Survey:
    """Appoint the tellers and open the survey."""
    appoint(survey)
    return services.open_survey(survey, acting=None)


def close(survey: Survey, *, today: date | None = None) -> Survey:
    """Close the survey with two of its tellers' codes."""
    return services.close_survey(survey, TELLER_CODES[survey.pk][:2], today=today, acting=None)
