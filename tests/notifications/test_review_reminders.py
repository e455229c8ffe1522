"""To-do items and notifications for the reviews the notice's parts added (issue 20): a
leader cadre's 三先 / 十个一 items to record, 党员先锋岗 to assess, 三培养 records in progress
as the campaign ends, talks still to hold before the 专题组织生活会, 学习体会 submitted for
review. Each appears for the right person on the right day, is gone once done and never
reaches someone outside the scope."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_member, make_user
from vanguard.accounts.access import Scope
from vanguard.appraisal.models import OrgLifeMeeting, SelfAnalysis, Talk
from vanguard.campaigns.models import Campaign, PhaseWindow
from vanguard.core.registry import todo_items
from vanguard.notifications import scheduler
from vanguard.notifications.models import Notification
from vanguard.orgs.models import Member
from vanguard.oversight import duties
from vanguard.schools import services as schools
from vanguard.schools.models import TrainingOutcome, TrainingRecord, VanguardPost
from vanguard.study.models import Writing

pytestmark = pytest.mark.django_db


def run_on(day: date):
    return scheduler.run(timezone.make_aware(datetime.combine(day, time(9))), enqueue=False)


def notified(event):
    return sorted(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )


def items_to(user, campaign, day, url):
    """The user's to-do items on `day` that link to `url`."""
    return [i for i in todo_items(Scope.for_user(user, day), campaign, day) if i.url == url]


@pytest.fixture
def planned(enrollments):
    """Unit A: study 07-01..08-14, analysis 08-15..09-14, rectification 09-15..10-31."""
    a = enrollments["A"]
    for code, starts, ends in [
        ("study", date(2024, 7, 1), date(2024, 8, 14)),
        ("analysis", date(2024, 8, 15), date(2024, 9, 14)),
        ("rectification", date(2024, 9, 15), date(2024, 10, 31)),
    ]:
        PhaseWindow.objects.create(enrollment=a, phase_code=code, starts_on=starts, ends_on=ends)
    return a


def _without(campaign, key):
    data = campaign.template_data
    data[key] = []
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    return Campaign.objects.get(pk=campaign.pk)


# -- leaders' 三先 and 十个一 -------------------------------------------------------------------


@pytest.fixture
def cadre(personas):
    bob = Member.objects.get(code="A1-001")
    bob.is_leader_cadre = True
    bob.save()
    return bob


def test_a_cadre_is_asked_for_the_items_due_first_and_overdue_after(
    personas, campaign, planned, cadre
):
    url = reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk])
    [item] = items_to(personas["bob"], campaign, date(2024, 7, 10), url)
    assert item.count == 4 and item.due == date(2024, 8, 14) and not item.overdue
    [late] = items_to(personas["bob"], campaign, date(2024, 8, 15), url)
    assert late.overdue
    duties.record_duty(
        campaign, cadre, "ten_ones", done_on=date(2024, 7, 9), description="落实", acting=None
    )
    [item] = items_to(personas["bob"], campaign, date(2024, 7, 10), url)
    assert item.count == 3 and item.due == date(2024, 10, 31)  # the 三先: the last phase
    for code in ("pioneer_of_reform", "advanced_in_integrity", "forerunner_of_campaign"):
        duties.record_duty(
            campaign, cadre, code, done_on=date(2024, 7, 9), description="做了", acting=None
        )
    assert items_to(personas["bob"], campaign, date(2024, 7, 10), url) == []


def test_only_the_cadre_gets_the_duties_item(personas, campaign, planned, cadre):
    url = reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk])
    for who in ("alice", "charlie", "office", "leader"):
        assert items_to(personas[who], campaign, date(2024, 7, 10), url) == [], who
    cadre.is_leader_cadre = False
    cadre.save()
    assert items_to(personas["bob"], campaign, date(2024, 7, 10), url) == []


def test_a_template_without_leader_duties_asks_nothing(personas, campaign, planned, cadre):
    campaign = _without(campaign, "leader_duties")
    url = reverse("oversight:cadre-duties", args=[campaign.pk, cadre.pk])
    assert items_to(personas["bob"], campaign, date(2024, 7, 10), url) == []
    run_on(date(2024, 8, 7))
    assert notified("duties_due") == []


def test_the_cadre_is_told_a_week_and_a_day_before_the_items_phase_ends(
    personas, campaign, planned, cadre
):
    run_on(date(2024, 8, 6))
    assert notified("duties_due") == []  # eight days before: nothing
    run_on(date(2024, 8, 7))
    assert notified("duties_due") == ["bob"]
    run_on(date(2024, 8, 7))
    assert notified("duties_due") == ["bob"]  # once
    duties.record_duty(
        campaign, cadre, "ten_ones", done_on=date(2024, 8, 8), description="落实", acting=None
    )
    run_on(date(2024, 8, 13))  # the day before, done: nothing new
    assert notified("duties_due") == ["bob"]
    run_on(date(2024, 10, 24))  # the 三先 before the last phase ends
    assert notified("duties_due") == ["bob", "bob"]


# -- 党员先锋岗 to assess --------------------------------------------------------------------


@pytest.fixture
def post(planned):
    return VanguardPost.objects.create(
        enrollment=planned,
        title="教学质量先锋岗",
        starts_on=date(2024, 7, 1),
        ends_on=date(2024, 9, 30),
    )


def test_a_post_is_to_assess_from_the_end_of_its_term_until_assessed(
    personas, campaign, planned, post
):
    url = reverse("schools:posts", args=[campaign.pk, planned.pk])
    assert items_to(personas["alice"], campaign, date(2024, 9, 29), url) == []
    [item] = items_to(personas["alice"], campaign, date(2024, 9, 30), url)
    assert item.count == 1 and item.due == date(2024, 9, 30)
    assert items_to(personas["charlie"], campaign, date(2024, 9, 30), url) == []
    assert items_to(personas["bob"], campaign, date(2024, 9, 30), url) == []
    schools.assess(post, "excellent", "", today=date(2024, 9, 30), acting=None)
    assert items_to(personas["alice"], campaign, date(2024, 9, 30), url) == []


def test_the_unit_is_told_once_when_a_posts_term_ends(personas, campaign, planned, post):
    run_on(date(2024, 9, 29))
    assert notified("post_to_assess") == []
    run_on(date(2024, 9, 30))
    run_on(date(2024, 10, 1))
    assert notified("post_to_assess") == ["alice"]  # once, and never charlie


# -- 三培养 records in progress as the campaign ends -------------------------------------------


@pytest.fixture
def track(planned):
    return TrainingRecord.objects.create(
        enrollment=planned,
        track="teacher_to_member",
        name="青年教师甲",
        started_on=date(2024, 7, 1),
    )


def test_tracks_in_progress_are_asked_for_in_the_last_two_weeks(personas, campaign, planned, track):
    url = reverse("schools:trainings", args=[campaign.pk, planned.pk])
    assert items_to(personas["alice"], campaign, date(2024, 10, 16), url) == []
    [item] = items_to(personas["alice"], campaign, date(2024, 10, 17), url)
    assert item.count == 1 and item.due == date(2024, 10, 31)
    assert items_to(personas["alice"], campaign, date(2024, 11, 1), url) == []  # ended
    assert items_to(personas["charlie"], campaign, date(2024, 10, 17), url) == []
    TrainingRecord.objects.filter(pk=track.pk).update(
        outcome=TrainingOutcome.ACHIEVED, outcome_on=date(2024, 10, 10)
    )
    assert items_to(personas["alice"], campaign, date(2024, 10, 17), url) == []


def test_the_unit_is_told_of_tracks_in_progress_before_the_end(personas, campaign, planned, track):
    run_on(date(2024, 10, 16))
    assert notified("tracks_due") == []
    run_on(date(2024, 10, 17))  # fourteen days before
    assert notified("tracks_due") == ["alice"]
    TrainingRecord.objects.filter(pk=track.pk).update(
        outcome=TrainingOutcome.STOPPED, outcome_on=date(2024, 10, 20)
    )
    run_on(date(2024, 10, 28))  # three days before, none in progress: nothing new
    assert notified("tracks_due") == ["alice"]


def test_a_template_without_tracks_or_posts_asks_nothing(personas, campaign, planned, track, post):
    campaign = _without(_without(campaign, "training_tracks"), "post_grades")
    for url in (
        reverse("schools:trainings", args=[campaign.pk, planned.pk]),
        reverse("schools:posts", args=[campaign.pk, planned.pk]),
    ):
        assert items_to(personas["alice"], campaign, date(2024, 10, 17), url) == []
    run_on(date(2024, 10, 17))
    assert notified("tracks_due") == [] and notified("post_to_assess") == []


# -- talks before the 专题组织生活会 ------------------------------------------------------------


@pytest.fixture
def dora(planned):
    return make_member(planned.organization, "A-001", "朵拉", user=make_user("dora"))


def _talk_and_hand_in(campaign, planned, first, second):
    Talk.objects.create(
        campaign=campaign,
        enrollment=planned,
        talked_on=date(2024, 8, 20),
        initiator=first,
        partner=second,
        topic="谈心",
    )
    for member in (first, second):
        SelfAnalysis.objects.create(
            campaign=campaign,
            member=member,
            text="…",
            status="submitted",
            submitted_on=date(2024, 8, 25),
        )


def test_talks_still_to_hold_when_the_meeting_is_near(personas, campaign, planned, dora):
    url = reverse("appraisal:talks", args=[campaign.pk, planned.pk])
    assert items_to(personas["alice"], campaign, date(2024, 8, 30), url) == []
    [item] = items_to(personas["alice"], campaign, date(2024, 8, 31), url)
    assert item.count == 2 and item.due == date(2024, 9, 14)
    assert items_to(personas["charlie"], campaign, date(2024, 8, 31), url) == []
    assert items_to(personas["bob"], campaign, date(2024, 8, 31), url) == []
    _talk_and_hand_in(campaign, planned, Member.objects.get(code="A1-001"), dora)
    assert items_to(personas["alice"], campaign, date(2024, 8, 31), url) == []


def test_a_meeting_recorded_ends_the_reminder(personas, campaign, planned, dora, tree):
    OrgLifeMeeting.objects.create(
        campaign=campaign, enrollment=planned, organization=tree["A"], held_on=date(2024, 8, 30)
    )
    url = reverse("appraisal:talks", args=[campaign.pk, planned.pk])
    assert items_to(personas["alice"], campaign, date(2024, 8, 31), url) == []
    run_on(date(2024, 9, 7))
    assert notified("talks_before_meeting") == []  # the compliance rule judges it now


def test_the_unit_is_told_a_week_before_while_talks_are_missing(personas, campaign, planned, dora):
    run_on(date(2024, 9, 6))
    assert notified("talks_before_meeting") == []
    run_on(date(2024, 9, 7))  # seven days before the analysis phase ends
    assert notified("talks_before_meeting") == ["alice"]
    _talk_and_hand_in(campaign, planned, Member.objects.get(code="A1-001"), dora)
    run_on(date(2024, 9, 11))  # three days before, all ready: nothing new
    assert notified("talks_before_meeting") == ["alice"]


def test_a_template_without_the_rule_asks_nothing(personas, campaign, planned, dora):
    data = campaign.template_data
    data.pop("org_life_meeting", None)
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    campaign = Campaign.objects.get(pk=campaign.pk)
    url = reverse("appraisal:talks", args=[campaign.pk, planned.pk])
    assert items_to(personas["alice"], campaign, date(2024, 8, 31), url) == []


# -- 学习体会 submitted -----------------------------------------------------------------------


def test_a_submitted_writing_is_told_once_to_its_units_administrators(personas, campaign, planned):
    Writing.objects.create(
        campaign=campaign,
        enrollment=planned,
        member=Member.objects.get(code="A1-001"),
        kind="experience",
        title="学习党章的体会",
        body="……",
        submitted_at=timezone.make_aware(datetime.combine(date(2024, 7, 20), time(10))),
    )
    run_on(date(2024, 7, 20))
    run_on(date(2024, 7, 21))
    assert notified("writing_submitted") == ["alice"]
