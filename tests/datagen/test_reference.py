"""The benchmark's reference SQL (`bench/reference.sql`) runs on both databases and
counts what the rules count: here the stored-hours check (`study.stored_hours`), which
the reference had left out, on a generated campaign before and after one member's stored
hours are made wrong."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bench import reference
from vanguard.campaigns import compliance
from vanguard.campaigns.models import Campaign
from vanguard.datagen.generate import generate_campaign
from vanguard.study.models import MemberHours

pytestmark = pytest.mark.django_db


def _mismatched_by_rule(campaign, today) -> dict[int, int]:
    verdict = compliance.evaluate(campaign, today=today, codes=["study.stored_hours"])
    return {f.enrollment_id: len(f.members) for f in verdict.verdicts[0].findings}


def test_the_reference_counts_stored_hours_that_differ_from_the_marks():
    generate_campaign("tiny", seed=5, code="ref-tiny", log=lambda *a: None)
    campaign = Campaign.objects.get(code="ref-tiny")
    today = timezone.localdate()
    rows = {row["enrollment"]: row for row in reference.reference_rows(campaign, today)}
    assert rows and all(row["hours_mismatched"] == 0 for row in rows.values())
    assert _mismatched_by_rule(campaign, today) == {}

    stored = MemberHours.objects.filter(campaign=campaign, hours__gt=0).first()
    MemberHours.objects.filter(pk=stored.pk).update(hours=stored.hours + Decimal("1.5"))

    rows = {row["enrollment"]: row for row in reference.reference_rows(campaign, today)}
    by_rule = _mismatched_by_rule(campaign, today)
    assert by_rule and sum(by_rule.values()) == 1
    (unit,) = by_rule
    assert rows[unit]["hours_mismatched"] == 1
    assert sum(row["hours_mismatched"] for row in rows.values()) == 1
