from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("vanguard.accounts.urls")),
    path("orgs/", include("vanguard.orgs.urls")),
    path("campaigns/", include("vanguard.campaigns.urls")),
    path("", include("vanguard.portal.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
