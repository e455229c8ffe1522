"""Heavy work in the background worker: the registry of exports and imports, starting a job
and running it.

Each app declares its jobs in its `jobs.py` (found by `autodiscover_modules("jobs")`):

    @registry.export("study.roster_pdf")
    def roster_pdf(ctx, pk, enrollment_pk) -> Output: ...

A job function gets a `JobContext` — the owner's `Scope` rebuilt from
`vanguard.accounts.access` when the job runs (`owner.access_scope()`: this module sits below
`accounts` in the layers; access is checked again in the worker),
the owner, the job's parameters, `progress(done, total)` — and returns an `Output`
(file name, content type and either the bytes or a function writing to a file). An import
returns a dict (its counts) or raises `JobError` with the problems for the result page.
The view checks access at once (an outsider gets 404 before anything is queued), then calls
`start(...)`, which saves a `Job` row and queues `reports.tasks.run_job` on commit.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from vanguard.reports.models import Job

logger = logging.getLogger(__name__)

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobError(Exception):
    """A failure to tell the user: `message` in their language; `problems` for an import."""

    def __init__(self, message: str, problems: Iterable[dict] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


def rejected_workbook(error) -> JobError:
    """A `WorkbookError` (every problem, nothing written) for the job's result page."""
    problems = [
        {"sheet": str(p.sheet), "row": p.row, "column": str(p.column), "message": str(p.message)}
        for p in error.problems
    ]
    message = ngettext(
        "Nothing was imported: the workbook has %(count)s problem. "
        "Correct it and upload the file again.",
        "Nothing was imported: the workbook has %(count)s problems. "
        "Correct them and upload the file again.",
        len(problems),
    ) % {"count": len(problems)}
    return JobError(message, problems)


@dataclass
class Output:
    filename: str
    content_type: str
    content: bytes | None = None
    write: Callable[[object], None] | None = None  # writes the file (openpyxl)


@dataclass
class JobContext:
    """What a job function gets. It carries `scope`, `user` and `GET` as a request does:
    a job checks access again with `ctx.scope.get_…_or_404(…)`, and helpers taking a
    request (reading `request.scope`, `request.GET`) take the context the same way."""

    job: Job
    scope: object
    user: object
    params: dict
    GET: QueryDict = field(default_factory=QueryDict)
    _last: int = -1

    def progress(self, done: int, total: int) -> None:
        """Record progress; writes at most about a hundred times over the job."""
        step = max(total // 100, 1)
        if done < total and done - self._last < step and self._last >= 0:
            return
        self._last = done
        # Kept on the row in memory too: the job is saved once more when it ends.
        self.job.done, self.job.total = done, total
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)

    def open_upload(self):
        """An import's uploaded file, opened for reading."""
        return self.job.upload.open("rb")

    def counted(self, rows: Iterable, total: int, of: int | None = None) -> Iterable:
        """`rows` unchanged, recording progress as they are consumed: `total` rows out of
        `of` steps of work (more when something follows the reading, e.g. a PDF's layout)."""
        of = max(of or total, total)
        self.progress(0, of)
        for done, row in enumerate(rows, start=1):
            yield row
            self.progress(done, of)
        self.progress(total, of)


@dataclass
class _Entry:
    kind: str
    function: Callable


_registry: dict[str, _Entry] = {}


_Job = TypeVar("_Job", bound=Callable[..., Any])


def export(name: str) -> Callable[[_Job], _Job]:
    def register(function: _Job) -> _Job:
        _registry[name] = _Entry(Job.Kind.EXPORT, function)
        return function

    return register


def importer(name: str) -> Callable[[_Job], _Job]:
    def register(function: _Job) -> _Job:
        _registry[name] = _Entry(Job.Kind.IMPORT, function)
        return function

    return register


def get(name: str) -> _Entry:
    if name not in _registry:
        autodiscover_modules("jobs")
    return _registry[name]


def download_hours() -> int:
    return getattr(settings, "VANGUARD_DOWNLOAD_HOURS", 24)


# -- starting ------------------------------------------------------------------------------


def start(
    request, name: str, title: str, params: dict | None = None, upload=None, back: str = ""
) -> Job:
    """Save the job and queue it once the transaction commits. `params` must be JSON;
    `upload` is an import's file (kept until the job has run); `back` the page to return to."""
    entry = get(name)
    job = Job(kind=entry.kind, name=name, title=title[:200], owner=request.user)
    job.params = {
        "args": params or {},
        "GET": request.GET.urlencode(),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "back": back,
    }
    if upload is not None:
        job.upload_name = upload.name[:255]
        job.upload.save(f"{job.token}.xlsx", upload, save=False)
    job.save()
    from vanguard.reports.tasks import run_job

    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def start_response(request, name: str, title: str, params: dict | None = None, **options):
    """Start the job and send the user to its progress page (htmx: a client redirect)."""
    job = start(request, name, title, params, **options)
    url = reverse("reports:job-detail", args=[job.pk])
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


# -- running -------------------------------------------------------------------------------


def run(job_id: int) -> None:
    """Run a queued job once. Called by the task; safe to call again (does nothing)."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        _run(job)


def _run(job: Job) -> None:
    job.status = Job.Status.RUNNING
    job.save(update_fields=["status"])
    user = job.owner
    params = job.params.get("args", {})
    ctx = JobContext(
        job=job,
        scope=user.access_scope(),  # the owner's Scope (vanguard.accounts.access)
        user=user,
        params=params,
        GET=QueryDict(job.params.get("GET", "")),
    )
    try:
        if not user.is_active:
            raise PermissionDenied
        result = get(job.name).function(ctx, **params)
        if job.kind == Job.Kind.EXPORT:
            _save_output(job, result)
        else:
            job.result = dict(result or {})
            job.message = job.result.pop("message", "")
        job.status = Job.Status.DONE
    except JobError as error:
        job.status, job.message = Job.Status.FAILED, error.message
        job.result = {"problems": error.problems} if error.problems else {}
    except (Http404, PermissionDenied):
        job.status = Job.Status.FAILED
        job.message = _("You no longer have access to what this job would read.")
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.name)
        job.status = Job.Status.FAILED
        job.message = _(
            "The job failed because of an error in the system; it has been logged. "
            "Try again later or tell the administrator."
        )
    job.finished = timezone.now()
    job.expires = job.finished + timedelta(hours=download_hours())
    if job.upload:
        job.upload.delete(save=False)  # the workbook was imported or rejected: not kept
    job.save()


def _save_output(job: Job, output: Output) -> None:
    job.filename, job.content_type = output.filename, output.content_type
    if output.content is not None:
        job.file.save(output.filename, ContentFile(output.content), save=False)
    else:
        with tempfile.TemporaryFile() as file:
            output.write(file)
            file.seek(0)
            job.file.save(output.filename, File(file), save=False)
    job.size = job.file.size


STALE_HOURS = 6  # a job queued or running this long was lost (worker stopped, machine restarted)


def expire(now=None) -> int:
    """Delete the files of expired jobs; the rows stay, marked expired. Returns how many.
    Jobs lost by a stopped worker are marked failed, so that their page stops waiting."""
    now = now or timezone.now()
    Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        created__lte=now - timedelta(hours=STALE_HOURS),
    ).update(
        status=Job.Status.FAILED,
        finished=now,
        expires=now,
        message=_("The background worker stopped before this job was finished; start it again."),
    )
    count = 0
    for job in Job.objects.due_to_expire(now).only("pk", "file", "upload"):
        if job.file:
            job.file.delete(save=False)
        if job.upload:
            job.upload.delete(save=False)
        Job.objects.filter(pk=job.pk).update(expired=True, file="", upload="")
        count += 1
    return count


# -- rendering helpers for job functions ---------------------------------------------------


def sheets_output(sheets, filename: str) -> Output:
    from vanguard.core.exports import write_sheets

    return Output(filename, XLSX, write=lambda file: write_sheets(file, sheets))


def xlsx_output(write: Callable[[object], None], filename: str) -> Output:
    return Output(filename, XLSX, write=write)


def pdf_output(template_name: str, context: dict, filename: str) -> Output:
    from vanguard.core.exports import render_pdf

    return Output(filename, PDF, content=render_pdf(template_name, context))
