"""Casting a secret ballot: one per voter, only members of the round or holders of a
code, only while voting is open; every refusal has a clear message and writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.appraisal.conftest import ballot_for, close_now, new_round, open_window
from tests.conftest import make_member
from vanguard.appraisal import codes, services
from vanguard.appraisal.models import GuestCode, SealedBallot, VoterRoll


def nothing_written():
    return not SealedBallot.objects.exists() and not VoterRoll.objects.exists()


def refused(callable_, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        callable_(*args, **kwargs)
    return " ".join(error.value.messages)


# -- one ballot per voter ------------------------------------------------------------------


def test_a_member_votes_once(open_round, members):
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    assert SealedBallot.objects.count() == 1
    assert VoterRoll.objects.get().member == members["bob"]

    message = refused(
        services.cast_ballot,
        open_round,
        ballot_for(open_round, "excellent"),
        member=members["bob"],
        acting=None,
    )

    assert message == "You have already voted in this round."
    assert SealedBallot.objects.count() == 1 and VoterRoll.objects.count() == 1


def test_the_database_itself_refuses_a_second_roll_entry(open_round, members):
    VoterRoll.objects.create(round=open_round, member=members["bob"])
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRoll.objects.create(round=open_round, member=members["bob"])


def test_a_code_votes_once(open_round):
    [code] = services.issue_guest_codes(open_round, 1, acting=None)
    services.cast_ballot(open_round, ballot_for(open_round), code=code, acting=None)

    message = refused(
        services.cast_ballot, open_round, ballot_for(open_round), code=code, acting=None
    )

    assert message == "This code has already been used."
    assert SealedBallot.objects.count() == 1


def test_equal_ballots_get_different_receipts(open_round, members):
    first = services.cast_ballot(
        open_round, ballot_for(open_round), member=members["bob"], acting=None
    )
    second = services.cast_ballot(
        open_round, ballot_for(open_round), member=members["eve"], acting=None
    )
    assert first.grades == second.grades
    assert first.receipt != second.receipt


def test_the_ballot_is_stored_only_sealed_and_of_one_length(open_round, members):
    # given ballots whose grades differ in length ("excellent" against "unqualified")
    bob = services.cast_ballot(
        open_round, ballot_for(open_round, "excellent"), member=members["bob"], acting=None
    )
    eve = services.cast_ballot(
        open_round, ballot_for(open_round, "unqualified"), member=members["eve"], acting=None
    )

    # then the store holds boxes of one length, with neither receipt nor grade in clear
    boxes = [bytes(box) for box in SealedBallot.objects.values_list("box", flat=True)]
    assert len(boxes) == 2 and len(boxes[0]) == len(boxes[1])
    for box in boxes:
        for clear in (bob.receipt, eve.receipt, "excellent", "unqualified"):
            assert clear.encode() not in box
    assert codes.is_well_formed(bob.receipt, codes.BALLOT_RECEIPT_LENGTH)


def test_no_vote_before_the_tellers_are_appointed(enrollments, tree, members):
    bare = services.open_round(
        enrollments["A"], organization=tree["A"], title="无监票人", **open_window(), acting=None
    )
    message = refused(
        services.cast_ballot, bare, ballot_for(bare), member=members["bob"], acting=None
    )
    assert message == "The tellers of this round have not been appointed yet."
    assert nothing_written()


def test_the_tellers_cannot_change_once_someone_voted(open_round, members):
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    message = refused(services.appoint_tellers, open_round, ["甲", "乙", "丙"], acting=None)
    assert message == "Votes have been cast under the present tellers' key; it cannot change."


# -- who may vote, and when ----------------------------------------------------------------


def test_a_member_outside_the_unit_is_refused(open_round, tree):
    outsider = make_member(tree["B"], "B-009", "外人")
    message = refused(
        services.cast_ballot, open_round, ballot_for(open_round), member=outsider, acting=None
    )
    assert message == "You are not a voter in this appraisal round."
    assert nothing_written()


def test_a_member_who_joined_after_the_opening_is_not_a_voter(open_round, tree):
    newcomer = make_member(tree["A1"], "A1-099", "新人")
    message = refused(
        services.cast_ballot, open_round, ballot_for(open_round), member=newcomer, acting=None
    )
    assert message == "You are not a voter in this appraisal round."
    assert nothing_written()


def test_a_closed_round_is_refused(open_round, members):
    later = open_round.closes_at + timedelta(seconds=1)
    message = refused(
        services.cast_ballot,
        open_round,
        ballot_for(open_round),
        member=members["bob"],
        now=later,
        acting=None,
    )
    assert message == "This appraisal round is closed."
    assert nothing_written()


def test_the_last_instant_before_closing_is_still_open(open_round, members):
    last = open_round.closes_at - timedelta(microseconds=1)
    services.cast_ballot(
        open_round, ballot_for(open_round), member=members["bob"], now=last, acting=None
    )
    assert SealedBallot.objects.count() == 1


def test_a_round_closed_early_is_refused(open_round, members):
    close_now(open_round)
    message = refused(
        services.cast_ballot, open_round, ballot_for(open_round), member=members["bob"], acting=None
    )
    assert message == "This appraisal round is closed."
    assert nothing_written()


def test_a_round_not_yet_open_is_refused(open_round, members):
    earlier = open_round.opens_at - timedelta(seconds=1)
    message = refused(
        services.cast_ballot,
        open_round,
        ballot_for(open_round),
        member=members["bob"],
        now=earlier,
        acting=None,
    )
    # the voter is told when to come back (issue 19)
    assert message.startswith("Voting in this appraisal round opens on ")
    assert message.endswith("; come back then.")
    assert nothing_written()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda code: code[:-1] + ("0" if code[-1] != "0" else "1"),  # one character changed
        lambda code: code + "7",  # one too many
        lambda code: "",
        lambda code: "<script>alert(1)</script>",
    ],
)
def test_a_tampered_code_is_refused(open_round, tamper):
    [code] = services.issue_guest_codes(open_round, 1, acting=None)
    message = refused(
        services.cast_ballot, open_round, ballot_for(open_round), code=tamper(code), acting=None
    )
    assert message == "This code is not valid for this appraisal round."
    assert nothing_written()


def test_a_code_of_another_round_is_refused(open_round, enrollments, tree, members):
    other = new_round(enrollments["A"], organization=tree["A1"], title="A1", **open_window())
    [code] = services.issue_guest_codes(other, 1, acting=None)
    message = refused(
        services.cast_ballot, open_round, ballot_for(open_round), code=code, acting=None
    )
    assert message == "This code is not valid for this appraisal round."
    assert nothing_written()


def test_a_code_typed_loosely_still_works(open_round):
    [code] = services.issue_guest_codes(open_round, 1, acting=None)
    loose = " " + code.lower().replace("-", " ") + " "
    services.cast_ballot(open_round, ballot_for(open_round), code=loose, acting=None)
    assert VoterRoll.objects.get().guest_code == GuestCode.objects.get()


# -- the ballot itself ---------------------------------------------------------------------


def test_a_ballot_must_grade_every_member(open_round, members):
    grades = ballot_for(open_round)
    del grades[str(members["eve"].pk)]
    message = refused(services.cast_ballot, open_round, grades, member=members["bob"], acting=None)
    assert message == "Grade every member; not graded: 伊芙"
    assert nothing_written()


def test_a_ballot_with_an_unknown_grade_is_refused(open_round, members):
    grades = ballot_for(open_round, "qualified", {members["eve"].pk: "splendid"})
    message = refused(services.cast_ballot, open_round, grades, member=members["bob"], acting=None)
    assert message == "Unknown grade."
    assert nothing_written()


def test_a_ballot_grading_an_outsider_is_refused(open_round, members, tree):
    outsider = make_member(tree["B"], "B-010", "外人")
    grades = {**ballot_for(open_round), str(outsider.pk): "qualified"}
    message = refused(services.cast_ballot, open_round, grades, member=members["bob"], acting=None)
    assert message == "The ballot grades someone who is not appraised in this round."
    assert nothing_written()


# -- closing, codes ------------------------------------------------------------------------


def test_codes_are_not_issued_for_a_closed_round(open_round):
    close_now(open_round)
    assert refused(services.issue_guest_codes, open_round, 3, acting=None) == "The round is closed."
    assert not GuestCode.objects.exists()


def test_a_round_that_has_not_opened_cannot_be_closed(enrollments, tree, members):
    later = timezone.now() + timedelta(days=1)
    future = new_round(
        enrollments["A"],
        organization=tree["A"],
        title="将来",
        opens_at=later,
        closes_at=later + timedelta(days=1),
    )
    assert refused(services.close_round, future, acting=None) == "Voting has not opened yet."


def test_an_open_round_cannot_be_sealed(open_round):
    assert refused(services.seal_round, open_round) == "The round is still open."


def test_a_round_of_another_unit_is_refused(enrollments, tree):
    message = refused(
        services.open_round,
        enrollments["A"],
        organization=tree["B"],
        title="x",
        **open_window(),
        acting=None,
    )
    assert message == "The round must be held by the unit or one of its branches."
