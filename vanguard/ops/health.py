"""The health endpoint's checks (django-health-check): database, cache, file storage,
disk space and the background worker's queue. `/health/` answers 200 when all pass, 500
otherwise (JSON with `?format=json`)."""

import dataclasses
import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.contrib.psutil import Disk
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


class ClosesConnections:
    """Synchronous checks run in the event loop's worker threads: a query there opens that
    thread's own database connection, closed here when the check ends (else it stays open
    until the thread's connection object is collected)."""

    def run(self):
        try:
            super().run()
        finally:
            connections.close_all()


@dataclasses.dataclass
class DatabaseCheck(ClosesConnections, Database):
    """`Database`, closing its thread's connection."""


@dataclasses.dataclass
class WorkerQueue(HealthCheck):
    """The worker (`manage.py db_worker`) is running: no task has waited longer than
    `VANGUARD_HEALTH_QUEUE_MINUTES` to start."""

    def run(self):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        limit = timezone.now() - datetime.timedelta(minutes=settings.VANGUARD_HEALTH_QUEUE_MINUTES)
        try:
            stuck = DBTaskResult.objects.filter(
                status=TaskResultStatus.READY, run_after__lt=limit, enqueued_at__lt=limit
            ).count()
        finally:
            connections.close_all()  # this worker thread's own connection
        if stuck:
            raise ServiceUnavailable(f"{stuck} task(s) waiting; is db_worker running?")


def _existing(path) -> str:
    """The media folder, or its nearest existing parent (a fresh install has none yet)."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return str(path)


@dataclasses.dataclass
class MediaDisk(Disk):
    """Free space where uploaded files and backups are written."""

    path: str = dataclasses.field(default_factory=lambda: _existing(settings.MEDIA_ROOT))


def health_view():
    return HealthCheckView.as_view(
        checks=[
            DatabaseCheck,
            Cache,
            Storage,
            MediaDisk,
            WorkerQueue,
        ]
    )
