"""The survey's reminder goes to the whole sample by text message, answered or not (nothing
links a person to their answer), without a code, once per lead day; and in quiet hours it
waits like anyone's."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from tests.surveys.conftest import CLOSES, open_survey, survey  # noqa: F401 (fixtures)
from vanguard.notifications import delivery, scheduler
from vanguard.notifications.models import Delivery, Notification
from vanguard.surveys.models import Invitation

pytestmark = pytest.mark.django_db


def run_on(day, hour=9):
    return scheduler.run(timezone.make_aware(datetime.combine(day, time(hour))), enqueue=False)


def test_whole_sample_reminded_three_days_and_one_day_ahead(open_survey, settings):  # noqa: F811
    settings.VANGUARD_SMS_ACCESS_KEY_ID = "id"
    settings.VANGUARD_SMS_TEMPLATE_CODE = "SMS_1"
    phones = set(
        Invitation.objects.filter(survey=open_survey).values_list("frame_row__phone", flat=True)
    )
    run_on(date(2024, 11, 26))
    assert not Notification.objects.filter(event="survey_reminder").exists()
    run_on(date(2024, 11, 27))  # three days before 11-30
    run_on(date(2024, 11, 27))
    reminders = Notification.objects.filter(event="survey_reminder")
    assert set(reminders.values_list("phone", flat=True)) == phones
    assert reminders.count() == len(phones)  # one message per number, however invited
    assert all(n.recipient_id is None for n in reminders)
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"sms"}
    assert str(CLOSES) in reminders.first().title
    run_on(date(2024, 11, 29))
    assert Notification.objects.filter(event="survey_reminder").count() == 2 * len(phones)


def test_no_reminder_without_an_sms_gateway_is_only_stored(open_survey):  # noqa: F811
    run_on(date(2024, 11, 27))
    assert Notification.objects.filter(event="survey_reminder").count() == 13  # distinct numbers
    assert not Delivery.objects.exists()


def test_a_public_reminder_waits_out_the_night(open_survey, settings):  # noqa: F811
    settings.VANGUARD_SMS_ACCESS_KEY_ID = "id"
    settings.VANGUARD_SMS_TEMPLATE_CODE = "SMS_1"
    run_on(date(2024, 11, 27))
    night = timezone.make_aware(datetime(2024, 11, 27, 23, 0))  # noqa: DTZ001
    held = delivery.attempt(Delivery.objects.first(), now=night)
    assert held.status == "pending" and held.attempts == 0
    assert timezone.localtime(held.next_attempt_at).hour == 7
