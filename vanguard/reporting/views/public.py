"""Public pages (no login): the briefs the office published, as news of the campaign."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from vanguard.ops.files import send_file
from vanguard.reporting.models import Brief, BriefPicture, BriefStatus

PER_PAGE = 30


def public_briefs(request):
    briefs = (
        Brief.objects.filter(status=BriefStatus.PUBLISHED)
        .select_related("enrollment__organization")
        .order_by("-published_on", "-pk")
    )
    page = Paginator(briefs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reporting/public_briefs.html", {"page": page})


def public_brief(request, pk):
    brief = get_object_or_404(
        Brief.objects.select_related("enrollment__organization"),
        pk=pk,
        status=BriefStatus.PUBLISHED,
    )
    return render(
        request,
        "reporting/public_brief.html",
        {"brief": brief, "pictures": brief.pictures.all()},
    )


def public_picture(request, pk):
    picture = get_object_or_404(BriefPicture, pk=pk, brief__status=BriefStatus.PUBLISHED)
    return send_file(picture.image)
