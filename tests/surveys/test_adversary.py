"""The adversary who holds the database, during and after a survey: transaction ids
(`xmin`), physical places (`ctid`, SQLite rowid), storage order, keys, sequences, history
tables, statistics, deleted tuples (`pageinspect`), a `pg_dump` taken mid-survey — but not
the tellers' codes. No strategy may link more respondents to their responses than chance.

Fifteen people (5 representatives, a sample of 10) each answer with a distinct comment that
names them (the ground truth), in the order of the list — the order most useful to the
adversary. A random pairing of 15 with 15 matches one on average; more than 6 happen by
chance with a probability below 1e-4, so `CHANCE = 6` cannot fail by luck. Each response
commits on its own (transactional database), as on a server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from django.db import connection

from tests.surveys.conftest import CLOSES, DURING, answers
from tests.surveys.factories import close
from vanguard.surveys import services
from vanguard.surveys.models import (
    Channel,
    Invitation,
    Response,
    SealedResponse,
    SurveyTeller,
    ValidCode,
)

CHANCE = 6
pytestmark = pytest.mark.django_db(transaction=True)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def matched(people_in_order: list[int], responses_in_order: list[int]) -> int:
    return sum(p == r for p, r in zip(people_in_order, responses_in_order, strict=False))


def comment_of(person: int) -> str:
    return f"答卷人第{person:02}号的意见"


def person_of(comment: str) -> int:
    return int(re.search(r"第(\d+)号", comment).group(1))


@pytest.fixture
def survey_run(open_survey):
    """The codes are issued (the slips printed); `run` answers with every code."""
    issued = services.issue_codes(open_survey, channel=Channel.SLIP, acting=None)
    people = [invitation.frame_row_id for invitation, _code in issued]
    digest_of = {inv.frame_row_id: services.hash_code(code) for inv, code in issued}
    assert len(people) >= 12

    def run(midway=lambda: None):
        for index, (invitation, code) in enumerate(issued):
            if index == len(issued) // 2:
                midway()
            services.submit_response(
                code, answers(comment=comment_of(invitation.frame_row_id)), today=DURING
            )

    return open_survey, people, digest_of, run


def _codes_to_people(order_sql: str, survey, digest_of) -> list[int]:
    person_of_digest = {digest: person for person, digest in digest_of.items()}
    return [
        person_of_digest[d]
        for (d,) in rows(
            f"SELECT digest FROM {ValidCode._meta.db_table} WHERE survey_id = %s {order_sql}",
            [survey.pk],
        )
    ]


def test_adversary_postgres_links_no_respondent_to_a_response(survey_run):
    if connection.vendor != "postgresql":
        pytest.skip("xmin, ctid, pageinspect, pg_dump are PostgreSQL's; see the SQLite test")
    survey, people, digest_of, run = survey_run
    pool, codes = SealedResponse._meta.db_table, ValidCode._meta.db_table
    published, invitations = Response._meta.db_table, Invitation._meta.db_table
    dumps = []

    def midway():
        if shutil.which("pg_dump"):
            settings = connection.settings_dict
            env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
            command = ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1"]
            command += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
            command += [settings["NAME"]]
            dumps.append(subprocess.run(command, env=env, capture_output=True, check=True).stdout)

    # -- once the slips are printed: the valid codes name no person, and their order (ctid,
    # key, digest) is not the list's order. (Once used, a code's row version moves to the
    # end of the table: the ctid order of used codes is the order of arrival — of codes
    # nobody can tie to a person.)
    for order in ("ORDER BY ctid", "ORDER BY id", "ORDER BY digest"):
        assert matched(people, _codes_to_people(order, survey, digest_of)) <= CHANCE, order

    run(midway)

    # -- during the survey ---------------------------------------------------------------
    # invitations were all written by the issue in one transaction: xmin says nothing
    assert len({x for (x,) in rows(f"SELECT xmin::text FROM {invitations}")}) == 1
    # a used code's xmin points at its sealed box: a box of one length, opaque
    boxes = [bytes(b) for (b,) in rows(f"SELECT box FROM {pool}")]
    assert len(boxes) == len(people) and len({len(b) for b in boxes}) == 1
    for box in boxes:
        assert not any(comment_of(p).encode() in box for p in people)
        assert b"satisfied" not in box
    by_xmin = rows(f"SELECT c.digest FROM {codes} c JOIN {pool} s ON c.xmin = s.xmin WHERE c.used")
    assert len(by_xmin) == len(people)  # the link the sealing makes harmless
    for dump in dumps:
        assert dump
        assert "答卷人".encode() not in dump

    close(survey, today=CLOSES)

    # -- after the close -----------------------------------------------------------------
    def responses(order):
        return [
            person_of(c)
            for (c,) in rows(
                f"SELECT comment FROM {published} WHERE survey_id = %s ORDER BY {order}",
                [survey.pk],
            )
        ]

    by_ctid = responses("ctid")
    assert sorted(by_ctid) == sorted(people)  # every response published, once
    assert len({x for (x,) in rows(f"SELECT xmin::text FROM {published}")}) == 1
    strategies = {
        "list order ↔ responses by ctid": (people, by_ctid),
        "list order ↔ responses by key": (people, responses("id")),
        "codes by ctid ↔ responses by ctid": (
            _codes_to_people("ORDER BY ctid", survey, digest_of),
            by_ctid,
        ),
        "used codes by xmin ↔ responses by ctid": (
            _codes_to_people("ORDER BY xmin::text::bigint, ctid", survey, digest_of),
            by_ctid,
        ),
    }
    for name, (left, right) in strategies.items():
        assert matched(left, right) <= CHANCE, name

    # the pool is gone and its table rewritten; pageinspect finds no deleted box
    assert not rows(f"SELECT 1 FROM {pool}")
    try:
        rows("CREATE EXTENSION IF NOT EXISTS pageinspect")
    except Exception:  # not installed, or no right to install it
        pageinspect = False
    else:
        pageinspect = True
    if pageinspect:
        size = rows(f"SELECT pg_relation_size('{pool}') / current_setting('block_size')::int")
        for page in range(size[0][0]):
            for (xmax,) in rows(
                f"SELECT t_xmax::text FROM heap_page_items(get_raw_page('{pool}', {page}))"
            ):
                assert xmax not in ("0", None)  # only deleted tuples, if any survive
    # no sequence, no history table for codes, pool or responses; statistics are counts
    sequences = [r[0] for r in rows("SELECT relname FROM pg_class WHERE relkind = 'S'")]
    secret = ("validcode", "sealedresponse", "surveys_response")
    assert not [s for s in sequences if any(t in s for t in secret)]
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historical" in t and any(s in t for s in secret)]
    assert rows("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = %s", [pool])


def test_adversary_sqlite_rowid_order_links_no_respondent_to_a_response(survey_run):
    if connection.vendor != "sqlite":
        pytest.skip("the rowid is SQLite's; PostgreSQL's ctid is tested above")
    survey, people, digest_of, run = survey_run
    for order in ("ORDER BY rowid", "ORDER BY id"):
        assert matched(people, _codes_to_people(order, survey, digest_of)) <= CHANCE, order
    run()
    close(survey, today=CLOSES)
    table = Response._meta.db_table

    def responses(order):
        return [
            person_of(c)
            for (c,) in rows(
                f"SELECT comment FROM {table} WHERE survey_id = %s ORDER BY {order}", [survey.pk]
            )
        ]

    by_rowid = responses("rowid")
    assert sorted(by_rowid) == sorted(people)
    assert matched(people, by_rowid) <= CHANCE
    assert matched(people, responses("id")) <= CHANCE
    assert matched(_codes_to_people("ORDER BY rowid", survey, digest_of), by_rowid) <= CHANCE
    assert not SealedResponse.objects.exists()
    assert SurveyTeller.objects.filter(survey=survey).count() == 3
