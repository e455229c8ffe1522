"""URLs of reports (namespace `reports`): signed-in pages under /downloads/."""

from django.urls import include, path

from vanguard.reports.views import downloads

app_name = "reports"

pages = [
    path("", downloads.downloads, name="downloads"),
    path("<int:pk>/", downloads.job_detail, name="job-detail"),
    path("<int:pk>/file", downloads.job_file, name="job-file"),
]

urlpatterns = [
    path("downloads/", include(pages)),
]
