"""URLs of portal (namespace `portal`): signed-in pages under the site's root, public pages (no
login) under /public/."""

from django.urls import include, path

from vanguard.portal.views import landing, public

app_name = "portal"

pages = [
    path("", landing.home, name="home"),
    path("me/", landing.me, name="me"),
    path("campaign/", landing.pick_campaign, name="pick-campaign"),
]

# The public site (no login).
public_pages = [
    path("", public.index, name="public-index"),
]

urlpatterns = [
    path("", include(pages)),
    path("public/", include(public_pages)),
]
