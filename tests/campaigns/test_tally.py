"""Pages over a whole campaign count its verdicts from the units' summaries
(`figures.campaign_tally`) and read the findings of the units they list alone: what they
show equals the full report put together from every unit's findings."""

import pytest

from tests.campaigns.test_views import _add_units
from vanguard.campaigns import figures
from vanguard.campaigns.verdicts import Severity
from vanguard.campaigns.views.campaign import EVIDENCE_SHOWN, overview_figures

pytestmark = pytest.mark.django_db

UNITS = 25


@pytest.fixture
def many_units(tree, batches, enrollments):
    # Every phase's steps but the first undone: several plan.steps findings per unit.
    _add_units(tree, batches[1], "M", UNITS, members_each=1)
    return enrollments


@pytest.mark.parametrize(
    ("sizes", "window", "chosen"),
    [
        ([(None, 0), (1, 3), (2, 0), (3, 5)], slice(0, 0), []),
        ([(None, 0), (1, 3), (2, 0), (3, 5)], slice(0, 2), [(1, slice(0, 2))]),
        ([(None, 0), (1, 3), (2, 0), (3, 5)], slice(2, 4), [(1, slice(2, 4)), (3, slice(0, 1))]),
        ([(None, 0), (1, 3), (2, 0), (3, 5)], slice(3, 8), [(3, slice(0, 5))]),
        ([(None, 2), (1, 3)], slice(0, None), [(None, slice(0, None)), (1, slice(0, None))]),
        ([(None, 2), (1, 3)], slice(5, 10), []),  # past the last item
    ],
)
def test_a_window_picks_the_keys_and_the_items_it_covers(sizes, window, chosen):
    assert figures.in_window(sizes, window) == chosen
    items = [(key, n) for key, size in sizes for n in range(size)]
    picked = [(key, n) for key, part in chosen for n in list(range(dict(sizes)[key]))[part]]
    assert picked == items[window]


WINDOWS = [slice(0, 0), slice(0, 10), slice(7, 31), slice(30, 130), slice(0, None)]


def test_the_tally_lists_what_the_full_report_lists(many_units):
    campaign = many_units["A"].campaign
    full = figures.campaign_report(campaign)
    tally = figures.campaign_tally(campaign)
    for window in WINDOWS:
        counted = tally.verdicts(window)
        assert [v.code for v in counted] == [v.code for v in full.verdicts]
        for whole, tallied in zip(full.verdicts, counted, strict=True):
            assert tallied.level == whole.level, whole.code
            assert (tallied.count, tallied.evidence_count) == (
                len(whole.findings),
                len(whole.evidence),
            )
            assert tallied.counts() == whole.counts()
            assert tallied.findings == whole.findings[window], (whole.code, window)
            assert tallied.evidence == whole.evidence[window], (whole.code, window)
    # the window is not empty for nothing: some verdict lists many findings
    assert max(len(v.findings) for v in full.verdicts) > 31


def test_unit_levels_and_numbers_come_from_the_summaries(many_units):
    campaign = many_units["A"].campaign
    full = figures.campaign_report(campaign)
    tally = figures.campaign_tally(campaign)
    levels = {pk: summary.level for pk, summary in tally.summaries.items()}
    assert levels == {pk: full.unit_levels[pk] for pk in levels}
    assert Severity.FAILING in levels.values()
    for pk, summary in tally.summaries.items():
        assert summary.numbers == full.units[pk].numbers
        assert summary.bars == full.units[pk].bars


def test_the_overview_reads_the_findings_of_the_units_it_lists_alone(many_units, monkeypatch):
    campaign = many_units["A"].campaign
    full = figures.campaign_report(campaign)  # every unit's figures computed and stored
    listed = {
        f.enrollment_id
        for v in full.verdicts
        for f in [*v.findings[:EVIDENCE_SHOWN], *v.evidence[:EVIDENCE_SHOWN]]
        if f.enrollment_id is not None
    }
    every = set(full.units)
    assert listed < every  # the test means something: some units are not listed

    read = []
    real = figures.stored_units

    def recording(enrollments, campaign):
        enrollments = list(enrollments)
        read.extend(e.pk for e in enrollments)
        return real(enrollments, campaign)

    monkeypatch.setattr(figures, "stored_units", recording)
    figures._memo.clear()  # nothing remembered in this process: what is read is read
    figures._summaries.clear()
    shown = overview_figures(campaign, None)
    assert set(read) == listed
    rows = {row["enrollment"].pk: row for group in shown["batches"] for row in group["rows"]}
    assert set(rows) == every
    for pk, row in rows.items():
        assert row["level"] == full.unit_levels[pk]
        assert (row["failing"], row["warning"]) == (
            sum(v.counts(pk)[0] for v in full.verdicts),
            sum(v.counts(pk)[1] for v in full.verdicts),
        )
