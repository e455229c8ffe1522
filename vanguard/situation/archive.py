"""The situation part of the inspection archive (档案): the unit's 突出问题 (withdrawn ones
kept and marked), filed under the phase of the template's 摸清问题 step. Declared as
`archive` in the situation PhaseApp; the unit's staff readers see it (`can_see_situation`)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Max
from django.utils.translation import gettext as _

from vanguard.campaigns.archive import step_phases
from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.situation.models import Problem


def unit_archive(enrollment, scope) -> Iterator[ArchiveDocument]:
    rule = enrollment.campaign.rules.situation
    if rule is None or not scope.can_see_situation(enrollment.organization):
        return
    problems = Problem.objects.filter(enrollment=enrollment)
    last = problems.aggregate(last=Max("recorded_on"))["last"]
    if last is None:
        return
    title = _("Prominent problems of the unit")

    def table() -> archive.Table:
        headings = {item.code: item.title for item in rule.entered}
        rows = [
            [
                headings.get(p.heading, ""),
                p.title,
                p.description,
                p.recorded_on,
                p.withdrawn_on,
            ]
            for p in problems.order_by("recorded_on", "pk")
        ]
        headers = [_("Aspect"), _("Problem"), _("Description"), _("Recorded on"), _("Withdrawn on")]
        subtitle = f"{enrollment.organization.name} · {enrollment.campaign.title}"
        return archive.Table(title, subtitle, headers, rows)

    yield ArchiveDocument(
        title,
        "pdf",
        archive.table_pdf(table),
        phase=step_phases(enrollment).get(rule.step),
        on=last,
        order=(5,),
    )
