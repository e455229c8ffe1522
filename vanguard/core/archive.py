"""The documents of the inspection archive (档案, issue 18), as the phase apps describe them.

A phase app declares `archive` in its `PhaseApp` entry: the dotted path of
`archive(enrollment, scope) -> Iterable[ArchiveDocument]`. Each document says where it is
filed (`phase`: a phase code of the campaign's template, or None for the unit's general
records), its title and date, its file type, and how to make it (`render`: PDF or Excel
bytes, or a stored file copied in as it is). Nothing is rendered until the archive app
writes the ZIP, one document at a time, so a part costs its queries only, not its layout.

A document the requester may not read is still declared, with `omitted` saying why and no
`render`: the index lists it as left out, so an inspector knows it exists.

The helpers below reuse the writers of `vanguard.core.exports`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Protocol


class StoredFile(Protocol):
    """A stored file (a `FieldFile`): copied into the archive as it is."""

    name: str

    def open(self, mode: str = ...) -> object: ...


Content = bytes | StoredFile


@dataclass(frozen=True)
class ArchiveDocument:
    title: str
    extension: str  # "pdf", "xlsx", or a stored file's own extension
    render: Callable[[], Content] | None = None
    phase: str | None = None  # a phase code of the template; None: the general records
    on: date | None = None  # the document's date, shown in the index
    order: Sequence[object] = ()  # orders the documents of one folder (then the title)
    omitted: str = ""  # why the document is left out (then `render` is None)


def pdf(template_name: str, context: dict | Callable[[], dict]) -> Callable[[], bytes]:
    """Render a print template (extending `reports/print_base.html`) when the archive asks;
    `context` may be a function, so that its queries too run only then."""
    from vanguard.core.exports import render_pdf

    return lambda: render_pdf(template_name, context() if callable(context) else context)


def sheets(make_sheets: Callable[[], Iterable[object]]) -> Callable[[], bytes]:
    """A workbook of `vanguard.core.exports.Sheet`s, made when the archive asks."""
    from vanguard.core.exports import write_sheets

    def render() -> bytes:
        buffer = BytesIO()
        write_sheets(buffer, make_sheets())  # type: ignore[arg-type]
        return buffer.getvalue()

    return render


TABLE_TEMPLATE = "reports/print_table.html"


@dataclass(frozen=True)
class Table:
    """A record printed as a table: a title, the unit's name under it, headers and rows."""

    title: str
    subtitle: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    note: str = ""
    landscape: bool = True


def table_pdf(table: Table | Callable[[], Table]) -> Callable[[], bytes]:
    return pdf(TABLE_TEMPLATE, lambda: {"table": table() if callable(table) else table})


def stored(file: StoredFile) -> Callable[[], Content]:
    return lambda: file


def extension_of(name: str, default: str = "bin") -> str:
    """The lower-case extension of a stored file's name (its type in the archive)."""
    tail = name.rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1].lower() if "." in tail else default
