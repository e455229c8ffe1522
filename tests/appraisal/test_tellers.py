"""The tellers (监票人): two of three open the ballots; a wrong, mistyped or lost code opens
nothing and changes nothing; a round is counted once; the count publishes as many ballots
and receipts as voters on the roll."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.appraisal.conftest import TELLER_CODES, ballot_for, close_now
from vanguard.appraisal import services
from vanguard.appraisal.models import (
    AppraisalRound,
    Ballot,
    BallotReceipt,
    SealedBallot,
    Teller,
    VoterRoll,
)
from vanguard.core import tellers


def refused(callable_, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        callable_(*args, **kwargs)
    return " ".join(error.value.messages)


@pytest.fixture
def voted(open_round, members):
    """All three members voted; the round is closed, not yet counted."""
    for grade, member in zip(
        ("excellent", "qualified", "unqualified"), members.values(), strict=True
    ):
        services.cast_ballot(open_round, ballot_for(open_round, grade), member=member, acting=None)
    close_now(open_round, count=False)
    return open_round


def untouched(appraisal_round):
    return (
        SealedBallot.objects.filter(round=appraisal_round).count() == 3
        and not Ballot.objects.exists()
        and not BallotReceipt.objects.exists()
        and not AppraisalRound.objects.get(pk=appraisal_round.pk).is_counted
    )


@pytest.mark.parametrize("which", [(0, 1), (0, 2), (1, 2), (0, 1, 2)])
def test_any_two_of_the_three_tellers_count(voted, which):
    codes = TELLER_CODES[voted.pk]
    services.count_ballots(voted, [codes[i] for i in which], acting=None)
    assert Ballot.objects.count() == BallotReceipt.objects.count() == VoterRoll.objects.count() == 3
    assert not SealedBallot.objects.exists()
    grades = sorted(set(b.grades.values()).pop() for b in Ballot.objects.all())
    assert grades == ["excellent", "qualified", "unqualified"]


def test_one_teller_alone_cannot_count(voted):
    """A lost secret: when only one code survives, nobody can open the ballots."""
    message = refused(services.count_ballots, voted, [TELLER_CODES[voted.pk][1]], acting=None)
    assert message == "2 tellers must enter their codes; 1 did."
    assert untouched(voted)


def test_the_same_code_twice_is_one_teller(voted):
    code = TELLER_CODES[voted.pk][0]
    assert refused(services.count_ballots, voted, [code, code.lower()], acting=None) == (
        "2 tellers must enter their codes; 1 did."
    )
    assert untouched(voted)


def test_a_wrong_code_is_refused_and_changes_nothing(voted):
    good = TELLER_CODES[voted.pk][0]
    forged = tellers.Share(2, b"\x00" * 16).code
    message = refused(services.count_ballots, voted, [good, forged], acting=None)
    assert message.startswith("Code 2") and "is not the code of a teller of this round" in message
    assert untouched(voted)


def test_a_mistyped_code_is_refused(voted):
    good = TELLER_CODES[voted.pk][0]
    message = refused(services.count_ballots, voted, [good, good[:-2]], acting=None)
    assert message == "A teller's code is mistyped: it has 27 letters and digits."
    assert untouched(voted)


def test_codes_of_another_round_do_not_open_these_ballots(voted, enrollments, tree):
    from tests.appraisal.conftest import new_round, open_window

    other = new_round(enrollments["A"], organization=tree["A1"], title="别的", **open_window())
    foreign = TELLER_CODES[other.pk]
    assert "is not the code of a teller of this round" in refused(
        services.count_ballots, voted, foreign[:2], acting=None
    )
    assert untouched(voted)


def test_a_key_that_does_not_match_is_refused(voted):
    """Should the stored digests be tampered with, the rebuilt key is checked against the
    round's public key before anything is opened."""
    _public, shares = tellers.new_key(3, 2)
    for share in shares:
        Teller.objects.filter(round=voted, index=share.index).update(share_digest=share.digest)
    message = refused(services.count_ballots, voted, [s.code for s in shares[:2]], acting=None)
    assert message == "These codes do not open the ballots: check each code with its teller."
    assert untouched(voted)


def test_a_round_is_counted_once(voted):
    codes = TELLER_CODES[voted.pk]
    services.count_ballots(voted, codes[:2], acting=None)
    message = refused(services.count_ballots, voted, codes[1:], acting=None)
    assert message == "The ballots of this round have already been counted."
    assert Ballot.objects.count() == BallotReceipt.objects.count() == 3


def test_an_open_round_is_not_counted(open_round, members):
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    message = refused(
        services.count_ballots, open_round, TELLER_CODES[open_round.pk][:2], acting=None
    )
    assert message == "The round is still open."
    assert SealedBallot.objects.count() == 1 and not Ballot.objects.exists()


def test_a_missing_sealed_ballot_stops_the_count(voted):
    """The published count must equal the roll: a box lost from the pool stops the count."""
    SealedBallot.objects.filter(pk=SealedBallot.objects.first().pk).delete()
    message = refused(services.count_ballots, voted, TELLER_CODES[voted.pk][:2], acting=None)
    assert message.startswith("2 sealed ballots for 3 voters on the roll")
    assert not Ballot.objects.exists() and not BallotReceipt.objects.exists()


@pytest.mark.parametrize(
    "names, message",
    [
        (["甲"], "Appoint at least two tellers."),
        (["甲", "甲", "乙"], "Each teller is a different person."),
        (["甲", " ", ""], "Appoint at least two tellers."),
    ],
)
def test_tellers_are_at_least_two_different_people(open_round, names, message):
    assert refused(services.appoint_tellers, open_round, names, acting=None) == message


def test_appointing_again_before_the_vote_voids_the_old_codes(open_round, members):
    old = TELLER_CODES[open_round.pk]
    slips = services.appoint_tellers(open_round, ["丁", "戊", "己"], acting=None)
    services.cast_ballot(open_round, ballot_for(open_round), member=members["bob"], acting=None)
    close_now(open_round, count=False)
    assert "is not the code of a teller" in refused(
        services.count_ballots, open_round, old[:2], acting=None
    )
    services.count_ballots(open_round, [s.code for s in slips[1:]], acting=None)
    assert Ballot.objects.count() == 1


def test_the_slips_are_shown_once_and_the_codes_not_stored(login, personas, enrollments):
    client = login(personas["alice"])
    url = reverse("appraisal:rounds", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    response = client.post(
        url,
        {
            "organization": enrollments["A"].organization_id,
            "title": "评议",
            "opens_at": "2099-09-01T08:00",
            "closes_at": "2099-09-03T17:00",
            "teller_1": "甲",
            "teller_2": "乙",
            "teller_3": "丙",
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    slips = response.context["slips"]
    assert [s.name for s in slips] == ["甲", "乙", "丙"]
    stored = " ".join(str(v) for v in Teller.objects.values_list("name", "share_digest"))
    round_row = str(list(AppraisalRound.objects.values()))
    for slip in slips:
        assert slip.code not in stored and slip.code not in round_row
        assert slip.grouped in response.content.decode()


def test_the_tellers_count_on_the_round_page(login, personas, voted):
    client = login(personas["alice"])
    page = client.get(reverse("appraisal:round", args=[voted.pk]))
    assert page.context["count_form"] is not None
    codes = TELLER_CODES[voted.pk]
    url = reverse("appraisal:round-count", args=[voted.pk])

    wrong = client.post(url, {"code_1": codes[0]}, follow=True)
    assert "2 tellers must enter their codes; 1 did." in wrong.content.decode()
    assert untouched(voted)

    done = client.post(url, {"code_1": codes[0], "code_3": codes[2]}, follow=True)
    assert "The ballots are counted and published." in done.content.decode()
    assert done.context["tally"].ballots == 3
