"""The notice's phase-plan rules (R5) at their boundaries."""

from datetime import date, timedelta

import pytest

from vanguard.campaigns.plan_checks import inclusive_days, phase_plan_problems
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.campaigns.verdicts import Severity

RULES = load_template(shipped_template_path("xianjinxing-2024"))
BATCH = {"batch_start": date(2024, 7, 1), "batch_end": date(2024, 12, 31)}


def plan(start: date, study: int = 45, analysis: int = 30, rectification: int = 30, gap: int = 0):
    """Three consecutive windows of the given lengths (both ends counted)."""
    windows, cursor = {}, start
    for code, days in (("study", study), ("analysis", analysis), ("rectification", rectification)):
        windows[code] = (cursor, cursor + timedelta(days=days - 1))
        cursor += timedelta(days=days + gap)
    return windows


def levels(problems):
    return sorted(p.level for p in problems)


def test_inclusive_days_counts_both_ends():
    assert inclusive_days(date(2024, 1, 1), date(2024, 1, 1)) == 1
    assert inclusive_days(date(2024, 1, 1), date(2024, 3, 30)) == 90


def test_a_plan_by_the_notice_has_no_problem():
    assert phase_plan_problems(plan(date(2024, 7, 1)), rules=RULES, **BATCH) == []


@pytest.mark.parametrize(
    ("rectification_days", "failing"),
    # 45 + 30 + 16 = 91 days, 07-01 → 09-29: not three months; 92 days, → 09-30: three
    # months. The notice says 3个月, calendar months ("3 months" in the template).
    [(14, True), (15, True), (16, True), (17, False)],
)
def test_concentrated_period_boundary_in_calendar_months(rectification_days, failing):
    # given a plan whose last phase ends on 09-27 … 09-30
    windows = plan(date(2024, 7, 1), rectification=rectification_days)

    # when
    problems = phase_plan_problems(windows, rules=RULES, **BATCH)

    # then
    too_short = [p for p in problems if p.kind == "too_short"]
    assert bool(too_short) is failing
    if failing:
        assert "3" in too_short[0].message and "2024" in too_short[0].message


def test_until_the_thirtieth_of_september_passes():
    windows = plan(date(2024, 7, 1), rectification=17)
    assert windows["rectification"][1] == date(2024, 9, 30)
    assert not [p for p in phase_plan_problems(windows, rules=RULES, **BATCH) if p.level]


def test_overlapping_phases_are_failing_and_block_saving():
    windows = plan(date(2024, 7, 1))
    _start, study_end = windows["study"]
    windows["analysis"] = (study_end, windows["analysis"][1])  # starts on study's last day

    problems = phase_plan_problems(windows, rules=RULES, **BATCH)

    assert [p.phase_code for p in problems if p.blocking] == ["analysis"]
    assert Severity.FAILING in levels(problems)


def test_phases_out_of_order_are_blocking():
    windows = plan(date(2024, 7, 1))
    windows["study"], windows["rectification"] = windows["rectification"], windows["study"]
    assert any(p.blocking for p in phase_plan_problems(windows, rules=RULES, **BATCH))


def test_next_phase_starting_the_day_after_is_fine():
    windows = plan(date(2024, 7, 1), gap=0)
    assert windows["analysis"][0] == windows["study"][1] + timedelta(days=1)
    assert not any(p.blocking for p in phase_plan_problems(windows, rules=RULES, **BATCH))


def test_end_before_start_is_blocking():
    windows = plan(date(2024, 7, 1))
    windows["analysis"] = (date(2024, 9, 1), date(2024, 8, 20))
    problems = phase_plan_problems(windows, rules=RULES, **BATCH)
    assert [p.phase_code for p in problems if p.blocking] == ["analysis"]


@pytest.mark.parametrize(
    ("start", "outside"),
    [
        (date(2024, 6, 30), True),  # a day before the batch
        (date(2024, 7, 1), False),  # on its first day
        (date(2024, 9, 18), False),  # 105 days ending on 2024-12-31, its last day
        (date(2024, 9, 19), True),  # one day past it
    ],
)
def test_phase_outside_its_batch_is_failing(start, outside):
    problems = phase_plan_problems(plan(start), rules=RULES, **BATCH)
    outside_batch = [p for p in problems if p.kind == "outside_batch"]
    assert bool(outside_batch) is outside
    assert all(not p.blocking for p in outside_batch)


def test_missing_phase_is_failing_but_not_blocking():
    windows = plan(date(2024, 7, 1))
    del windows["rectification"]
    problems = phase_plan_problems(windows, rules=RULES, **BATCH)
    assert Severity.FAILING in levels(problems)
    assert not any(p.blocking for p in problems)


def test_no_plan_at_all_is_one_failing_problem():
    problems = phase_plan_problems({}, rules=RULES, **BATCH)
    assert len(problems) == 1 and problems[0].level == Severity.FAILING


@pytest.mark.parametrize(
    ("study_days", "warned"), [(22, True), (23, False), (67, False), (68, True)]
)
def test_phase_length_far_from_nominal_warns(study_days, warned):
    # 45 days nominal, tolerance 0.5: 22.5 … 67.5 days earn no warning
    windows = plan(date(2024, 7, 1), study=study_days, rectification=60)
    problems = phase_plan_problems(windows, rules=RULES, **BATCH)
    study_warnings = [p for p in problems if p.phase_code == "study" and p.kind == "length"]
    assert bool(study_warnings) is warned


def test_thresholds_follow_a_category_variant():
    data = RULES.to_dict()
    data["thresholds"]["variants"] = [
        {"match": {"category": "school"}, "min_concentrated_days": 120}
    ]
    rules = type(RULES).from_dict(data)
    windows = plan(date(2024, 7, 1))  # 105 days

    assert not phase_plan_problems(windows, rules=rules, category="organ", **BATCH)
    assert phase_plan_problems(windows, rules=rules, category="school", **BATCH)
