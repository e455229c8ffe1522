"""URLs. Uploaded files are never served from MEDIA_URL: each goes through a view that
checks access (e.g. `campaign-evidence`)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("vanguard.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("vanguard.orgs.urls")),
    path("campaigns/", include("vanguard.campaigns.urls")),
    path("", include("vanguard.portal.urls")),
]
