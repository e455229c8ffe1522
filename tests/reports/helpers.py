"""Running a background export in a test: start it (POST), let the worker run it (tests use
the ImmediateBackend; the job is queued on commit, so the commit callbacks are run), then
download the file as its owner."""

from __future__ import annotations

from django.test import TestCase
from django.urls import resolve, reverse

from vanguard.reports.models import Job


def start(client, url, data=None):
    """POST the start button; the job runs. Returns the response (a redirect to the job)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def job_of(response) -> Job:
    assert response.status_code == 302, response.status_code
    return Job.objects.get(pk=resolve(response.url).kwargs["pk"])


def export(client, url, data=None):
    """Start an export and download its file; a refusal (404, 403 …) is returned as is."""
    response = start(client, url, data)
    if response.status_code != 302:
        return response
    job = job_of(response)
    assert job.status == Job.Status.DONE, job.message
    download = client.get(reverse("reports:job-file", args=[job.pk]))
    if download.streaming:  # read the file now, so that it is closed whatever the test reads
        download.streaming_content = [b"".join(download.streaming_content)]
    return download


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
