"""The satisfaction-survey part of the inspection archive (档案): each draw's published
record (frame fingerprint, algorithm, seed, witnesses, size: what lets anyone re-draw it;
never the people drawn) and each closed survey's results as printed, for a requester who
may see them. Declared as `archive` in the surveys PhaseApp."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from vanguard.campaigns.archive import phase_on
from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.surveys.models import Draw, Survey
from vanguard.surveys.views.surveys import RESULTS_PDF, results_context


def unit_archive(enrollment, scope) -> Iterator[ArchiveDocument]:
    if not enrollment.campaign.has_module("surveys"):
        return
    draws = Draw.objects.filter(
        frame__survey__enrollment=enrollment, drawn_on__isnull=False
    ).select_related("frame__survey")
    for draw in draws.order_by("drawn_on", "pk"):
        title = _("Sample draw of survey %(number)s") % {"number": draw.frame.survey.number}
        yield ArchiveDocument(
            title,
            "pdf",
            archive.table_pdf(_draw_table(enrollment, draw, title)),
            phase=phase_on(enrollment, draw.drawn_on),
            on=draw.drawn_on,
            order=(70, draw.drawn_on),
        )
    surveys = Survey.objects.filter(enrollment=enrollment, closed_on__isnull=False).select_related(
        "enrollment__organization", "enrollment__campaign", "enrollment__batch"
    )
    org = enrollment.organization
    for survey in surveys.order_by("closed_on", "pk"):
        if not scope.can_see_survey_results(org, published=survey.published_on is not None):
            continue
        yield ArchiveDocument(
            _("Satisfaction survey results %(number)s") % {"number": survey.number},
            "pdf",
            archive.pdf(RESULTS_PDF, _context(scope, survey)),
            phase=phase_on(enrollment, survey.closed_on),
            on=survey.closed_on,
            order=(71, survey.closed_on),
        )


def _draw_table(enrollment, draw: Draw, title: str) -> archive.Table:
    frame = draw.frame
    rows: list[list[object]] = [
        [_("Sampling frame"), f"{frame.filename} · {frame.get_method_display()}"],
        [_("Rows"), frame.row_count],
        [_("Frame fingerprint (SHA-256)"), draw.fingerprint],
        [_("Algorithm"), draw.algorithm],
        [_("Seed"), draw.seed],
        [_("How the seed was made"), draw.seed_source],
        [_("Witnesses"), "、".join(draw.witness_list)],
        [_("Sample size"), draw.size],
        [_("Seed announced on"), draw.announced_on],
        [_("Drawn on"), draw.drawn_on],
    ]
    subtitle = f"{enrollment.organization.name} · {enrollment.campaign.title}"
    return archive.Table(title, subtitle, [_("Item"), _("Value")], rows, landscape=False)


def _context(scope, survey: Survey) -> Callable[[], dict]:
    return lambda: results_context(scope, survey)
