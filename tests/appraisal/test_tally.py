"""Tally correctness on generated rounds: the tally equals the ballots cast."""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.appraisal.conftest import close_now, new_round
from tests.conftest import make_member
from vanguard.appraisal import rules, services
from vanguard.appraisal.models import Ballot

GRADES = ["excellent", "qualified", "basically_qualified", "unqualified"]


class Rollback(Exception):
    """Undo one generated example's rows."""


def ballots_strategy(candidates: int):
    return st.lists(
        st.lists(st.sampled_from(GRADES), min_size=candidates, max_size=candidates),
        max_size=12,
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), size=st.integers(min_value=1, max_value=4))
def test_the_tally_equals_the_ballots_cast(enrollments, tree, data, size):
    ballots = data.draw(ballots_strategy(size))
    try:
        with transaction.atomic():
            # given a round of `size` members and one-time codes for the voters
            people = [make_member(tree["A1"], f"T-{i}", f"成员{i}") for i in range(size)]
            now = timezone.now()
            appraisal_round = new_round(
                enrollments["A"],
                organization=tree["A1"],
                title="生成",
                opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(hours=1),
            )
            guest_codes = services.issue_guest_codes(
                appraisal_round, max(1, len(ballots)), acting=None
            )

            # when every ballot is cast and the round closed
            for code, grades in zip(guest_codes, ballots, strict=False):
                services.cast_ballot(
                    appraisal_round,
                    {str(person.pk): grade for person, grade in zip(people, grades, strict=True)},
                    code=code,
                    acting=None,
                )
            close_now(appraisal_round)
            result = services.tally(appraisal_round)

            # then each member's counts are exactly the grades given on the ballots
            assert result.ballots == len(ballots) == Ballot.objects.count()
            for index, person in enumerate(people):
                tally = next(t for t in result.members if t.member_id == person.pk)
                expected = Counter(ballot[index] for ballot in ballots)
                assert tally.counts == {grade: expected.get(grade, 0) for grade in GRADES}
                assert tally.total == len(ballots)
            assert result.eligible == size + max(1, len(ballots))
            raise Rollback
    except Rollback:
        pass


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["1", "2", "3"]), st.sampled_from(GRADES), min_size=3),
        max_size=30,
    )
)
def test_counting_is_a_plain_sum_over_ballots(ballots):
    result = rules.count_grades(ballots, [(1, "甲"), (2, "乙"), (3, "丙")], GRADES)
    for tally in result.members:
        assert sum(tally.counts.values()) == tally.total == len(ballots)
        if tally.total:
            assert tally.counts[tally.leading] == max(tally.counts.values())
            best = min(
                (
                    GRADES.index(g)
                    for g, c in tally.counts.items()
                    if c == max(tally.counts.values())
                )
            )
            assert tally.leading == GRADES[best]  # a tie goes to the better grade


def test_a_member_without_ballots_has_no_leading_grade():
    result = rules.count_grades([], [(1, "甲")], GRADES)
    assert result.members[0].leading is None and result.turnout == 0
