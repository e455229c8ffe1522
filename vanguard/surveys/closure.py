"""The survey module's condition for closing a unit's campaign (`closure_gate`): a passed
survey, taken after the latest remedial cycle (补课) opened, if the unit had one."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vanguard.campaigns.closure import closure_gate
from vanguard.core.dates import format_date


def passed_survey_after(enrollment):
    """The unit's latest passed survey that counts for closing it, and the remedial cycle it
    must postdate (None when the unit had none)."""
    from vanguard.surveys.models import Outcome, SurveyStatus

    cycle = enrollment.remedial_cycles.order_by("-opened_on", "-number").first()
    passed = enrollment.surveys.filter(status=SurveyStatus.CLOSED, outcome=Outcome.PASSED)
    if cycle is not None:
        passed = passed.filter(opens_on__gte=cycle.opened_on)
    return passed.order_by("-number").first(), cycle


@closure_gate(module="surveys")
def passed_survey_required(enrollment) -> list[str]:
    survey, cycle = passed_survey_after(enrollment)
    if survey is not None:
        return []
    if cycle is not None:
        return [
            _(
                "A passed satisfaction survey taken after the remedial cycle opened on "
                "%(date)s is required."
            )
            % {"date": format_date(cycle.opened_on)}
        ]
    return [_("A passed public satisfaction survey is required.")]
