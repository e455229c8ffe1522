"""The data revision that keys cached figures: every kind of write moves it, reads and
sessions do not; cached overview and unit verdicts follow the data."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vanguard.campaigns import revision
from vanguard.campaigns.models import PhaseWindow, StepRecord, StepStatus
from vanguard.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_a_save_moves_the_revision(tree):
    before = revision.current()
    Organization.objects.filter(pk=tree["A"].pk).update(name="改名")
    assert revision.current() > before


def test_bulk_insert_and_delete_move_the_revision(enrollments):
    before = revision.current()
    StepRecord.objects.bulk_create(
        [StepRecord(enrollment=enrollments["A"], step_code="make_plan", status=StepStatus.DONE)]
    )
    middle = revision.current()
    StepRecord.objects.filter(enrollment=enrollments["A"]).delete()
    assert before < middle < revision.current()


def test_reads_do_not_move_the_revision(enrollments):
    before = revision.current()
    list(Organization.objects.all())
    assert revision.current() == before


def test_sessions_and_last_login_do_not_move_the_revision(personas):
    before = revision.current()
    store = SessionStore()
    store["x"] = 1
    store.create()
    from django.contrib.auth.models import update_last_login

    update_last_login(None, personas["alice"])
    assert revision.current() == before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_it_once_more_at_commit():
    with transaction.atomic():
        root = Organization.objects.add_root(dict(code="R", name="党委", kind="committee"))
        Organization.objects.add_child(root, dict(code="A", name="A党支部", kind="branch"))
        during = revision.current()
    assert revision.current() == during + 1  # once at commit, for all the statements


@pytest.mark.parametrize(
    "sql",
    ['INSERT INTO "x" VALUES (1)', ' update "x" set a=1', 'DELETE FROM "x"'],
)
def test_writes_are_recognised(sql):
    assert revision.is_write(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT 1 FROM "x"',
        'UPDATE "django_session" SET "session_data" = 1',
        'UPDATE "accounts_user" SET "last_login" = now()',
        "SAVEPOINT s1",
    ],
)
def test_other_statements_are_not_writes(sql):
    assert not revision.is_write(sql)


def test_overview_is_served_from_the_cache_until_the_data_changes(login, personas, enrollments):
    client = login(personas["office"])
    url = reverse("campaigns:overview", args=[enrollments["A"].campaign_id])
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert len(warm) < len(cold)
    # A plan saved for unit A changes the figures: the next request computes them again.
    for phase, (start, end) in zip(
        enrollments["A"].campaign.rules.phases,
        [("2024-07-01", "2024-08-14"), ("2024-08-15", "2024-09-13"), ("2024-09-14", "2024-10-13")],
        strict=True,
    ):
        PhaseWindow.objects.create(
            enrollment=enrollments["A"], phase_code=phase.code, starts_on=start, ends_on=end
        )
    with CaptureQueriesContext(connection) as recomputed:
        client.get(url)
    assert len(recomputed) > len(warm)


def test_unit_verdicts_follow_a_step_recorded(login, personas, enrollments):
    client = login(personas["alice"])
    url = reverse("campaigns:unit", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    before = client.get(url).content.decode()
    StepRecord.objects.update_or_create(
        enrollment=enrollments["A"],
        step_code="make_plan",
        defaults={"status": StepStatus.DONE, "done_on": "2024-07-01"},
    )
    after = client.get(url).content.decode()
    assert before != after


@pytest.mark.parametrize("seconds", [60, 86400])
def test_figures_stay_cached_for_the_configured_time(
    login, personas, enrollments, settings, seconds
):
    """Without a shared cache another process's writes are not seen: figures then expire
    after a minute (`FIGURES_CACHE_SECONDS`)."""
    import time

    from django.core.cache import cache

    settings.FIGURES_CACHE_SECONDS = seconds
    client = login(personas["office"])
    assert (
        client.get(reverse("campaigns:overview", args=[enrollments["A"].campaign_id])).status_code
        == 200
    )
    expiries = [
        expiry - time.time()
        for key, expiry in cache._expire_info.items()
        if ":figures:latest:" in key  # the overview's part, kept for the next version
    ]
    assert expiries and all(seconds - 5 < left <= seconds for left in expiries)


def test_a_tables_revision_moves_with_writes_to_that_table_only(enrollments):
    """`table_stamp` follows the tables named (and writes no unit owns): a write to the
    step records moves the step records' stamp and leaves the phase windows' as it was."""
    steps, windows = StepRecord._meta.db_table, PhaseWindow._meta.db_table
    before = {t: revision.table_stamp(t) for t in (steps, windows)}
    StepRecord.objects.create(
        enrollment=enrollments["A"], step_code="make_plan", status=StepStatus.DONE
    )
    assert revision.table_stamp(steps) != before[steps]
    assert revision.table_stamp(windows) == before[windows]
    Organization.objects.filter(pk=enrollments["A"].organization_id).update(name="改名")
    assert revision.table_stamp(windows) != before[windows]  # the global revision moved
