"""Figures people can trust (issue 16): each unit row of the overview counts its failing and
warning findings and sorts by them, worst first; a unit whose phase has started but where
nothing is recorded is 未开展, not passing; every finding states its rule, the template's
threshold (with the variant that applied), the notice's clause and links to its records;
green verdicts show what they counted."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_member
from vanguard.campaigns import compliance, figures, services
from vanguard.campaigns.models import Campaign, StepStatus
from vanguard.campaigns.verdicts import Severity
from vanguard.orgs.models import Organization, OrgKind
from vanguard.study.models import StudySession
from vanguard.study.services import Mark, save_roll

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}
DURING_STUDY = date(2024, 7, 20)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def verdict(report, code):
    return next(v for v in report.verdicts if v.code == code)


def session(enrollment, day, hours="2.0"):
    from datetime import time

    return StudySession.objects.create(
        enrollment=enrollment,
        organization=enrollment.organization,
        kind="concentrated_study",
        topic="学习党章",
        date=day,
        starts_at=time(14),
        ends_at=time(17),
        hours=Decimal(hours),
    )


# -- 未开展 -----------------------------------------------------------------------------------


def test_a_started_unit_with_nothing_recorded_is_not_under_way(enrollments, personas):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    before = compliance.evaluate_unit(enrollment, today=date(2024, 6, 30))
    assert verdict(before, "plan.started").findings == []  # not started yet: nothing owed

    started = compliance.evaluate_unit(enrollment, today=date(2024, 7, 1))  # its first day
    (finding,) = verdict(started, "plan.started").findings
    assert finding.level == Severity.FAILING and "Not under way" in finding.message
    assert finding.notice_ref == "五.1"  # the study phase's clause in the template

    session(enrollment, date(2024, 7, 2))  # anything recorded: under way
    after = compliance.evaluate_unit(enrollment, today=date(2024, 7, 3))
    assert verdict(after, "plan.started").findings == []


def test_a_step_recorded_is_enough_to_be_under_way(enrollments):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    services.record_step(enrollment, "make_plan", status=StepStatus.DONE, acting=None)
    report = compliance.evaluate_unit(enrollment, today=DURING_STUDY)
    assert verdict(report, "plan.started").findings == []


# -- the overview -------------------------------------------------------------------------


def test_overview_rows_count_findings_and_sort_worst_first(login, personas, enrollments):
    a = enrollments["A"]
    services.save_phase_plan(a, PLAN, acting=None)  # A planned, B not: B is worse
    body = login(personas["office"]).get(reverse("campaigns:overview", args=[a.campaign_id]))
    page = body.content.decode()
    rows = [part.split(">")[0] for part in page.split("<tr data-unit=")[1:]]
    counts = {}
    for row in rows:
        unit = int(row.split('"')[1])
        failing = int(row.split('data-failing="')[1].split('"')[0])
        warning = int(row.split('data-warning="')[1].split('"')[0])
        counts[unit] = (failing, warning)
    report = figures.campaign_report(Campaign.objects.get(pk=a.campaign_id))
    for unit, (failing, warning) in counts.items():
        assert (failing, warning) == tuple(
            map(sum, zip(*(v.counts(unit) for v in report.verdicts), strict=True))
        )
    # A and B are in different batches: within each batch the worst comes first
    batch_rows = figures.enrollments_in(Campaign.objects.get(pk=a.campaign_id))
    assert {e.pk for e in batch_rows} == set(counts)


def test_overview_sorts_units_within_a_batch(login, personas, tree, batches):
    planned = _unit(tree, batches[1], "W")  # planned in 2024: every step is overdue now
    services.save_phase_plan(planned, PLAN, acting=None)
    _unit(tree, batches[1], "V")  # not planned: fewer findings
    done = _unit(tree, batches[1], "U")
    services.save_phase_plan(done, PLAN, acting=None)
    services.record_step(done, "make_plan", status=StepStatus.DONE, acting=None)
    page = login(personas["office"]).get(reverse("campaigns:overview", args=[planned.campaign_id]))
    batch = page.content.decode().split(f"{batches[1].title} <small")[1]
    rows = [
        (
            int(r.split('data-failing="')[1].split('"')[0]),
            int(r.split('data-warning="')[1].split('"')[0]),
        )
        for r in batch.split("<tr data-unit=")[1:]
    ]
    assert len(rows) >= 3 and len(set(rows)) > 1
    assert rows == sorted(rows, reverse=True)  # worst first


def test_overview_says_not_under_way(login, personas, tree, batches):
    idle = _unit(tree, batches[1], "I")
    services.save_phase_plan(idle, PLAN, acting=None)
    with translation.override("zh-hans"):
        page = login(personas["office"]).get(reverse("campaigns:overview", args=[idle.campaign_id]))
    row = page.content.decode().split(f'data-unit="{idle.pk}"')[1].split("</tr>")[0]
    assert "未开展" in row and "not-started" in row


def _unit(tree, batch, code):
    org = Organization.objects.add_child(
        tree["root"], dict(code=code, name=f"单位{code}", kind=OrgKind.BRANCH)
    )
    make_member(org, f"{code}-1", f"党员{code}")
    return services.enroll(batch, org)


def test_overview_queries_stay_constant_with_findings(login, personas, tree, batches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas["office"])
    url = reverse("campaigns:overview", args=[batches[0].campaign_id])

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(2):
        services.save_phase_plan(_unit(tree, batches[1], f"X{n}"), PLAN, acting=None)
    few = count()
    for n in range(8):
        services.save_phase_plan(_unit(tree, batches[1], f"Y{n}"), PLAN, acting=None)
    assert count() == few


# -- what each finding states -------------------------------------------------------------


def test_a_finding_states_rule_threshold_variant_notice_and_records(enrollments, personas):
    enrollment = enrollments["A"]  # a school
    campaign = enrollment.campaign
    data = campaign.template_data
    data["thresholds"]["variants"] = [{"match": {"category": "school"}, "min_study_hours": 48}]
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    campaign = Campaign.objects.get(pk=campaign.pk)
    enrollment.campaign = campaign
    services.save_phase_plan(enrollment, PLAN, acting=None)
    bob = personas["bob"].member
    save_roll(
        session(enrollment, date(2024, 7, 2)),
        {bob.pk: Mark("present")},
        user=personas["office"],
        acting=None,
    )

    report = compliance.evaluate_unit(enrollment, today=date(2024, 9, 1))  # study ended
    hours = verdict(report, "study.hours")
    (finding,) = hours.findings
    assert "= 48" in finding.threshold and "school" in finding.threshold  # the variant
    assert hours.notice_ref.startswith("五.1(4)")  # the template's [notice_refs]
    assert any("thresholds.min_study_hours" in t for t in hours.thresholds)
    urls = [url for _label, url in finding.links]
    assert reverse("study:unit-hours", args=[campaign.pk, enrollment.pk]) in urls
    assert reverse("campaigns:unit", args=[campaign.pk, enrollment.pk]) in urls

    steps = verdict(report, "plan.steps")
    assert all(f.notice_ref.startswith("五.") for f in steps.findings)  # each step's clause


def test_green_verdicts_show_what_they_counted(enrollments, personas, tree):
    enrollment = enrollments["B"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    members = [personas["bob"].member.__class__.objects.get(code="B-001")]
    members.append(make_member(tree["B"], "B-002", "乙二"))
    for day, hours in ((date(2024, 7, 2), "20.0"), (date(2024, 7, 9), "21.5")):
        roll = {m.pk: Mark("present") for m in members}
        save_roll(session(enrollment, day, hours), roll, user=personas["office"], acting=None)

    report = compliance.evaluate_unit(enrollment, today=date(2024, 9, 1))
    hours = verdict(report, "study.hours")
    assert hours.level == Severity.OK and hours.findings == []
    (counted,) = hours.evidence
    assert counted.message == "2 members, 41.5 hours on average; none short"
    stored = verdict(report, "study.stored_hours")
    assert stored.level == Severity.OK
    assert stored.evidence[0].message == "2 members' stored hours equal their marks"


def test_the_unit_page_shows_the_basis_and_the_count(login, personas, enrollments):
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    url = reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk])
    page = login(personas["alice"]).get(url).content.decode()
    assert 'class="text-muted small rule-basis" data-rule="study.hours"' in page
    assert "五.1(4)三" in page  # the notice's clause of the hours rule
    assert "thresholds.min_study_hours" in page
