"""The public site's front page (no login); each app mounts its own public pages."""

from django.urls import path

from vanguard.portal import public_views

urlpatterns = [
    path("", public_views.index, name="public-index"),
]
