"""The campaign report written out: charts drawn on the server (matplotlib, Agg), a Word
document (python-docx) and a PDF (WeasyPrint), both from one `campaign_report.ReportData`.

Charts are PNG images embedded in both documents; their Chinese labels need a CJK font,
found by name through matplotlib's font manager (Debian's fonts-noto-cjk). Without one the
charts still draw, with the default font.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

from vanguard.campaigns.verdicts import Severity
from vanguard.core.dates import format_date
from vanguard.core.exports import render_pdf
from vanguard.reporting.campaign_report import LEVELS, ReportData, percent, row_values

CJK_FONT = "Noto Sans CJK SC"
LEVEL_COLOURS = {Severity.OK: "#2e7d32", Severity.WARNING: "#f9a825", Severity.FAILING: "#c62828"}


@dataclass
class Chart:
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@cache
def _font_family() -> list[str]:
    """The CJK font first when matplotlib finds it, then matplotlib's default."""
    from matplotlib import font_manager

    try:
        font_manager.findfont(CJK_FONT, fallback_to_default=False)
    except ValueError:
        return ["DejaVu Sans"]
    return [CJK_FONT, "DejaVu Sans"]


def _figure(width: float = 8, height: float = 3.6):
    from matplotlib import rcParams
    from matplotlib.figure import Figure  # no pyplot: no global state, Agg by default

    rcParams["font.family"] = _font_family()
    rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def charts(data: ReportData) -> list[Chart]:
    """Rates per batch (参学率, 满意率 …), rectification per batch, the units' verdicts."""
    found = [_rates_chart(data), _rectification_chart(data), _verdicts_chart(data)]
    return [chart for chart in found if chart is not None]


def _rates_chart(data: ReportData) -> Chart | None:
    columns = [c for c in data.columns if c.kind in ("rate", "percent")]
    if not columns or not data.batches:
        return None
    title = _("Rates by batch, per cent")
    figure = _figure()
    axes = figure.subplots()
    width = 0.8 / len(columns)
    for index, column in enumerate(columns):
        values = [percent(column, b.numbers.get(column.key)) for b in data.batches]
        positions = [n + index * width for n in range(len(data.batches))]
        bars = axes.bar(positions, [v or 0 for v in values], width, label=str(column.label))
        shown = ["—" if v is None else f"{v:.1f}" for v in values]  # none: no survey yet
        axes.bar_label(bars, labels=shown, fontsize=8)
    axes.set_xticks([n + width * (len(columns) - 1) / 2 for n in range(len(data.batches))])
    axes.set_xticklabels([b.title for b in data.batches])
    axes.set_ylim(0, 110)
    axes.set_title(title)
    axes.legend(loc="lower right", fontsize=8)
    return Chart(title, _png(figure))


RECTIFICATION_BARS = {  # column key → colour
    "rectification.items": "#90a4ae",
    "rectification.done": "#2e7d32",
    "rectification.overdue": "#c62828",
}


def _rectification_chart(data: ReportData) -> Chart | None:
    columns = {c.key: c for c in data.columns}
    if not data.batches or any(key not in columns for key in RECTIFICATION_BARS):
        return None
    title = _("Rectification by batch")
    figure = _figure()
    axes = figure.subplots()
    width = 0.8 / len(RECTIFICATION_BARS)
    for index, (key, colour) in enumerate(RECTIFICATION_BARS.items()):
        values = [b.numbers.get(key) or 0 for b in data.batches]
        positions = [n + index * width for n in range(len(data.batches))]
        bars = axes.bar(positions, values, width, color=colour, label=str(columns[key].label))
        axes.bar_label(bars, fontsize=8)
    axes.set_xticks([n + width for n in range(len(data.batches))])
    axes.set_xticklabels([b.title for b in data.batches])
    axes.set_title(title)
    axes.legend(loc="upper right", fontsize=8)
    return Chart(title, _png(figure))


def _verdicts_chart(data: ReportData) -> Chart | None:
    from matplotlib.ticker import MaxNLocator

    if not data.batches:
        return None
    title = _("Units by verdict and batch")
    figure = _figure()
    axes = figure.subplots()
    names = [b.title for b in data.batches]
    bottom = [0] * len(names)
    for level in LEVELS:
        counts = [b.levels.get(level, 0) for b in data.batches]
        axes.barh(names, counts, left=bottom, color=LEVEL_COLOURS[level], label=level.label)
        bottom = [a + b for a, b in zip(bottom, counts, strict=True)]
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # units are counted whole
    axes.set_title(title)
    axes.legend(loc="lower right", fontsize=8)
    return Chart(title, _png(figure))


# -- the PDF -------------------------------------------------------------------------------


def pdf(data: ReportData, drawn: list[Chart]) -> bytes:
    batches = [*data.batches, data.total]
    context = {
        "data": data,
        "campaign": data.campaign,
        "heading_line": _heading_line(data),
        "level_labels": _level_labels(),
        "charts": drawn,
        "batch_rows": [(b, row_values(data, b)) for b in batches],
        "unit_rows": [(u, row_values(data, u)) for u in data.units],
    }
    return render_pdf("reporting/print/campaign_report.html", context)


# -- the Word document ---------------------------------------------------------------------


def docx(data: ReportData, drawn: list[Chart]) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = CJK_FONT, Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)

    campaign = data.campaign
    document.add_heading(campaign.title, level=0)
    document.add_paragraph(_heading_line(data))

    document.add_heading(_("Figures by batch"), level=1)
    header = [_("Batch"), _("Units"), *[str(c.label) for c in data.columns], *_level_labels()]
    rows = [
        [b.title, str(len(b.units)), *row_values(data, b), *map(str, b.level_counts)]
        for b in [*data.batches, data.total]
    ]
    _table(document, header, rows)
    for chart in drawn:
        document.add_picture(io.BytesIO(chart.png), width=Cm(20))

    document.add_heading(_("Figures by unit"), level=1)
    header = [_("Unit"), _("Batch"), *[str(c.label) for c in data.columns], _("Verdict")]
    rows = [[u.name, u.batch, *row_values(data, u), u.level.label] for u in data.units]
    _table(document, header, rows)

    document.add_heading(_("Effect"), level=1)
    _table(document, [_("Measure"), _("Value")], [list(pair) for pair in data.effects])

    document.add_heading(_("Commendations"), level=1)
    if data.commendations:
        header = [_("Commendation"), _("Commended"), _("Nominated by"), _("Status")]
        rows = [[c["kind"], c["subject"], c["unit"], c["status"]] for c in data.commendations]
        _table(document, header, rows)
    else:
        document.add_paragraph(_("No commendation has been approved."))

    document.add_heading(_("Units in a remedial cycle"), level=1)
    if data.remedial:
        for unit in data.remedial:
            document.add_paragraph(f"{unit.name}（{unit.batch}）", style="List Bullet")
    else:
        document.add_paragraph(_("No unit is in a remedial cycle."))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _heading_line(data: ReportData) -> str:
    campaign = data.campaign
    return _("%(starts)s to %(ends)s · %(units)s units · made on %(made)s") % {
        "starts": format_date(campaign.starts_on),
        "ends": format_date(campaign.ends_on),
        "units": len(data.total.units),
        "made": format_date(data.made_at.date()),
    }


def _level_labels() -> list[str]:
    return [level.label for level in LEVELS]


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
