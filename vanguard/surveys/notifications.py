"""What the survey app tells people (declared in its registry entry, sent by
`vanguard.notifications`): a reminder to the whole sample, by text message, a few days
before a survey closes (三.3, 六.4: 随机抽样调查).

Everyone invited with a phone number is reminded, whether they answered or not: nothing
links a person to their code or their answer (`docs/secrecy.md`), so nobody can be left
out for having answered. The reminder carries no code — the code went out once, on the
slip or in the text message made when the codes were drawn.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.core.registry import Due, NotificationEvent
from vanguard.surveys.models import Invitation, SurveyStatus


def survey_reminder(campaign, today, lead_days):
    by_day = {today + timedelta(days=lead): lead for lead in lead_days}
    invitations = (
        Invitation.objects.filter(
            survey__enrollment__campaign=campaign,
            survey__status=SurveyStatus.OPEN,
            survey__closes_on__in=list(by_day),
        )
        .exclude(frame_row__phone="")
        .select_related("survey__enrollment__organization", "frame_row")
    )
    url = reverse("surveys:public-start")
    for invitation in invitations:
        survey = invitation.survey
        unit = survey.enrollment.organization
        yield Due(
            user_id=None,
            phone=invitation.frame_row.phone,
            key=f"survey_reminder:{survey.pk}:{survey.closes_on}:{by_day[survey.closes_on]}",
            title=_(
                "The satisfaction survey of %(unit)s closes on %(date)s: please answer with "
                "the code you received"
            )
            % {
                "unit": getattr(unit, "public_name", "") or unit.name,
                "date": survey.closes_on.isoformat(),
            },
            url=url,
            organization_id=unit.pk,
        )


EVENTS = (
    NotificationEvent(
        code="survey_reminder",
        title=gettext_lazy("A satisfaction survey closes soon (to the whole sample)"),
        finder="vanguard.surveys.notifications.survey_reminder",
        default_lead_days=(3, 1),
        audience=gettext_lazy("the survey's sample, by text message"),
        module="surveys",
    ),
)
