"""Putting the inspection archive (档案) together: the documents every part declares
(`registry.archive_parts()`, never a phase app by name), filed in folders, numbered,
rendered one at a time into a ZIP written to a file, with an index PDF (`00-目录.pdf`)
listing every document with its number, title, date and page count.

A unit's archive:

    <unit>-档案/00-目录.pdf
    <unit>-档案/00-综合材料/01-阶段计划.pdf …      the unit's general records
    <unit>-档案/01-学习动员/01-点名册.pdf …        one folder per phase of the template

The campaign's archive holds the campaign's own documents (`00-活动材料/`) and one folder
per unit the requester reads, each laid out as above.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.core import registry
from vanguard.core.archive import ArchiveDocument
from vanguard.core.exports import render_pdf

INDEX_TEMPLATE = "archive/print/index.html"
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(name: str) -> str:
    """A file or folder name any unzip tool accepts (no path separators)."""
    return UNSAFE.sub("_", str(name)).strip(" .") or "_"


@dataclass
class Entry:
    """One document as filed: its number in its folder, its path in the ZIP, its pages."""

    document: ArchiveDocument
    number: int
    path: str
    pages: int | None = None

    @property
    def omitted(self) -> bool:
        return self.document.render is None


@dataclass
class Folder:
    number: int
    title: str
    path: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Archive:
    """Everything to write, in order; `heading` titles the index."""

    heading: str
    subtitle: str
    root: str
    folders: list[Folder]

    @property
    def entries(self) -> list[Entry]:
        return [entry for folder in self.folders for entry in folder.entries]


# -- gathering ------------------------------------------------------------------------------


def unit_documents(enrollment, scope) -> list[ArchiveDocument]:
    return [doc for part in registry.archive_parts() for doc in part(enrollment, scope)]


def campaign_documents(campaign, scope) -> list[ArchiveDocument]:
    return [doc for part in registry.campaign_archive_parts() for doc in part(campaign, scope)]


def _sortable(value: object) -> tuple[int, float, str]:
    """Numbers compare as numbers, anything else (dates, times) by its ISO text."""
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _sorted(documents: Iterable[ArchiveDocument]) -> list[ArchiveDocument]:
    return sorted(
        documents,
        key=lambda d: (tuple(map(_sortable, d.order)), d.on or date.min, d.title),
    )


def _folder(number: int, title: str, parent: str, documents: Sequence[ArchiveDocument]) -> Folder:
    path = f"{parent}{number:02d}-{safe_name(title)}/"
    folder = Folder(number, title, path)
    for index, document in enumerate(_sorted(documents), start=1):
        name = f"{index:02d}-{safe_name(document.title)}.{document.extension}"
        folder.entries.append(Entry(document, index, path + name))
    return folder


def unit_folders(enrollment, documents: Sequence[ArchiveDocument], parent: str) -> list[Folder]:
    """The general records first (`00-…`), then one folder per phase in the template's
    order; a document filed under a phase the template does not have is a general one."""
    phases = list(enrollment.campaign.rules.phases)
    codes = {phase.code for phase in phases}
    general = [d for d in documents if d.phase not in codes]
    folders = [_folder(0, _("General records"), parent, general)] if general else []
    for number, phase in enumerate(phases, start=1):
        filed = [d for d in documents if d.phase == phase.code]
        if filed:
            folders.append(_folder(number, phase.title, parent, filed))
    return folders


def unit_archive(enrollment, scope) -> Archive:
    root = safe_name(_("%(unit)s-archive") % {"unit": enrollment.organization.name}) + "/"
    folders = unit_folders(enrollment, unit_documents(enrollment, scope), root)
    return Archive(
        _("Archive of %(unit)s") % {"unit": enrollment.organization.name},
        enrollment.campaign.title,
        root,
        folders,
    )


def campaign_archive(campaign, enrollments, scope) -> Archive:
    """The campaign's documents, then each unit's (in `enrollments`' order)."""
    root = safe_name(_("%(unit)s-archive") % {"unit": campaign.title}) + "/"
    own = campaign_documents(campaign, scope)
    folders = [_folder(0, _("Campaign records"), root, own)] if own else []
    for number, enrollment in enumerate(enrollments, start=1):
        parent = f"{root}{number:02d}-{safe_name(enrollment.organization.name)}/"
        for folder in unit_folders(enrollment, unit_documents(enrollment, scope), parent):
            folder.title = f"{enrollment.organization.name} · {folder.title}"
            folders.append(folder)
    heading = _("Archive of %(unit)s") % {"unit": campaign.title}
    return Archive(heading, campaign.organization.name, root, folders)


# -- writing --------------------------------------------------------------------------------


def count_pages(content: bytes | None = None, file=None) -> int | None:
    """A PDF's page count (pypdf); None when it is not a PDF that can be read."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(BytesIO(content) if content is not None else file).pages)
    except (PdfReadError, ValueError, OSError):
        return None


def _write_entry(zip_file: zipfile.ZipFile, entry: Entry) -> None:
    assert entry.document.render is not None
    content = entry.document.render()
    is_pdf = entry.document.extension == "pdf"
    if isinstance(content, bytes):
        zip_file.writestr(entry.path, content)
        entry.pages = count_pages(content) if is_pdf else None
        return
    with content.open("rb") as source, zip_file.open(entry.path, "w") as target:  # type: ignore[attr-defined]
        shutil.copyfileobj(source, target, 1 << 20)
    if is_pdf:
        with content.open("rb") as source:  # type: ignore[attr-defined]
            entry.pages = count_pages(file=source)


def index_name() -> str:
    return f"00-{_('Contents')}.pdf"


def write(
    file, archive: Archive, progress: Callable[[int, int], None] = lambda done, total: None
) -> None:
    """Write the ZIP to `file` (a temporary file, not memory): every document in turn,
    then the index, which knows each one's page count once it has been rendered."""
    entries = archive.entries
    total = len(entries) + 1
    progress(0, total)
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        for done, entry in enumerate(entries, start=1):
            if not entry.omitted:
                _write_entry(zip_file, entry)
            progress(done, total)
        context = {"archive": archive, "made_on": timezone.localdate()}
        zip_file.writestr(archive.root + index_name(), render_pdf(INDEX_TEMPLATE, context))
    progress(total, total)
