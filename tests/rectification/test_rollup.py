"""Roll-up of progress (the rule of `vanguard.rectification.rollup`) at its boundaries:
no items, all done, a weighted mix, Decidim's two cases; and the database's sums agree."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.rectification.conftest import unit_item
from vanguard.rectification import rollup, stats
from vanguard.rectification.models import RectificationItem, Status


def test_no_items_has_no_progress():
    assert rollup.weighted_progress([]) is None
    assert rollup.overall_progress([]) is None
    assert rollup.overall_progress([None, None]) is None


def test_all_done_is_100():
    assert rollup.weighted_progress([(100, 1), (100, 3), (100, Decimal("0.5"))]) == 100


def test_nothing_started_is_0():
    assert rollup.weighted_progress([(0, 1), (0, 2)]) == 0


def test_a_weighted_mix():
    # a heavy item done, a light one not started: (100×3 + 0×1) / 4
    assert rollup.weighted_progress([(100, 3), (0, 1)]) == 75


def test_equal_weights_give_the_plain_average_as_decidim_without_weights():
    assert rollup.weighted_progress([(20, 1), (60, 1), (100, 1)]) == 60


def test_weights_adding_up_to_1_give_decidims_weighted_sum():
    pairs = [(50, Decimal("0.2")), (100, Decimal("0.8"))]
    assert rollup.weighted_progress(pairs) == pytest.approx(sum(p * float(w) for p, w in pairs))


def test_the_campaign_is_the_mean_of_its_lists_leaving_out_empty_ones():
    # a large unit at 100 does not outweigh a small one at 0
    assert rollup.overall_progress([100.0, 0.0, None]) == 50


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=100),
            st.decimals(min_value="0.01", max_value="999", places=2),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_roll_up_lies_between_its_items(pairs):
    result = rollup.weighted_progress(pairs)
    low, high = min(p for p, _w in pairs), max(p for p, _w in pairs)
    assert low - 1e-9 <= result <= high + 1e-9


def test_the_database_sums_agree_with_the_rule(campaign, enrollments, tree, items):
    # given A's items at several progresses and weights
    extra = [(0, "2"), (45, "0.5"), (100, "1.25")]
    for progress, weight in extra:
        item = unit_item(campaign, tree["A"], weight=Decimal(weight))
        status = Status.DONE if progress == 100 else Status.IN_PROGRESS
        RectificationItem.objects.filter(pk=item.pk).update(progress=progress, status=status)
    unit = RectificationItem.objects.filter(enrollment=enrollments["A"])

    # when the figures are computed in the database
    summary = stats.summarize(unit, date(2024, 10, 1))[enrollments["A"].pk]

    # then they equal the pure function over the same items
    expected = rollup.weighted_progress(unit.values_list("progress", "weight"))
    assert summary.progress == pytest.approx(expected)
    assert summary.items == 6


def test_summaries_count_overdue_published_and_the_publics_problems(campaign, items, tree):
    a = items["A"]
    RectificationItem.objects.filter(pk=a.pk).update(
        deadline=date(2024, 9, 1), from_public=True, explanation="待预算"
    )
    RectificationItem.objects.filter(pk=items["A1"].pk).update(
        from_public=True, status=Status.VERIFIED, progress=100, deadline=date(2024, 9, 1)
    )
    summary = stats.summarize(
        RectificationItem.objects.filter(enrollment=a.enrollment), date(2024, 10, 1)
    )[a.enrollment_id]
    assert (summary.overdue, summary.overdue_explained) == (1, 1)  # the verified one is solved
    assert (summary.public_raised, summary.public_solved, summary.public_share) == (2, 1, 0.5)
    assert summary.count(Status.VERIFIED) == 1


def test_a_deadline_of_today_is_not_overdue(campaign, items):
    RectificationItem.objects.filter(pk=items["A"].pk).update(deadline=date(2024, 10, 1))
    summary = stats.summarize(
        RectificationItem.objects.filter(pk=items["A"].pk), date(2024, 10, 1)
    )[items["A"].enrollment_id]
    assert summary.overdue == 0


def test_totals_take_the_mean_of_lists(campaign, items):
    RectificationItem.objects.filter(pk=items["bureau"].pk).update(status=Status.DONE, progress=100)
    summaries = stats.summarize(RectificationItem.objects.all(), date(2024, 10, 1))
    totals = stats.total(summaries.values())
    # lists: A (0), B (0), the bureau (100)
    assert totals.lists == 3
    assert totals.progress == pytest.approx(100 / 3)
    assert totals.items == 5
