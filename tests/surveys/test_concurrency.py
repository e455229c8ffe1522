"""Two submissions of one code at the same moment, on separate database connections: the
update that marks the code used lets exactly one through. Needs PostgreSQL (SQLite serialises
writers on one file, so there is no real race to test)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.surveys.conftest import DURING, answers
from tests.surveys.factories import close
from vanguard.surveys import services
from vanguard.surveys.models import Response, SealedResponse, ValidCode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real race needs PostgreSQL: SQLite serialises writers on one file",
)
@pytest.mark.parametrize("attempt", range(2))
def test_two_concurrent_submissions_of_one_code_record_one_response(codes, attempt):
    code = codes[attempt]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(overall: str) -> None:
        try:
            valid = services.find_code(code, today=DURING)
            barrier.wait(timeout=10)  # both have found the code unspent
            services.record_response(valid, answers(overall))
            outcomes.append("recorded")
        except services.CodeRefused as refused:
            outcomes.append(refused.reason)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(overall,))
        for overall in ("satisfied", "dissatisfied")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["recorded", "spent"]
    assert SealedResponse.objects.count() == 1
    assert ValidCode.objects.filter(used=True).count() == 1
    close(codes_survey(code), today=DURING)
    assert Response.objects.count() == 1


def codes_survey(code):
    return ValidCode.objects.get(digest=services.hash_code(code)).survey
