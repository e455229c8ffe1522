"""The printable 整改清单: rows for Excel and the context of the PDF, for one unit's list or
the bureau's whole list (every unit in scope plus the bureau's own items).

Rendering is `vanguard.core.exports`'; here only what goes in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.core.dates import format_date
from vanguard.core.exports import Sheet, pdf_response, sheets_response
from vanguard.rectification import stats

PDF_TEMPLATE = "rectification/print_list.html"


@dataclass
class Section:
    """One list of the printout: a unit's, or the bureau's own."""

    title: str
    items: list
    summary: stats.ListSummary


def headers() -> list[str]:
    return [
        _("No."),
        _("Unit"),
        _("Level"),
        _("Problem"),
        _("Source"),
        _("Measures"),
        _("Responsible person"),
        _("Deadline"),
        _("Status"),
        _("Progress (%)"),
        _("Explanation to the public"),
    ]


def row(number: int, item) -> list[object]:
    return [
        number,
        item.organization.name,
        item.get_level_display(),
        item.problem,
        item.get_source_kind_display(),
        item.measures,
        item.responsible.name if item.responsible else "",
        format_date(item.deadline) if item.deadline else "",
        item.get_status_display(),
        item.progress,
        item.explanation,
    ]


def sections_for(lists, items, today) -> list[Section]:
    """`lists`: (key, title) in print order; `items`: the items to print, in order."""
    by_key: dict = {}
    for item in items:
        by_key.setdefault(item.enrollment_id, []).append(item)
    summaries = {key: stats_for(by_key.get(key, []), today) for key, _title in lists}
    return [Section(title, by_key.get(key, []), summaries[key]) for key, title in lists]


def stats_for(items, today) -> stats.ListSummary:
    """A list's figures from items already loaded (no query)."""
    summary = stats.ListSummary(items=len(items))
    for item in items:
        summary.by_status[item.status] = summary.by_status.get(item.status, 0) + 1
        summary.overdue += item.is_overdue(today)
    summary.weight_sum = sum(item.weight for item in items)
    summary.weighted_sum = sum(item.progress * item.weight for item in items)
    return summary


def sheet(sections: list[Section]) -> Sheet:
    def rows():
        number = 0
        for section in sections:
            for item in section.items:
                number += 1
                yield row(number, item)

    return Sheet(
        title=_("Rectification list"),
        headers=headers(),
        rows=rows(),
        widths=(6, 20, 10, 40, 12, 40, 10, 14, 10, 8, 30),
    )


def pdf_context(*, title: str, subtitle: str, sections: list[Section], public: bool) -> dict:
    return {
        "title": title,
        "subtitle": subtitle,
        "sections": sections,
        "printed_on": timezone.localdate(),
        "public": public,
    }


def excel(sections: list[Section], filename: str):
    return sheets_response([sheet(sections)], filename)


def pdf(
    request, *, title: str, subtitle: str, sections: list[Section], filename: str, public: bool
):
    context = pdf_context(title=title, subtitle=subtitle, sections=sections, public=public)
    return pdf_response(PDF_TEMPLATE, context, filename, request=request)
