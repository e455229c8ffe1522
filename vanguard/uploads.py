"""What may be uploaded, and how much of it is read.

- `FileTypeValidator`: the one validator of every upload field. A file is accepted when its
  *content* is of an allowed type and agrees with its name: PDF, PNG and JPEG images, Word
  and Excel documents (.docx/.xlsx zip packages, .doc/.xls OLE files) and plain text.
  HTML, SVG, executables and anything else are refused, renamed or not. It also refuses a
  file over `VANGUARD_MAX_UPLOAD_MB` (or the field's own, smaller limit).
- `LimitedUploadHandler` (first in `FILE_UPLOAD_HANDLERS`): stops reading the request body
  as soon as one file passes `VANGUARD_MAX_UPLOAD_MB`, instead of receiving it whole;
  `OversizeUploadMiddleware` puts an empty stand-in of the refused file in `request.FILES`,
  so that the form shows its ordinary "larger than … MB" message and keeps the fields
  already received.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EBML = b"\x1a\x45\xdf\xa3"  # WebM (Matroska)

EVIDENCE_TYPES = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "doc", "xls", "txt")
WORKBOOK_TYPES = ("xlsx",)
IMAGE_TYPES = ("png", "jpg", "jpeg")
TEMPLATE_TYPES = ("toml", "txt")
# 网络党校 materials: documents to read online and videos to watch (MP4, WebM).
STUDY_MATERIAL_TYPES = ("pdf", "docx", "doc", "txt", "mp4", "webm")


def max_upload_bytes() -> int:
    return settings.VANGUARD_MAX_UPLOAD_MB * 1024 * 1024


def content_type_of(head: bytes, file) -> str | None:
    """The type the content is, as a file extension (`"docx"`, `"xls"`, `"txt"` …), or None."""
    if head.startswith(PDF):
        return "pdf"
    if head.startswith(PNG):
        return "png"
    if head.startswith(JPEG):
        return "jpeg"
    if head.startswith(OLE):
        return "ole"  # .doc or .xls: both are OLE compound files
    if head.startswith(ZIP):
        return _office_package(file)
    if head[4:8] == b"ftyp":
        return "mp4"  # ISO base media: the first box is the file type
    if head.startswith(EBML):
        return "webm"
    if _is_text(head):
        return "txt"
    return None


def _office_package(file) -> str | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")):
        return False  # markup a browser would run (executables have NUL bytes)
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4:  # a character cut at the end of the sample
                return True
            continue
        return True
    return False


_MATCHES = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpeg"},
    "jpeg": {"jpeg"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "doc": {"ole"},
    "xls": {"ole"},
    "txt": {"txt"},
    "toml": {"txt"},
    "mp4": {"mp4"},
    "webm": {"webm"},
}


@deconstructible
class FileTypeValidator:
    """Accepts a file whose content is of one of `types` (extensions) and matches its name,
    and whose size is within `max_mb` (default: `VANGUARD_MAX_UPLOAD_MB`)."""

    def __init__(self, types=EVIDENCE_TYPES, max_mb: int | None = None):
        self.types = tuple(types)
        self.max_mb = max_mb

    def __call__(self, upload) -> None:
        limit_mb = self.max_mb or settings.VANGUARD_MAX_UPLOAD_MB
        if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit_mb},
                code="too_large",
            )
        extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
        position = upload.tell() if hasattr(upload, "tell") else 0
        try:
            upload.seek(0)
            head = upload.read(2048)
            found = content_type_of(head, upload)
        finally:
            upload.seek(position)
        if extension not in self.types or found not in _MATCHES.get(extension, ()):
            raise ValidationError(self.message(), code="file_type")

    def message(self) -> str:
        if self.types == WORKBOOK_TYPES:
            return _("The file is not a valid Excel workbook (.xlsx).")
        if self.types == IMAGE_TYPES:
            return _("Upload a picture (PNG or JPEG) whose content matches its name.")
        if self.types == TEMPLATE_TYPES:
            return _("A campaign template is a plain text TOML file (.toml).")
        if self.types == STUDY_MATERIAL_TYPES:
            return _(
                "This type of file is not accepted: upload a PDF, a Word document, a plain "
                "text file or a video (MP4 or WebM), whose content matches its name."
            )
        return _(
            "This type of file is not accepted: upload a PDF, an image (PNG or JPEG), a Word "
            "or Excel document or a plain text file, whose content matches its name."
        )

    def __eq__(self, other):
        return (
            isinstance(other, FileTypeValidator)
            and self.types == other.types
            and self.max_mb == other.max_mb
        )


validate_evidence_file = FileTypeValidator(EVIDENCE_TYPES)
validate_workbook_file = FileTypeValidator(WORKBOOK_TYPES)
validate_image_file = FileTypeValidator(IMAGE_TYPES)
validate_template_file = FileTypeValidator(TEMPLATE_TYPES, max_mb=1)
validate_study_material = FileTypeValidator(STUDY_MATERIAL_TYPES)


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading the request as soon as one file passes the upload limit."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            if self.request is not None:
                refused = getattr(self.request, "refused_uploads", {})
                refused[self.field_name] = (self.file_name, self.received)
                self.request.refused_uploads = refused
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file


class OversizeUploadMiddleware:
    """Gives the view an empty stand-in of each file refused for its size, so that the
    form says so (with the size received) instead of "this field is required"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.FILES  # noqa: B018  (parses the body, through LimitedUploadHandler)
            for field, (name, size) in getattr(request, "refused_uploads", {}).items():
                stand_in = UploadedFile(io.BytesIO(b""), name=name, size=size)
                request.FILES.setlist(field, [stand_in])
        return None
