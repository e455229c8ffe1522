"""Rectification's pages in the benchmark, all on the public site (no login): the
campaign's public rectification list (every unit's published list with its figures), the
measured unit's published list, and one of its published items with the history of its
changes and its shown comments."""

from __future__ import annotations

from bench.fixture import page
from vanguard.rectification.models import CommentStatus, RectificationItem

ITEM_PAGE = "public rectification item"


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    return [
        page("public rectification list", "public-rectification-campaign", [campaign.code]),
        page(
            "public rectification unit list",
            "public-rectification-unit",
            [campaign.code, enrollment.organization.code],
        ),
        _item_page(enrollment),
    ]


def _item_page(enrollment) -> dict:
    """A published item of the unit with the most to show: shown comments and changes."""
    published = RectificationItem.objects.filter(
        enrollment=enrollment, published_at__isnull=False
    ).order_by("-reopen_count", "public_id")
    item = published.filter(comments__status=CommentStatus.APPROVED).first() or published.first()
    if item is None:
        return {"name": ITEM_PAGE, "missing": "no published item in the measured unit"}
    return page(ITEM_PAGE, "public-rectification-item", [item.public_id])
