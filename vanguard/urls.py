"""URLs. Uploaded files are never served from MEDIA_URL: each goes through a view that
checks access (e.g. `campaign-evidence`)."""

from django.contrib import admin
from django.urls import include, path

from vanguard.ops.health import health_view

urlpatterns = [
    path("admin/", admin.site.urls),
    # Database, cache, storage, disk and worker queue (django-health-check); no login.
    path("health/", health_view(), name="health"),
    path("accounts/", include("vanguard.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("vanguard.orgs.urls")),
    path("campaigns/", include("vanguard.campaigns.urls")),
    path("study/", include("vanguard.study.urls")),
    path("schools/", include("vanguard.schools.urls")),
    path("appraisal/", include("vanguard.appraisal.urls")),
    path("rectification/", include("vanguard.rectification.urls")),
    path("surveys/", include("vanguard.surveys.urls")),
    path("oversight/", include("vanguard.oversight.urls")),
    path("situation/", include("vanguard.situation.urls")),
    path("reporting/", include("vanguard.reporting.urls")),
    path("downloads/", include("vanguard.reports.urls")),
    path("notifications/", include("vanguard.notifications.urls")),
    # The public site: no login.
    path("public/", include("vanguard.portal.public_urls")),
    path("public/opinions/", include("vanguard.appraisal.public_urls")),
    path("public/rectification/", include("vanguard.rectification.public_urls")),
    path("public/surveys/", include("vanguard.surveys.public_urls")),
    path("public/news/", include("vanguard.oversight.public_urls")),
    path("public/study/", include("vanguard.study.public_urls")),
    path("public/briefs/", include("vanguard.reporting.public_urls")),
    path("", include("vanguard.portal.urls")),
]
