"""The inspection archive's background jobs (`vanguard.reports.jobs`): a unit's ZIP and the
campaign's. Access is checked again here with the owner's scope, rebuilt in the worker."""

from __future__ import annotations

from django.utils import timezone

from vanguard.archive import assemble
from vanguard.reports import jobs

ZIP = "application/zip"


def _output(ctx, archive: assemble.Archive) -> jobs.Output:
    name = f"{archive.root.rstrip('/')}-{timezone.localdate():%Y%m%d}.zip"
    return jobs.Output(name, ZIP, write=lambda file: assemble.write(file, archive, ctx.progress))


@jobs.export("archive.unit")
def unit_archive(ctx, campaign_pk, enrollment_pk) -> jobs.Output:
    enrollment = ctx.scope.get_unit_archive_or_404(campaign_pk, enrollment_pk)
    return _output(ctx, assemble.unit_archive(enrollment, ctx.scope))


@jobs.export("archive.campaign")
def campaign_archive(ctx, campaign_pk) -> jobs.Output:
    campaign = ctx.scope.get_campaign_archive_or_404(campaign_pk)
    enrollments = (
        ctx.scope.archive_enrollments(campaign)
        .select_related("campaign__organization", "organization", "batch")
        .prefetch_related("phases")
        .order_by("batch__number", "organization__path")
    )
    return _output(ctx, assemble.campaign_archive(campaign, list(enrollments), ctx.scope))
