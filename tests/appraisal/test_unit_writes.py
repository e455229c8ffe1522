"""Setting up a round and counting its ballots write in bulk: those writes are put down to
the round's unit (`revision.attributed_to`), so that they leave the other units' figures
and the campaign-wide ones in place."""

import pytest

from tests.appraisal.conftest import ballot_for, close_now, count_now, open_window
from tests.campaigns.revisions import only_unit_moves
from vanguard.appraisal import services

pytestmark = pytest.mark.django_db


def test_a_round_set_up_moves_its_units_revision_only(enrollments, tree, members, personas):
    with only_unit_moves(enrollments["A"], enrollments["B"]):
        services.open_round(
            enrollments["A"],
            organization=tree["A"],
            title="评议",
            user=personas["alice"],
            **open_window(),
            acting=None,
        )


def test_the_count_moves_its_units_revision_only(enrollments, open_round, members):
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    close_now(open_round, count=False)
    with only_unit_moves(enrollments["A"], enrollments["B"]):
        counted = count_now(open_round)
    assert counted.counted_at is not None
