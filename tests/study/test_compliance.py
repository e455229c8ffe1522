"""The study module's verdicts: sessions, hours, 参学率, 五个一 and 两本一册."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_member
from vanguard.campaigns import compliance
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization
from vanguard.study import services
from vanguard.study.services import Mark

AFTER_STUDY = date(2024, 8, 20)  # unit A's study phase ended on 14 August
AFTER_ALL = date(2024, 10, 20)  # and its last phase on 13 October
DURING = date(2024, 7, 20)


def findings(enrollment, code, today):
    report = compliance.evaluate(enrollment.campaign, today=today)
    verdict = next(v for v in report.verdicts if v.code == code)
    return [(f.level, f.message) for f in verdict.for_enrollment(enrollment.pk)]


def test_no_session_in_an_ended_study_phase_fails(planned):
    assert findings(planned["A"], "study.sessions", DURING) == []
    [(level, message)] = findings(planned["A"], "study.sessions", AFTER_STUDY)
    assert level == Severity.FAILING and "No study session" in message


def test_sessions_outside_the_phase_and_without_roll_are_warned(planned, make_session):
    make_session(day=date(2024, 9, 1))
    levels = findings(planned["A"], "study.sessions", date(2024, 9, 2))
    assert [level for level, _ in levels] == [Severity.WARNING, Severity.WARNING]
    assert "outside the study phase" in levels[0][1] and "no roll-call" in levels[1][1]


def test_members_short_of_hours_fail_once_the_phase_ended(planned, make_session, a_members):
    session = make_session(hours="2.0")
    services.save_roll(session, {m.pk: Mark("present") for m in a_members}, user=None, acting=None)

    assert findings(planned["A"], "study.hours", DURING) == []
    [(level, message)] = findings(planned["A"], "study.hours", AFTER_STUDY)
    assert level == Severity.FAILING
    assert "3 of 3 members" in message and "114" in message  # 3 × 38 hours missing
    report = compliance.evaluate(planned["A"].campaign, today=AFTER_STUDY)
    [finding] = next(v for v in report.verdicts if v.code == "study.hours").for_enrollment(
        planned["A"].pk
    )
    assert any("鲍勃" in name and "38" in name for name in finding.members)


def test_low_participation_is_warned_then_fails(planned, make_session, a_members):
    bob, one, two = a_members
    services.save_roll(
        make_session(),
        {bob.pk: Mark("present"), one.pk: Mark("absent"), two.pk: Mark("leave", "病")},
        user=None,
        acting=None,
    )
    [(during, message)] = findings(planned["A"], "study.participation", DURING)
    assert during == Severity.WARNING and "33.3%" in message
    [(after, _message)] = findings(planned["A"], "study.participation", AFTER_STUDY)
    assert after == Severity.FAILING


def test_full_participation_passes(planned, make_session, a_members):
    services.save_roll(
        make_session(), {m.pk: Mark("late") for m in a_members}, user=None, acting=None
    )
    assert findings(planned["A"], "study.participation", AFTER_STUDY) == []


def test_five_ones_unfinished_after_the_concentrated_period_fail(planned, a_members):
    campaign = planned["A"].campaign
    for member in a_members[:2]:
        for item in campaign.rules.five_ones:
            services.mark_five_one(
                campaign, member, item.code, done_on=date(2024, 7, 1), partner="某人", acting=None
            )
    assert findings(planned["A"], "study.five_ones", AFTER_STUDY) == []
    [(level, message)] = findings(planned["A"], "study.five_ones", AFTER_ALL)
    assert level == Severity.FAILING and message.startswith("1 of 3")


def test_sessions_without_a_log_fail_and_missing_records_are_warned(planned, make_session):
    first, _second = make_session(day=date(2024, 7, 1)), make_session(day=date(2024, 7, 2))
    [(level, message)] = findings(planned["A"], "study.two_books", DURING)
    assert level == Severity.FAILING and "log is empty" in message

    services.save_log(first, content="记录", acting=None)
    [(level, message)] = findings(planned["A"], "study.two_books", DURING)
    assert level == Severity.WARNING and message.startswith("1 held session")


def test_leader_cadres_without_notes_are_warned(planned, a_members):
    leader = a_members[1]
    leader.is_leader_cadre = True
    leader.save()
    assert findings(planned["A"], "study.two_books", DURING) == []
    [(level, message)] = findings(planned["A"], "study.two_books", AFTER_STUDY)
    assert level == Severity.WARNING and "leader cadres have no study notes" in message


def test_study_rules_do_not_grow_with_units(planned, make_session, tree, batches):
    def run():
        with CaptureQueriesContext(connection) as captured:
            compliance.evaluate(planned["A"].campaign, today=AFTER_ALL)
        return len(captured)

    def add(prefix, count):
        for index in range(count):
            unit = Organization.objects.add_child(
                tree["root"], dict(code=f"{prefix}{index}", name=f"{prefix}{index}", kind="branch")
            )
            member = make_member(unit, f"{prefix}{index}-1", "成员", is_leader_cadre=True)
            enrollment = campaign_services.enroll(batches[0], unit)
            campaign_services.save_phase_plan(
                enrollment,
                {
                    "study": (date(2024, 1, 1), date(2024, 2, 14)),
                    "analysis": (date(2024, 2, 15), date(2024, 3, 15)),
                    "rectification": (date(2024, 3, 16), date(2024, 4, 14)),
                },
                acting=None,
            )
            session = make_session(enrollment, day=date(2024, 1, 10))
            services.save_roll(session, {member.pk: Mark("absent")}, user=None, acting=None)

    add("X", 2)
    few = run()
    add("Y", 6)
    assert run() == few


def _finding(enrollment, code, today, level):
    report = compliance.evaluate(enrollment.campaign, today=today)
    verdict = next(v for v in report.verdicts if v.code == code)
    found = verdict.for_enrollment(enrollment.pk) if level > Severity.OK else verdict.evidence
    (finding,) = [f for f in found if f.enrollment_id == enrollment.pk and f.level == level]
    return finding


def test_five_ones_count_the_members_done_and_link_the_units_page(planned, a_members):
    from django.urls import reverse

    a = planned["A"]
    campaign = a.campaign
    for member in a_members[:2]:
        for item in campaign.rules.five_ones:
            services.mark_five_one(
                campaign, member, item.code, done_on=date(2024, 7, 1), partner="某人", acting=None
            )
    failing = _finding(a, "study.five_ones", AFTER_ALL, Severity.FAILING)
    assert failing.counted in ("all five done 2 / 3", "五个一全部完成 2 / 3")
    page = reverse("study:unit-five-ones", args=[campaign.pk, a.pk])
    assert page in dict(failing.links).values()
    for item in campaign.rules.five_ones:
        services.mark_five_one(
            campaign, a_members[2], item.code, done_on=date(2024, 7, 1), partner="某", acting=None
        )
    green = _finding(a, "study.five_ones", AFTER_ALL, Severity.OK)
    assert green.counted in ("all five done 3 / 3", "五个一全部完成 3 / 3")


def test_the_log_counts_the_sessions_logged(planned, make_session):
    from django.urls import reverse

    a = planned["A"]
    first, second = make_session(day=date(2024, 7, 1)), make_session(day=date(2024, 7, 2))
    services.save_log(first, content="记录", acting=None)
    warning = _finding(a, "study.two_books", DURING, Severity.WARNING)
    assert warning.counted in ("logged 1 / 2", "已记录 1 / 2")
    assert reverse("study:log", args=[a.campaign_id, a.pk]) in dict(warning.links).values()
    services.save_log(second, content="记录", acting=None)
    green = _finding(a, "study.two_books", DURING, Severity.OK)
    assert green.counted in ("logged 2 / 2", "已记录 2 / 2")
