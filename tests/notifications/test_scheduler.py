"""The scheduler: for each kind of event, exactly one notification per recipient, on the
right day, only to people whose scope reaches the object, and never twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import make_member
from vanguard.campaigns.models import PhaseWindow
from vanguard.notifications import scheduler
from vanguard.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def run_on(day: date):
    return scheduler.run(timezone.make_aware(datetime.combine(day, time(9))), enqueue=False)


def notified(event):
    return sorted(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def windows(enrollments):
    """Unit A (second batch): study 07-01..08-14, analysis 08-15..09-14, rectification
    09-15..10-31."""
    a = enrollments["A"]
    for code, starts, ends in [
        ("study", date(2024, 7, 1), date(2024, 8, 14)),
        ("analysis", date(2024, 8, 15), date(2024, 9, 14)),
        ("rectification", date(2024, 9, 15), date(2024, 10, 31)),
    ]:
        PhaseWindow.objects.create(enrollment=a, phase_code=code, starts_on=starts, ends_on=ends)
    return a


def test_phase_start_told_a_week_and_a_day_ahead_to_the_units_admins(personas, windows):
    run_on(date(2024, 8, 7))
    assert notified("phase_starts") == []  # 8 days before: nothing
    run_on(date(2024, 8, 8))  # 7 days before 分析评议
    assert notified("phase_starts") == ["alice"]
    run_on(date(2024, 8, 8))  # the same day again: nothing new
    assert Notification.objects.filter(event="phase_starts").count() == 1
    run_on(date(2024, 8, 14))  # the day before
    assert notified("phase_starts") == ["alice", "alice"]
    assert "charlie" not in notified("phase_starts")


def test_phase_end(personas, windows):
    run_on(date(2024, 10, 24))
    [notification] = Notification.objects.filter(event="phase_ends")
    assert notification.recipient == personas["alice"]
    assert "整改提高" in notification.title and "7" in notification.title


def test_hours_short_only_to_members_short(personas, windows, campaign):
    from vanguard.study.models import MemberHours

    bob = personas["bob"].member
    full = make_member(windows.organization, "A-002", "满学时", user=_user("full"))
    MemberHours.objects.create(campaign=campaign, member=bob, hours=Decimal("39.5"))
    MemberHours.objects.create(campaign=campaign, member=full, hours=Decimal("40.0"))
    run_on(date(2024, 8, 4))  # study ends 08-14: ten days ahead
    assert notified("hours_short") == ["bob"]
    assert "39.5" in Notification.objects.get(event="hours_short").title


def test_opinion_due_and_overdue(personas, windows, campaign):
    from vanguard.appraisal.models import Opinion

    opinion = Opinion.objects.create(
        campaign=campaign,
        channel="suggestion_box",
        subject="unit",
        unit=windows.organization,
        content="希望多开家长会",
        received_on=date(2024, 8, 1),
        responsible_unit=windows.organization,
        due_on=date(2024, 8, 16),
    )
    run_on(date(2024, 8, 13))
    assert notified("opinion_due") == ["alice"]
    run_on(date(2024, 8, 16))
    assert notified("opinion_overdue") == []  # due today: not yet overdue
    run_on(date(2024, 8, 17))
    run_on(date(2024, 8, 18))
    assert notified("opinion_overdue") == ["alice"]  # once, not every day
    Opinion.objects.filter(pk=opinion.pk).update(status="answered")
    Notification.objects.all().delete()
    run_on(date(2024, 8, 19))
    assert notified("opinion_overdue") == []


def test_analysis_returned_to_its_member_only(personas, windows, campaign):
    from vanguard.appraisal.models import SelfAnalysis

    SelfAnalysis.objects.create(
        campaign=campaign,
        member=personas["bob"].member,
        text="党性分析",
        status="returned",
        reviewed_on=date(2024, 8, 20),
        comments="请联系实际",
    )
    run_on(date(2024, 8, 19))
    assert notified("analysis_reviewed") == []  # not reviewed yet on that day
    run_on(date(2024, 8, 20))
    run_on(date(2024, 8, 21))
    assert notified("analysis_reviewed") == ["bob"]
    assert "退回" in Notification.objects.get(event="analysis_reviewed").title


def test_ballot_open_to_every_member_of_the_unit_voted_or_not(personas, windows, campaign):
    from vanguard.appraisal.models import AppraisalRound

    opens = timezone.make_aware(datetime.combine(date(2024, 9, 1), time(8)))
    AppraisalRound.objects.create(
        campaign=campaign,
        enrollment=windows,
        organization=windows.organization,
        title="民主评议党员",
        opens_at=opens,
        closes_at=opens + timedelta(days=3),
    )
    run_on(date(2024, 8, 31))
    assert notified("ballot_open") == []
    run_on(date(2024, 9, 1))
    assert notified("ballot_open") == ["bob"]  # charlie's colleague in B: never
    run_on(date(2024, 9, 3))
    assert notified("ballot_closing") == ["bob"]


def test_rectification_item_due_overdue_and_reopened(personas, windows, campaign):
    from vanguard.rectification.models import RectificationItem

    item = RectificationItem.objects.create(
        campaign=campaign,
        enrollment=windows,
        organization=windows.organization,
        level="organization",
        problem="家长会太少",
        deadline=date(2024, 10, 10),
    )
    run_on(date(2024, 10, 3))
    assert notified("item_due") == ["alice"]
    run_on(date(2024, 10, 11))
    assert notified("item_overdue") == ["alice"]
    RectificationItem.objects.filter(pk=item.pk).update(
        status="reopened", reopened_on=date(2024, 10, 12), reopen_count=1
    )
    run_on(date(2024, 10, 12))
    assert notified("item_reopened") == ["alice"]


def test_template_can_switch_events_off_and_set_lead_days(personas, windows, campaign):
    data = dict(campaign.template_data)
    data["notifications"] = {"phase_starts": [3]}  # every other event: off
    campaign.template_data = data
    campaign.save()
    campaign.refresh_from_db()
    run_on(date(2024, 8, 8))  # 7 days ahead: not a lead day any more
    run_on(date(2024, 10, 24))  # phase_ends is off
    assert Notification.objects.count() == 0
    run_on(date(2024, 8, 12))
    assert notified("phase_starts") == ["alice"]


def test_a_campaign_outside_its_dates_tells_nobody(personas, windows):
    run_on(date(2025, 8, 8))
    assert Notification.objects.count() == 0


def test_someone_outside_the_scope_is_never_told(personas, windows, monkeypatch):
    """A finder that addresses an outsider (a bug) is caught by the scheduler."""
    from vanguard.core.registry import Due
    from vanguard.notifications import events

    def leaky(campaign, today, lead_days):
        yield Due(
            user_id=personas["charlie"].pk,
            key="leak",
            title="x",
            organization_id=windows.organization_id,
        )
        yield Due(
            user_id=personas["alice"].pk,
            key="fine",
            title="y",
            organization_id=windows.organization_id,
        )

    monkeypatch.setattr(events, "phase_starts", leaky)
    summary = run_on(date(2024, 8, 1))
    assert notified("phase_starts") == ["alice"]
    assert summary.refused == 1


def test_deliveries_planned_for_reachable_chosen_channels(personas, windows, settings):
    from vanguard.notifications.models import Preferences

    settings.EMAIL_HOST = "127.0.0.1"
    alice = personas["alice"]
    alice.email = "alice@example.org"
    alice.save()
    run_on(date(2024, 8, 8))
    assert list(Delivery.objects.values_list("channel", "address")) == [
        ("email", "alice@example.org")
    ]
    Preferences.objects.create(user=alice, channels={"phase_starts": []})
    run_on(date(2024, 8, 14))
    assert Delivery.objects.count() == 1  # in-app only for the second notice


def test_one_run_at_a_time(personas, windows):
    from django.core.cache import cache

    cache.add(scheduler.LOCK, 1, 60)
    assert run_on(date(2024, 8, 8)).skipped
    assert Notification.objects.count() == 0


def test_unknown_event_in_a_template_is_refused():
    from vanguard.campaigns.template import TemplateError, parse_template, shipped_template_path

    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        parse_template(text + '\n[notifications]\nphase_start = [7]\nitem_due = "soon"\n', "t.toml")
    problems = {problem.key: problem.message for problem in error.value.problems}
    assert (
        "unknown event" in problems["notifications.phase_start"]
        or "未知" in problems["notifications.phase_start"]
    )
    assert "notifications.item_due" in problems


def _user(name):
    from tests.conftest import make_user

    return make_user(name)


def test_comments_waiting_once_a_day_to_the_items_admins(personas, windows, campaign):
    from vanguard.rectification.models import PublicComment, RectificationItem

    item = RectificationItem.objects.create(
        campaign=campaign,
        enrollment=windows,
        organization=windows.organization,
        level="organization",
        problem="家长会太少",
    )
    PublicComment.objects.create(item=item, text="还是太少", posted_on=date(2024, 10, 1))
    PublicComment.objects.create(item=item, text="同意", posted_on=date(2024, 10, 1))
    run_on(date(2024, 10, 2))
    run_on(date(2024, 10, 2))
    [notification] = Notification.objects.filter(event="comments_waiting")
    assert notification.recipient == personas["alice"] and "2" in notification.title
    run_on(date(2024, 10, 3))  # still waiting the next day: told again, once
    assert notified("comments_waiting") == ["alice", "alice"]


@pytest.fixture
def suggestion(personas, windows, tree):
    from vanguard.accounts.models import Role, RoleGrant
    from vanguard.oversight.models import LiaisonAssignment, Suggestion, SupervisionVisit

    batch = windows.batch
    grant = RoleGrant.objects.get(user=personas["liaison"], role=Role.LIAISON)
    assignment = LiaisonAssignment.objects.create(
        batch=batch,
        officer=personas["liaison"],
        organization=tree["A"],
        grant=grant,
        dispatched_on=batch.starts_on,
    )
    visit = SupervisionVisit.objects.create(
        assignment=assignment,
        organization=tree["A"],
        visited_on=date(2024, 7, 5),
        checked="学习笔记",
        findings="部分党员笔记不全",
    )
    return Suggestion.objects.create(
        visit=visit, text="补齐学习笔记", answer_due_on=date(2024, 7, 19)
    )


def test_visit_recorded_told_to_the_units_admins(personas, suggestion):
    run_on(date(2024, 7, 4))
    assert notified("visit_recorded") == []  # not visited yet on that day
    run_on(date(2024, 7, 5))
    run_on(date(2024, 7, 6))
    assert notified("visit_recorded") == ["alice"]


def test_suggestion_due_and_overdue(personas, suggestion):
    run_on(date(2024, 7, 16))  # three days before 07-19
    assert notified("suggestion_due") == ["alice"]
    run_on(date(2024, 7, 19))
    assert notified("suggestion_overdue") == []
    run_on(date(2024, 7, 20))
    run_on(date(2024, 7, 21))
    assert notified("suggestion_overdue") == ["alice"]


def test_an_answer_awaits_the_officers_acceptance(personas, suggestion):
    suggestion.status = "answered"
    suggestion.answer = "已补齐"
    suggestion.answered_on = date(2024, 7, 10)
    suggestion.save()
    run_on(date(2024, 7, 9))
    assert notified("answer_to_accept") == []
    run_on(date(2024, 7, 10))
    run_on(date(2024, 7, 11))
    assert notified("answer_to_accept") == ["liaison"]
