"""URLs of the inspection archive (档案; namespace `archive`), under /archive/."""

from django.urls import include, path

from vanguard.archive.views import downloads

app_name = "archive"

pages = [
    path("<int:campaign_pk>/", downloads.campaign_archive, name="campaign"),
    path("<int:campaign_pk>/build/", downloads.campaign_archive_start, name="campaign-build"),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/",
        downloads.unit_archive,
        name="unit",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/build/",
        downloads.unit_archive_start,
        name="unit-build",
    ),
]

urlpatterns = [path("archive/", include(pages))]
