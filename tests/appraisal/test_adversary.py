"""The adversary who holds the database: during and after a vote, with everything the
database offers — transaction ids (`xmin`), physical places (`ctid`, SQLite rowid),
storage order, sequences, history tables, statistics, deleted tuples (`pageinspect`),
a `pg_dump` taken mid-vote — but not the tellers' codes. Every linking strategy we can
think of is tried; none may match more voters to their ballots than chance would.

Sixteen voters cast sixteen distinct ballots (voter i grades member i 优秀, everyone else
合格). A random pairing of 16 voters with 16 ballots matches one on average; seven or more
happen by chance with a probability below 1e-4, so `CHANCE = 6` cannot fail by luck.
The same pairing with receipts: the party secretary, who knows every voter, makes each
one show their receipt, and tries to find the receipt's ballot.

The test commits each vote (transactional database), as a server would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.utils import timezone

from tests.appraisal.conftest import TELLER_CODES, new_round, open_window
from tests.conftest import make_member
from vanguard.appraisal import services
from vanguard.appraisal.models import Ballot, BallotReceipt, SealedBallot, VoterRoll

VOTERS = 16
CHANCE = 6

pytestmark = pytest.mark.django_db(transaction=True)


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "a PostgreSQL primitive (xmin, ctid, pageinspect, pg_dump); see the SQLite test"
        )


@pytest.fixture
def election(enrollments, tree):
    """A round of 16 members; each votes a ballot that names them (the ground truth).
    Half-way through, `midway` is called (for a dump)."""
    people = [make_member(tree["A1"], f"V-{i:02}", f"投票人{i:02}") for i in range(VOTERS)]
    appraisal_round = new_round(
        enrollments["A"], organization=tree["A"], title="对手测试", **open_window()
    )
    candidates = [pk for pk, _name in services.candidates_of(appraisal_round)]

    def ballot_of(person):
        return {str(pk): "excellent" if pk == person.pk else "qualified" for pk in candidates}

    def run(midway=lambda: None):
        receipts = {}
        for index, person in enumerate(people):
            if index == VOTERS // 2:
                midway()
            receipts[person.pk] = services.cast_ballot(
                appraisal_round, ballot_of(person), member=person, acting=None
            ).receipt
        return receipts

    return appraisal_round, people, run


def close_and_count(appraisal_round):
    services.close_round(appraisal_round, now=timezone.now(), acting=None)
    services.count_ballots(appraisal_round, TELLER_CODES[appraisal_round.pk][:2], acting=None)


def named_by(grades: dict) -> int:
    """The member a ballot of this test grades 优秀: its voter (the ground truth)."""
    [pk] = [int(pk) for pk, grade in grades.items() if grade == "excellent"]
    return pk


def matched(voters_in_order: list[int], ballots_in_order: list[int]) -> int:
    """How many voters a positional pairing of the two orders gets right."""
    return sum(v == b for v, b in zip(voters_in_order, ballots_in_order, strict=False))


def receipt_matches(receipts: dict[int, str], receipt_order: list[str], ballots_in_order):
    """The secretary knows each voter's receipt; pairing the receipt list with the ballot
    list by position, how many voters are matched to their own ballot?"""
    voter_of = {receipt: voter for voter, receipt in receipts.items()}
    return matched([voter_of[r] for r in receipt_order], ballots_in_order)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_adversary_postgres_links_no_voter_to_a_ballot(election):
    postgres_only()
    appraisal_round, people, run = election
    pool, roll = SealedBallot._meta.db_table, VoterRoll._meta.db_table
    ballots, receipt_table = Ballot._meta.db_table, BallotReceipt._meta.db_table
    dumps = []

    def midway():
        if shutil.which("pg_dump"):
            settings = connection.settings_dict
            env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
            command = ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1"]
            command += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
            command += [settings["NAME"]]
            dumps.append(subprocess.run(command, env=env, capture_output=True, check=True).stdout)

    receipts = run(midway)

    # -- during the vote: xmin and ctid link each roll entry to its sealed ballot ---------
    # (the roll entry is written in a savepoint: its xid follows its ballot's closely)
    by_xmin = rows(
        f"SELECT r.member_id, s.box FROM {roll} r JOIN {pool} s "
        "ON r.xmin::text::bigint - s.xmin::text::bigint BETWEEN 0 AND 5 "
        "WHERE r.round_id = %s",
        [appraisal_round.pk],
    )
    assert len(by_xmin) >= VOTERS // 2  # the link exists (other servers' xids may interleave)
    boxes = [bytes(box) for (box,) in rows(f"SELECT box FROM {pool}")]
    assert len(boxes) == VOTERS
    assert len({len(box) for box in boxes}) == 1  # ... to boxes of one length, opaque:
    for box in boxes:
        assert b"excellent" not in box and b"qualified" not in box
        assert not any(r.encode() in box for r in receipts.values())

    # the dump taken mid-vote holds no receipt and no grade in the clear
    for dump in dumps:
        assert dump  # pg_dump ran
        for receipt in receipts.values():
            assert receipt.encode() not in dump
        assert not re.search(rb'"\d+": ?"(excellent|qualified)"', dump)  # no grades by member

    close_and_count(appraisal_round)

    # -- after the count -----------------------------------------------------------------
    truth_order = lambda sql: [r[0] for r in rows(sql, [appraisal_round.pk])]  # noqa: E731
    published = rows(
        f"SELECT grades, xmin::text FROM {ballots} WHERE round_id = %s ORDER BY ctid",
        [appraisal_round.pk],
    )
    assert len(published) == VOTERS == VoterRoll.objects.filter(round=appraisal_round).count()

    def grades_of(value):
        return value if isinstance(value, dict) else json.loads(value)

    by_ctid = [named_by(grades_of(g)) for g, _x in published]
    assert len({x for _g, x in published}) == 1  # one transaction wrote them all

    strategies = {
        "roll by ctid ↔ ballots by ctid": (
            truth_order(f"SELECT member_id FROM {roll} WHERE round_id = %s ORDER BY ctid"),
            by_ctid,
        ),
        "roll by xmin ↔ ballots by ctid": (
            truth_order(
                f"SELECT member_id FROM {roll} WHERE round_id = %s "
                "ORDER BY xmin::text::bigint, ctid"
            ),
            by_ctid,
        ),
        "roll by key ↔ ballots by key": (
            truth_order(f"SELECT member_id FROM {roll} WHERE round_id = %s ORDER BY id"),
            [named_by(b.grades) for b in Ballot.objects.filter(round=appraisal_round)],
        ),
        "voters by member number ↔ ballots by ctid": ([p.pk for p in people], by_ctid),
    }
    for name, (voters, ballot_order) in strategies.items():
        assert matched(voters, ballot_order) <= CHANCE, name

    # the secretary's receipts: the published receipt list in every order it has
    for order in ("ctid", "id", "receipt", "xmin::text::bigint, ctid"):
        receipt_order = [
            r[0]
            for r in rows(
                f"SELECT receipt FROM {receipt_table} WHERE round_id = %s ORDER BY {order}",
                [appraisal_round.pk],
            )
        ]
        assert sorted(receipt_order) == sorted(receipts.values())  # every voter finds theirs
        assert receipt_matches(receipts, receipt_order, by_ctid) <= CHANCE, order

    # the pool is gone; its table was rewritten (VACUUM FULL), which drops every deleted
    # tuple no open transaction can still see (one still open elsewhere keeps them until
    # a later vacuum: they are sealed boxes, unreadable without the tellers' codes)
    assert not rows(f"SELECT 1 FROM {pool}")
    try:
        rows("CREATE EXTENSION IF NOT EXISTS pageinspect")
    except Exception:  # not installed, or no right to install it
        pageinspect = False
    else:
        pageinspect = True

    def page_items(table, columns):
        size = rows(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
        items = []
        for page in range(size[0][0]):
            items += rows(f"SELECT {columns} FROM heap_page_items(get_raw_page('{table}', {page}))")
        return items

    if pageinspect:
        for xmax, data in page_items(pool, "t_xmax::text, t_data"):
            assert xmax not in ("0", None)  # only deleted tuples, if any
            assert not any(r.encode() in bytes(data or b"") for r in receipts.values())
        items = page_items(ballots, "t_xmin::text, t_xmax::text")
        # every published ballot was written by one transaction and none was deleted
        assert len({xmin for xmin, _xmax in items if xmin}) == 1
        assert all(xmax in ("0", None) for _xmin, xmax in items)

    # no sequence counts ballots, receipts or the pool; no history table keeps them
    sequences = [r[0] for r in rows("SELECT relname FROM pg_class WHERE relkind = 'S'")]
    assert not [s for s in sequences if "ballot" in s or "voterroll" in s]
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historical" in t and ("ballot" in t or "voterroll" in t)]
    # the statistics count rows, they do not order them
    stats = rows("SELECT n_tup_ins, n_tup_del FROM pg_stat_user_tables WHERE relname = %s", [pool])
    assert stats  # readable, and only aggregate counts


def test_adversary_sqlite_rowid_order_links_no_voter_to_a_ballot(election):
    """SQLite's equivalent: every table has a rowid in insertion order."""
    if connection.vendor != "sqlite":
        pytest.skip("the rowid is SQLite's; PostgreSQL's ctid is tested above")
    appraisal_round, people, run = election
    receipts = run()
    roll, ballots = VoterRoll._meta.db_table, Ballot._meta.db_table
    receipt_table = BallotReceipt._meta.db_table
    voters_by_rowid = [
        r[0]
        for r in rows(
            f"SELECT member_id FROM {roll} WHERE round_id = %s ORDER BY rowid", [appraisal_round.pk]
        )
    ]
    close_and_count(appraisal_round)

    by_rowid = [
        named_by(json.loads(r[0]))
        for r in rows(
            f"SELECT grades FROM {ballots} WHERE round_id = %s ORDER BY rowid",
            [appraisal_round.pk],
        )
    ]
    by_key = [named_by(b.grades) for b in Ballot.objects.filter(round=appraisal_round)]
    assert len(by_rowid) == VOTERS
    assert matched(voters_by_rowid, by_rowid) <= CHANCE
    assert matched(voters_by_rowid, by_key) <= CHANCE
    assert matched([p.pk for p in people], by_rowid) <= CHANCE
    for order in ("rowid", "id", "receipt"):
        receipt_order = [
            r[0]
            for r in rows(
                f"SELECT receipt FROM {receipt_table} WHERE round_id = %s ORDER BY {order}",
                [appraisal_round.pk],
            )
        ]
        assert receipt_matches(receipts, receipt_order, by_rowid) <= CHANCE, order
    assert not SealedBallot.objects.exists()


# -- anonymous opinions ----------------------------------------------------------------


def test_adversary_cannot_order_anonymous_opinions_within_their_day(enrollments, tree):
    """An anonymous opinion keeps the day; its arrival order within the day — which would
    give its hour, compared with rows that carry a time — is not readable after the daily
    reseal: not from the key, the rowid (SQLite), `xmin` or `ctid` (PostgreSQL), nor the
    history table."""
    from datetime import timedelta

    from vanguard.appraisal.models import Opinion, Subject

    campaign = enrollments["A"].campaign
    yesterday = timezone.localdate() - timedelta(days=1)
    arrived = [
        services.receive_opinion(
            campaign,
            channel="suggestion_box",
            subject=Subject.UNIT,
            unit=tree["A"],
            content=f"第{i}条意见",
            received_on=yesterday,
            acting=None,
        ).opinion.pk
        for i in range(VOTERS)
    ]
    assert services.reseal_opinions() == VOTERS

    table = Opinion._meta.db_table
    orders = {"key": "id"}
    if connection.vendor == "postgresql":
        orders.update(ctid="ctid", xmin="xmin::text::bigint, ctid")
    else:
        orders.update(rowid="rowid")
    for name, order in orders.items():
        stored = [r[0] for r in rows(f"SELECT id FROM {table} ORDER BY {order}")]
        assert sorted(stored) == sorted(arrived)
        assert matched(arrived, stored) <= CHANCE, name
    if connection.vendor == "postgresql":
        assert len({r[0] for r in rows(f"SELECT xmin::text FROM {table}")}) == 1
    assert not Opinion.history.exists()  # the arrival is never written to the history
    assert not [
        f.name for f in Opinion._meta.concrete_fields if f.get_internal_type() == "DateTimeField"
    ]
