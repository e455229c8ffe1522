"""URLs. Each app mounts its own pages under its namespace (`app_name` in its `urls.py`,
e.g. `campaigns:overview`), signed-in pages under its prefix and public pages (no login)
under /public/. Uploaded files are never served from MEDIA_URL: each goes through a view
that checks access (e.g. `campaigns:evidence`)."""

from django.contrib import admin
from django.urls import include, path

from vanguard.ops.health import health_view

APPS = (
    "accounts",
    "orgs",
    "campaigns",
    "study",
    "schools",
    "appraisal",
    "rectification",
    "surveys",
    "oversight",
    "situation",
    "reporting",
    "archive",
    "reports",
    "notifications",
    "portal",  # last: its landing pages sit at the root
)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Database, cache, storage, disk and worker queue (django-health-check); no login.
    path("health/", health_view(), name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    *(path("", include(f"vanguard.{app}.urls")) for app in APPS),
]
