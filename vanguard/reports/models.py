"""A job of the background worker that a user started: an export (its file is downloaded
from "my downloads") or an import (its result page lists what was imported, or every
problem found).

The row is the user's record of the job: the task updates its status and progress, the
page polls it. Files expire (`VANGUARD_DOWNLOAD_HOURS`); `manage.py expire_downloads`
deletes the file and keeps the row, marked expired. No history: progress updates many times
a second would fill the audit trail with nothing anyone asked for.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _file_path(job: Job, filename: str) -> str:
    # The user's file name is kept in `filename`; on disk a name nobody can guess.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"jobs/{job.token}.{extension}"


class JobQuerySet(models.QuerySet):
    def owned_by(self, user) -> JobQuerySet:
        """A user's own jobs: nobody else sees them, whatever their role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def due_to_expire(self, now) -> JobQuerySet:
        return self.filter(expires__lte=now, expired=False)


class Job(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("job"), max_length=80)  # the registry's name
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(default=dict, blank=True)  # an import's counts or problems
    upload = models.FileField(upload_to="jobs/uploads/", blank=True)  # an import's workbook
    upload_name = models.CharField(max_length=255, blank=True)
    file = models.FileField(upload_to=_file_path, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(_("started"), default=timezone.now)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    expired = models.BooleanField(_("expired"), default=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["owner", "-created"])]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and not self.expired
