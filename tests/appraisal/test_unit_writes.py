"""Setting up a round and counting its ballots write in bulk: those writes are put down to
the round's unit (`revision.attributed_to`), so that they leave the other units' figures
and the campaign-wide ones in place."""

import pytest

from tests.appraisal.conftest import ballot_for, close_now, count_now, open_window
from vanguard.appraisal import services
from vanguard.campaigns import revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def revisions(enrollments):
    a, b = enrollments["A"], enrollments["B"]

    def read():
        return revision.global_revision(), revision.unit_revisions([a.pk, b.pk])

    return a, b, read


def assert_only_a_moved(before, after, a, b):
    (everything, units), (everything_now, moved) = before, after
    assert everything_now == everything
    assert moved[a.pk] > units[a.pk] and moved[b.pk] == units[b.pk]


def test_a_round_set_up_moves_its_units_revision_only(revisions, tree, members, personas):
    a, b, read = revisions
    before = read()
    services.open_round(
        a,
        organization=tree["A"],
        title="评议",
        user=personas["alice"],
        **open_window(),
        acting=None,
    )
    assert_only_a_moved(before, read(), a, b)


def test_the_count_moves_its_units_revision_only(revisions, open_round, members):
    a, b, read = revisions
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    close_now(open_round, count=False)
    before = read()
    counted = count_now(open_round)
    assert counted.counted_at is not None
    assert_only_a_moved(before, read(), a, b)
