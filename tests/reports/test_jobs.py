"""Background jobs: an export is started (POST), run by the worker, followed on its page and
downloaded from "my downloads" by the user who asked — nobody else; access is checked again
when it runs; files expire (the row stays); a failing job says why."""

import io
import logging
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.reports.helpers import content, job_of, start
from vanguard.accounts.models import RoleGrant
from vanguard.reports import jobs
from vanguard.reports.models import Job

PERSONAS = ("office", "leader", "alice", "bob", "liaison", "charlie")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def export_url():
    return reverse("orgs:export")


def started(client) -> Job:
    return job_of(start(client, export_url()))


def member_codes(data: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[1]
    return [row[0] for row in list(sheet.iter_rows(values_only=True))[1:]]


def test_start_progress_download(login, personas):
    client = login(personas["office"])

    # when: the button is pressed
    response = start(client, export_url())

    # then: the user is sent to the job's page; the worker has made the file
    job = job_of(response)
    assert response.url == reverse("reports:job-detail", args=[job.pk])
    assert job.owner == personas["office"] and job.kind == Job.Kind.EXPORT
    assert job.status == Job.Status.DONE and job.finished is not None
    assert job.expires == job.finished + timedelta(hours=24)
    assert job.filename.endswith(".xlsx") and job.size > 0
    page = client.get(response.url).content.decode()
    assert 'id="job-download"' in page and "hx-trigger" not in page  # done: no more polling
    listing = client.get(reverse("reports:downloads")).content.decode()
    assert job.filename in listing and reverse("reports:job-file", args=[job.pk]) in listing
    download = client.get(reverse("reports:job-file", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert member_codes(content(download)) == ["A1-001", "B-001"]


def test_a_running_job_shows_its_progress_and_polls(login, personas):
    client = login(personas["office"])
    client.post(export_url())  # queued: the commit (and so the worker) has not happened yet
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=30, total=120)

    page = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "30 / 120" in page and "25%" in page
    partial = client.get(reverse("reports:job-detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="job-status"')
    assert client.get(reverse("reports:job-file", args=[job.pk])).status_code == 404  # not ready
    listing = client.get(reverse("reports:downloads")).content.decode()
    assert 'hx-trigger="every 2s"' in listing


def test_a_get_starts_nothing(login, personas):
    assert login(personas["office"]).get(export_url()).status_code == 405
    assert not Job.objects.exists()


def test_the_htmx_button_gets_a_client_redirect(login, personas):
    client = login(personas["office"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(export_url(), HTTP_HX_REQUEST="true")
    job = Job.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("reports:job-detail", args=[job.pk])


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "alice"])
def test_only_the_user_who_asked_sees_the_job_and_its_file(client, personas, persona):
    client.force_login(personas["alice"])
    job = started(client)
    assert client.get(reverse("reports:job-file", args=[job.pk])).status_code == 200

    client.force_login(personas[persona])
    for name in ("reports:job-detail", "reports:job-file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert job.filename not in client.get(reverse("reports:downloads")).content.decode()


def test_anonymous_users_are_sent_to_log_in(client, login, personas):
    job = started(login(personas["alice"]))
    client.logout()
    for url in (reverse("reports:downloads"), reverse("reports:job-detail", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.get(reverse("reports:job-file", args=[job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_file_holds_what_the_user_may_see(login, personas):
    client = login(personas["charlie"])
    job = started(client)
    download = client.get(reverse("reports:job-file", args=[job.pk]))
    assert member_codes(content(download)) == ["B-001"]


def test_access_is_checked_again_when_the_job_runs(login, personas):
    client = login(personas["alice"])
    client.post(export_url())  # queued, not yet run
    job = Job.objects.get()

    RoleGrant.objects.filter(user=personas["alice"]).delete()  # alice loses her role
    jobs.run(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file
    assert job.message == "You no longer have access to what this job would read."
    assert client.get(reverse("reports:job-file", args=[job.pk])).status_code == 404


def test_running_a_job_twice_does_nothing_the_second_time(login, personas):
    job = started(login(personas["office"]))
    finished = job.finished
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.finished == finished


def test_an_expired_file_is_deleted_and_the_row_kept(login, personas):
    client = login(personas["office"])
    job = started(client)
    path = job.file.path
    fresh = started(client)

    # when: the hourly command runs after the first file's expiry, before the second's
    Job.objects.filter(pk=job.pk).update(expires=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("expire_downloads", stdout=out)

    # then
    assert out.getvalue().strip() == "1 expired"
    job.refresh_from_db()
    assert job.expired and not job.file and job.status == Job.Status.DONE
    assert not os.path.exists(path)
    response = client.get(reverse("reports:job-file", args=[job.pk]))
    assert response.status_code == 410
    assert "The file has expired and was deleted." in response.content.decode()
    assert client.get(reverse("reports:job-file", args=[fresh.pk])).status_code == 200
    assert "Expired" in client.get(reverse("reports:downloads")).content.decode()


def test_a_job_lost_by_a_stopped_worker_is_marked_failed(login, personas):
    client = login(personas["office"])
    client.post(export_url())  # queued; no worker ever runs it
    client.post(export_url())
    lost, recent = Job.objects.order_by("pk")
    Job.objects.filter(pk=lost.pk).update(created=timezone.now() - timedelta(hours=7))

    call_command("expire_downloads", stdout=io.StringIO())

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == Job.Status.FAILED and "worker stopped" in lost.message
    assert recent.status == Job.Status.QUEUED


@pytest.fixture
def failing_jobs():
    @jobs.export("tests.crash")
    def crash(ctx):
        raise ValueError("a bug")

    @jobs.export("tests.refuse")
    def refuse(ctx):
        raise jobs.JobError("The list is empty: nothing to export.")

    yield
    jobs._registry.pop("tests.crash")
    jobs._registry.pop("tests.refuse")


def test_a_failing_job_says_why_and_logs_the_traceback(rf, personas, failing_jobs, caplog):
    request = rf.post("/")
    request.user = personas["office"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        crashed = jobs.start(request, "tests.crash", "crash")
        refused = jobs.start(request, "tests.refuse", "refuse")
    crashed.refresh_from_db()
    refused.refresh_from_db()

    assert crashed.status == refused.status == Job.Status.FAILED
    assert crashed.message.startswith("The job failed because of an error in the system")
    assert "a bug" not in crashed.message  # the user is told, the details are logged
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "tests.crash" in record.getMessage() and "ValueError: a bug" in caplog.text
    assert refused.message == "The list is empty: nothing to export."


def test_the_job_page_shows_the_failure(login, personas, failing_jobs, rf):
    client = login(personas["office"])
    request = rf.post("/")
    request.user = personas["office"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = jobs.start(request, "tests.refuse", "refuse")
    page = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert 'id="job-error"' in page and "The list is empty: nothing to export." in page


def test_the_downloads_list_query_count_does_not_grow(login, personas):
    client = login(personas["office"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reports:downloads")).status_code == 200
        return len(captured)

    def add(number):
        Job.objects.bulk_create(
            Job(
                kind=Job.Kind.EXPORT,
                name="orgs.export_xlsx",
                title=f"t{n}",
                owner=personas["office"],
            )
            for n in range(number)
        )

    add(2)
    few = count()
    add(30)
    assert count() == few


def test_the_sidebar_links_to_my_downloads(login, personas):
    page = login(personas["bob"]).get(reverse("reports:downloads")).content.decode()
    assert 'id="nav-downloads"' in page
