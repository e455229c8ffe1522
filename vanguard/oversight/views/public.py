"""The public pages of publicity and commendation (no login): published news and deeds,
and the published commendations."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from vanguard.oversight.models import Article, ArticleStatus, Commendation, CommendationStatus
from vanguard.oversight.selectors import label_kinds
from vanguard.oversight.views.common import query_string_without_page
from vanguard.oversight.views.publicity import PER_PAGE


def public_news(request):
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related(
        "organization", "member"
    )
    kind = request.GET.get("kind", "")
    if kind:
        articles = articles.filter(kind=kind)
    page = Paginator(articles.order_by("-published_on", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "query_string": query_string_without_page(request), "kind": kind}
    return render(request, "oversight/public_news.html", context)


def public_article(request, pk):
    article = get_object_or_404(
        Article.objects.select_related("organization", "member"),
        pk=pk,
        status=ArticleStatus.PUBLISHED,
    )
    return render(request, "oversight/public_article.html", {"article": article})


def public_commendations(request):
    commendations = (
        Commendation.objects.filter(status=CommendationStatus.PUBLISHED)
        .select_related("campaign", "member__organization", "organization")
        .order_by("campaign", "kind", "-published_on", "pk")
    )
    groups: dict[tuple, list] = {}
    campaigns = {}
    for commendation in commendations:
        campaign = campaigns.setdefault(commendation.campaign_id, commendation.campaign)
        label_kinds([commendation], campaign)
        key = (campaign.title, commendation.kind_label)
        groups.setdefault(key, []).append(commendation)
    rows = [
        {"campaign": campaign, "kind": kind, "commendations": items}
        for (campaign, kind), items in groups.items()
    ]
    return render(request, "oversight/public_commendations.html", {"groups": rows})
