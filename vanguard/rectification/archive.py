"""The 整改提高 part of the inspection archive (档案): the unit's 整改清单 as printed, its
history (every progress note), and the evidence files of its items and practical deeds,
copied in as they are. Declared as `archive` in the rectification PhaseApp; the items are
those the requester sees (`list_items`), as on the list's page and in its export."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.campaigns.archive import phase_on
from vanguard.core import archive
from vanguard.core.archive import ArchiveDocument
from vanguard.rectification import exports, jobs
from vanguard.rectification.models import EvidenceFile, ProgressNote
from vanguard.rectification.views.items import list_items


def unit_archive(enrollment, scope) -> Iterator[ArchiveDocument]:
    if not enrollment.campaign.has_module("rectification"):
        return
    items = list_items(scope, enrollment, enrollment.campaign)
    notes = ProgressNote.objects.filter(item__in=items)
    last = (
        notes.aggregate(last=Max("noted_on"))["last"]
        or items.aggregate(last=Max("deadline"))["last"]
    )
    phase = phase_on(enrollment, last)
    yield ArchiveDocument(
        _("Rectification list"),
        "pdf",
        archive.pdf(exports.PDF_TEMPLATE, lambda: _list_context(enrollment, items)),
        phase=phase,
        on=last,
        order=(60,),
    )
    yield ArchiveDocument(
        _("History of the rectification list"),
        "pdf",
        archive.table_pdf(lambda: _history(enrollment, notes)),
        phase=phase,
        on=last,
        order=(61,),
    )
    evidence = EvidenceFile.objects.filter(
        Q(item__in=items) | Q(deed__enrollment=enrollment)
    ).order_by("uploaded_at", "pk")
    for file in evidence:
        yield ArchiveDocument(
            file.title,
            archive.extension_of(file.file.name),
            archive.stored(file.file),
            phase=phase,
            on=timezone.localdate(file.uploaded_at),
            order=(69, file.uploaded_at),
        )


def _list_context(enrollment, items) -> dict:
    """The context of the list's PDF export (`rectification.jobs.unit_list`)."""
    name = enrollment.organization.name
    items = items.select_related("organization", "responsible").order_by(*jobs.ORDER)
    sections = exports.sections_for([(enrollment.pk, name)], items, timezone.localdate())
    return exports.pdf_context(
        title=jobs.title_of(name),
        subtitle=enrollment.campaign.title,
        sections=sections,
        public=False,
    )


def _history(enrollment, notes) -> archive.Table:
    rows = [
        [note.item.problem, note.noted_on, f"{note.progress}%", note.text, _author(note)]
        for note in notes.select_related("item", "author").order_by("item_id", "noted_on", "pk")
    ]
    return archive.Table(
        _("History of the rectification list"),
        f"{enrollment.organization.name} · {enrollment.campaign.title}",
        [_("Problem"), _("Date"), _("Progress (%)"), _("Note"), _("Recorded by")],
        rows,
    )


def _author(note) -> str:
    author = note.author
    return (author.full_name or author.username) if author else ""
