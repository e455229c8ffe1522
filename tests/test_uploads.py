"""Uploads: the one validator accepts evidence by content (not by name) and the upload
handler stops reading a request as soon as a file passes VANGUARD_MAX_UPLOAD_MB."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from vanguard.campaigns.models import StepEvidence
from vanguard.uploads import (
    LimitedUploadHandler,
    validate_evidence_file,
    validate_workbook_file,
)


def xlsx() -> bytes:
    raw = io.BytesIO()
    Workbook().save(raw)
    return raw.getvalue()


def docx() -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return raw.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

ACCEPTED = [
    ("方案.pdf", b"%PDF-1.7\n..."),
    ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
    ("照片.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
    ("照片.jpeg", b"\xff\xd8\xff\xe1" + b"\x00" * 16),
    ("记录.docx", docx()),
    ("名单.xlsx", xlsx()),
    ("记录.doc", OLE),
    ("名单.xls", OLE),
    ("说明.txt", "会议记录：全体党员参加。".encode()),
    ("说明.txt", "会议记录".encode("gb18030")),
]
REFUSED = [
    ("page.html", b"<!DOCTYPE html><script>alert(1)</script>"),
    ("page.txt", b"<html><script>alert(1)</script></html>"),  # html renamed
    ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("image.png", b'<?xml version="1.0"?><svg onload="alert(1)"/>'),  # svg renamed
    ("setup.exe", EXE),
    ("方案.pdf", EXE),  # an executable renamed
    ("说明.txt", EXE),
    ("方案.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),  # content and name disagree
    ("记录.docx", xlsx()),
    ("archive.zip", docx()),
    ("noname", b"%PDF-1.7"),
]


@pytest.mark.parametrize(("name", "content"), ACCEPTED)
def test_evidence_of_an_allowed_type_is_accepted(name, content):
    validate_evidence_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_other_files_are_refused_by_content(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_evidence_file(SimpleUploadedFile(name, content))
    assert refused.value.code == "file_type"


def test_workbook_fields_take_xlsx_only():
    validate_workbook_file(SimpleUploadedFile("名单.xlsx", xlsx()))
    for name, content in [("名单.xls", OLE), ("名单.xlsx", docx()), ("名单.xlsx", b"a,b\n")]:
        with pytest.raises(ValidationError):
            validate_workbook_file(SimpleUploadedFile(name, content))


@pytest.fixture
def evidence_url(enrollments):
    enrollment = enrollments["A"]
    return reverse(
        "campaigns:unit-evidence", args=[enrollment.campaign_id, enrollment.pk, "make_plan"]
    )


@pytest.mark.parametrize(("name", "content"), REFUSED[:6])
def test_an_evidence_upload_of_a_refused_type_stores_nothing(
    login, personas, evidence_url, name, content
):
    client = login(personas["alice"])
    response = client.post(
        evidence_url,
        {
            "make_plan-evidence-title": "方案",
            "make_plan-evidence-file": SimpleUploadedFile(name, content),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert validate_evidence_file.message() in response.content.decode()
    assert not StepEvidence.objects.exists()


def test_an_oversize_upload_is_refused_with_the_limit_named(
    login, personas, evidence_url, settings
):
    settings.VANGUARD_MAX_UPLOAD_MB = 1
    client = login(personas["alice"])
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * (2 * 1024 * 1024))
    response = client.post(
        evidence_url,
        {"make_plan-evidence-title": "方案", "make_plan-evidence-file": big},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("The file is larger than %(limit)s MB.") % {"limit": 1} in body
    assert 'value="方案"' in body  # the title typed is kept
    assert not StepEvidence.objects.exists()


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def test_the_upload_handler_stops_reading_past_the_limit(rf, settings):
    settings.VANGUARD_MAX_UPLOAD_MB = 1
    body = encode_multipart(
        BOUNDARY,
        {
            "title": "方案",
            "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * (8 * 1024 * 1024)),
        },
    )
    stream = CountingStream(body)
    request = rf.get("/")  # the handler only notes the refusal on it
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    handlers = [LimitedUploadHandler(request)]
    post, files = MultiPartParser(meta, stream, handlers).parse()

    assert stream.consumed < 2 * 1024 * 1024  # of 8 MB sent
    assert post["title"] == "方案" and "file" not in files
    assert request.refused_uploads["file"][0] == "big.pdf"
