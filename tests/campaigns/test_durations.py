"""Durations as the notice says them (issue 16): "3 months" in calendar months or
"90 days", with the older `min_concentrated_days` still read from stored snapshots."""

from datetime import date

import pytest
from django.utils import translation

from vanguard.campaigns.plan_checks import phase_plan_problems
from vanguard.campaigns.template import (
    CampaignTemplate,
    Duration,
    TemplateError,
    load_template,
    shipped_template_path,
)

SHIPPED = load_template(shipped_template_path("xianjinxing-2024"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 months", Duration(3, "months")),
        ("1 month", Duration(1, "months")),
        ("90 days", Duration(90, "days")),
        ("75 days", Duration(75, "days")),
        ("1 day", Duration(1, "days")),
        (" 3  months ", Duration(3, "months")),
        ("3个月", Duration(3, "months")),
        ("75天", Duration(75, "days")),
        (90, Duration(90, "days")),  # the older min_concentrated_days
    ],
)
def test_durations_parse(text, expected):
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("text", ["3", "three months", "0 days", "-1 days", "3 weeks", "", 0, 1.5])
def test_what_is_not_a_duration(text):
    assert Duration.parse(text) is None


@pytest.mark.parametrize(
    ("start", "end", "reached"),
    [
        (date(2024, 7, 1), date(2024, 9, 30), True),  # the boundary
        (date(2024, 7, 1), date(2024, 9, 29), False),
        (date(2024, 1, 1), date(2024, 3, 31), True),
        (date(2024, 1, 1), date(2024, 3, 30), False),
        (date(2024, 11, 15), date(2025, 2, 14), True),  # across the year
        (date(2024, 11, 15), date(2025, 2, 13), False),
        (date(2024, 11, 30), date(2025, 2, 28), True),  # no 30 February: the month's end
        (date(2024, 11, 30), date(2025, 2, 27), False),
    ],
)
def test_three_calendar_months(start, end, reached):
    assert Duration(3, "months").reached(start, end) is reached


def test_days_count_both_ends():
    assert Duration(90, "days").reached(date(2024, 7, 1), date(2024, 9, 28))
    assert not Duration(90, "days").reached(date(2024, 7, 1), date(2024, 9, 27))


def test_labels_are_chinese():
    with translation.override("zh-hans"):
        assert Duration(3, "months").label() == "3个月"
        assert Duration(75, "days").label() == "75天"


def with_thresholds(**values) -> dict:
    data = SHIPPED.to_dict()
    data["thresholds"] = {
        k: v for k, v in data["thresholds"].items() if k not in ("min_concentrated",)
    }
    data["thresholds"].update(values)
    return data


def test_an_old_snapshot_with_min_concentrated_days_still_loads():
    template = CampaignTemplate.from_dict(with_thresholds(min_concentrated_days=90))
    assert template.min_concentrated() == Duration(90, "days")
    windows = {
        "study": (date(2024, 7, 1), date(2024, 8, 14)),
        "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
        "rectification": (date(2024, 9, 14), date(2024, 9, 28)),  # 90 days
    }
    batch = {"batch_start": date(2024, 7, 1), "batch_end": date(2024, 12, 31)}
    problems = phase_plan_problems(windows, rules=template, **batch)
    assert not [p for p in problems if p.kind == "too_short"]
    problems = phase_plan_problems(windows, rules=SHIPPED, **batch)  # "3 months"
    assert [p for p in problems if p.kind == "too_short"]


def test_a_variant_may_say_it_either_way():
    data = with_thresholds(min_concentrated="3 months")
    data["thresholds"]["variants"] = [
        {"match": {"category": "school"}, "min_concentrated": "100 days"}
    ]
    template = CampaignTemplate.from_dict(data)
    assert template.min_concentrated(category="organ") == Duration(3, "months")
    assert template.min_concentrated(category="school") == Duration(100, "days")


def problems_of(data) -> dict[str, str]:
    with pytest.raises(TemplateError) as caught:
        CampaignTemplate.from_dict(data)
    return {p.key: p.message for p in caught.value.problems}


def test_a_duration_that_is_not_one_is_refused_with_its_key():
    found = problems_of(with_thresholds(min_concentrated="3 weeks"))
    assert "thresholds.min_concentrated" in found
    assert "3 months" in found["thresholds.min_concentrated"]


def test_the_minimum_is_required_and_said_once():
    assert "thresholds.min_concentrated" in problems_of(with_thresholds())
    found = problems_of(with_thresholds(min_concentrated="3 months", min_concentrated_days=90))
    assert "thresholds.min_concentrated_days" in found


def test_the_migration_keeps_old_xianjinxing_snapshots_words(campaign):
    """A campaign started from the 先进性 template before its words moved into the
    template gets them in its snapshot (campaigns.0005); its thresholds stay as stored."""
    from importlib import import_module

    from django.apps import apps

    from vanguard.campaigns.models import Campaign
    from vanguard.surveys.questions import questionnaire_for

    old = campaign.template_data
    old.pop("texts")
    old["satisfaction"].pop("questions")
    old["satisfaction"].pop("grades")
    old["thresholds"].pop("min_concentrated")
    old["thresholds"]["min_concentrated_days"] = 90
    Campaign.objects.filter(pk=campaign.pk).update(template_data=old)
    before = Campaign.objects.get(pk=campaign.pk)
    assert questionnaire_for(before.rules).questions == ()

    import_module("vanguard.campaigns.migrations.0005_xianjinxing_words_in_snapshot").add_words(
        apps, None
    )

    after = Campaign.objects.get(pk=campaign.pk)
    questionnaire = questionnaire_for(after.rules)
    assert len(questionnaire.questions) == 4 and questionnaire.grades[0].title == "好"
    assert "先进性" in questionnaire.prompt
    assert after.rules.min_concentrated() == Duration(90, "days")
