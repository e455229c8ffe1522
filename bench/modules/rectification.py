"""Rectification's pages in the benchmark, all on the public site (no login): the
campaign's public rectification list (every unit's published list with its figures), the
measured unit's published list, and one of its published items with the history of its
changes and its shown comments."""

from __future__ import annotations

from bench.fixture import page
from vanguard.rectification.models import CommentStatus, RectificationItem

UNIT_PAGE = "public rectification unit list"
ITEM_PAGE = "public rectification item"


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    found = [page("public rectification list", "rectification:public-campaign", [campaign.code])]
    published = RectificationItem.objects.filter(
        enrollment=enrollment, published_at__isnull=False
    ).order_by("-reopen_count", "public_id")
    # The item with the most to show: a reopened one with shown comments, if any.
    item = published.filter(comments__status=CommentStatus.APPROVED).first() or published.first()
    if item is None:  # the unit's list is not public yet (404)
        missing = "nothing published by the measured unit"
        found += [{"name": UNIT_PAGE, "missing": missing}, {"name": ITEM_PAGE, "missing": missing}]
        return found
    unit = [campaign.code, enrollment.organization.code]
    found += [
        page(UNIT_PAGE, "rectification:public-unit", unit),
        page(ITEM_PAGE, "rectification:public-item", [item.public_id]),
    ]
    return found
