"""Asserting what a write throws away: `only_unit_moves(a, b)` around the write checks
that it moved unit `a`'s revision and neither `b`'s nor the global one (which would make
every unit's figures stale)."""

from contextlib import contextmanager

from vanguard.campaigns import revision


@contextmanager
def only_unit_moves(moved, kept):
    everything = revision.global_revision()
    before = revision.unit_revisions([moved.pk, kept.pk])
    yield
    after = revision.unit_revisions([moved.pk, kept.pk])
    assert revision.global_revision() == everything, "the write moved the global revision"
    assert after[moved.pk] > before[moved.pk], "the unit written to kept its revision"
    assert after[kept.pk] == before[kept.pk], "another unit's revision moved"
