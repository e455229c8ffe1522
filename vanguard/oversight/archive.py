"""The oversight part of the inspection archive (档案): the liaison officers' 督导检查 of the
unit with their suggestions and the unit's answers. Declared as `archive` in the oversight
PhaseApp; shown to the unit's staff readers (`can_see_supervision`), as on its pages."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from vanguard.campaigns.archive import phase_on
from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.oversight.models import Suggestion, SupervisionVisit


def unit_archive(enrollment, scope) -> Iterator[ArchiveDocument]:
    org = enrollment.organization
    if not enrollment.campaign.has_module("liaison") or not scope.can_see_supervision(org):
        return
    visits = SupervisionVisit.objects.filter(
        org.subtree_q("organization__"), assignment__batch=enrollment.batch
    )
    last = visits.aggregate(last=Max("visited_on"))["last"]
    if last is None:
        return
    title = _("Supervision visits and suggestions")

    def table() -> archive.Table:
        suggestions = Prefetch("suggestions", queryset=Suggestion.objects.order_by("pk"))
        rows = [
            [
                visit.visited_on,
                visit.organization.name,
                visit.checked,
                visit.findings,
                "\n".join(
                    f"{s.text}（{s.get_status_display()}）{'：' + s.answer if s.answer else ''}"
                    for s in visit.suggestions.all()
                ),
            ]
            for visit in visits.select_related("organization")
            .prefetch_related(suggestions)
            .order_by("visited_on", "pk")
        ]
        headers = [
            _("Visited on"),
            _("Unit"),
            _("What was checked"),
            _("Findings"),
            _("Suggestions"),
        ]
        subtitle = f"{org.name} · {enrollment.campaign.title}"
        return archive.Table(title, subtitle, headers, rows)

    yield ArchiveDocument(
        title,
        "pdf",
        archive.table_pdf(table),
        phase=phase_on(enrollment, last),
        on=last,
        order=(75,),
    )
