"""Public pages of this app (no login), mounted under /public/news/."""

from django.urls import path

from vanguard.oversight.views import publicity

urlpatterns = [
    path("", publicity.public_news, name="oversight-public-news"),
    path("<int:pk>/", publicity.public_article, name="oversight-public-article"),
    path(
        "commendations/",
        publicity.public_commendations,
        name="oversight-public-commendations",
    ),
]
