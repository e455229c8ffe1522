"""Public pages of this app (no login), mounted under /public/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
