"""What the survey module prints and publishes: invitation slips with QR codes (PDF), the
list for text messages (Excel), the published draw file (JSON) and the results (PDF).

The slips and the list are the only places a code ever appears: they are made at the
moment the codes are issued (`services.issue_codes`) and are not kept.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.core.dates import format_date
from vanguard.core.exports import Sheet
from vanguard.surveys.models import Draw, Invitation, Survey
from vanguard.surveys.services import format_code


def public_url(request, path: str) -> str:
    """An absolute address on the public site: `VANGUARD_PUBLIC_URL` when set (the office
    may work on an intranet address the public cannot reach), else this request's host."""
    base = getattr(settings, "VANGUARD_PUBLIC_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


def response_url(request, code: str) -> str:
    return public_url(request, reverse("surveys:public-respond", args=[format_code(code)]))


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a PNG data URI, to embed in HTML or a PDF."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass(frozen=True)
class Slip:
    name: str
    group: str
    address: str
    code: str
    url: str
    qr: str


def slips(request, issued: list[tuple[Invitation, str]]) -> list[Slip]:
    found = []
    for invitation, code in issued:
        url = response_url(request, code)
        row = invitation.frame_row
        found.append(
            Slip(row.name, row.group, row.address, format_code(code), url, qr_data_uri(url))
        )
    return found


def slips_context(request, survey: Survey, issued) -> dict:
    return {
        "survey": survey,
        "unit": survey.enrollment.organization,
        "campaign": survey.enrollment.campaign,
        "slips": slips(request, issued),
        "start_url": public_url(request, reverse("surveys:public-start")),
    }


def sms_sheet(request, survey: Survey, issued: list[tuple[Invitation, str]]) -> Sheet:
    unit = survey.enrollment.organization.name
    campaign = survey.enrollment.campaign.title
    closes = format_date(survey.closes_on)

    def rows():
        for invitation, code in issued:
            row = invitation.frame_row
            url = response_url(request, code)
            text = _(
                "Dear %(name)s, you are invited to say how satisfied you are with %(campaign)s "
                "at %(unit)s. Your code is %(code)s; answer by %(date)s at %(url)s . Your "
                "answers are kept apart from your name and code."
            ) % {
                "name": row.name,
                "campaign": campaign,
                "unit": unit,
                "code": format_code(code),
                "date": closes,
                "url": url,
            }
            yield (row.name, row.group, row.phone, format_code(code), url, closes, text)

    return Sheet(
        title=_("Text messages"),
        headers=(
            _("Name"),
            _("Group"),
            _("Phone"),
            _("Code"),
            _("Link"),
            _("Answer by"),
            _("Message"),
        ),
        rows=rows(),
        widths=(12, 12, 16, 18, 50, 16, 90),
    )


def draw_document(draw: Draw) -> dict:
    """The published draw: everything `manage.py verify_draw FRAME.xlsx --draw FILE` needs."""
    frame = draw.frame
    survey = frame.survey
    return {
        "algorithm": draw.algorithm,
        "unit": survey.enrollment.organization.name,
        "campaign": survey.enrollment.campaign.title,
        "survey": survey.number,
        "frame": {
            "fingerprint": draw.fingerprint,
            "rows": frame.row_count,
            "file": frame.filename,
        },
        "seed": draw.seed,
        "seed_source": draw.seed_source,
        "witnesses": draw.witness_list,
        "announced_on": draw.announced_on.isoformat(),
        "size": draw.size,
        "strata": draw.strata,
        "drawn_on": draw.drawn_on.isoformat() if draw.drawn_on else None,
        "selected_rows": draw.selected_rows,
        # For the expert who checks it: the method and the program (no longer on the page).
        "method": [str(step) for step in DRAW_METHOD],
        "verify_command": f"manage.py verify_draw FRAME.xlsx --draw draw-{draw.pk}.json",
    }


DRAW_METHOD = [
    gettext_lazy(
        "Take the list (the Excel file the office imported): its fingerprint is SHA-256 of a "
        "header line and one line per row — row number, name, group, phone, address, joined "
        "by tabs."
    ),
    gettext_lazy(
        "Each row's key is SHA-256 of the seed, the fingerprint and the row number, one per line."
    ),
    gettext_lazy(
        "In each group, the rows with the smallest keys are drawn; the groups' sizes follow "
        "the shares, rounded by the largest remainders."
    ),
]
