"""Double voting refused by the database when submissions race (PostgreSQL).

Each thread has its own connection, so the submissions really are concurrent
transactions; the roll's unique constraint is what lets exactly one through.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from tests.appraisal.conftest import ballot_for
from vanguard.appraisal import services
from vanguard.appraisal.models import SealedBallot, VoterRoll

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers (and the test database lives in one "
        "connection's memory): concurrent transactions need PostgreSQL",
    ),
]


def run_in_threads(target, count: int):
    """Start `count` threads at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            with translation.override("en"):  # the language is per thread
                results[index] = target(index)
        except Exception as error:  # collected for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_ballots_of_one_member_let_exactly_one_through(open_round, members):
    bob = members["bob"]
    grades = [ballot_for(open_round, grade) for grade in ("excellent", "qualified", "unqualified")]

    results = run_in_threads(
        lambda i: services.cast_ballot(open_round, grades[i % 3], member=bob, acting=None), 6
    )

    cast = [r for r in results if isinstance(r, services.Cast)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(cast) == 1 and len(refusals) == 5, results
    assert {" ".join(r.messages) for r in refusals} == {"You have already voted in this round."}
    assert SealedBallot.objects.count() == 1
    assert VoterRoll.objects.filter(member=bob).count() == 1


def test_concurrent_uses_of_one_code_let_exactly_one_through(open_round):
    [code] = services.issue_guest_codes(open_round, 1, acting=None)

    results = run_in_threads(
        lambda i: services.cast_ballot(open_round, ballot_for(open_round), code=code, acting=None),
        4,
    )

    assert sum(isinstance(r, services.Cast) for r in results) == 1, results
    assert SealedBallot.objects.count() == 1 and VoterRoll.objects.count() == 1


def test_different_members_voting_together_are_all_counted(open_round, members):
    voters = list(members.values())

    results = run_in_threads(
        lambda i: services.cast_ballot(
            open_round, ballot_for(open_round), member=voters[i], acting=None
        ),
        len(voters),
    )

    assert all(isinstance(r, services.Cast) for r in results), results
    assert SealedBallot.objects.count() == VoterRoll.objects.count() == len(voters)


def test_the_unique_constraint_blocks_and_refuses_a_racing_insert(open_round, members):
    """Without the service: the second transaction waits for the first, then fails."""
    bob = members["bob"]
    first_inserted = threading.Event()
    outcome = {}

    def first():
        with transaction.atomic():
            VoterRoll.objects.create(round=open_round, member=bob)
            first_inserted.set()
            time.sleep(0.5)  # the second insert arrives while this one is uncommitted
        return "committed"

    def second():
        first_inserted.wait(5)
        started = time.monotonic()
        try:
            with transaction.atomic():
                VoterRoll.objects.create(round=open_round, member=bob)
        except IntegrityError:
            outcome["waited"] = time.monotonic() - started
            return "refused"
        return "committed"

    results = run_in_threads(lambda i: (first, second)[i](), 2)

    assert results == ["committed", "refused"]
    assert outcome["waited"] > 0.2  # it blocked on the uncommitted row, then failed
    assert VoterRoll.objects.filter(member=bob).count() == 1
