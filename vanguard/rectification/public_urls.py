"""Public pages of rectification (no login), mounted under /public/rectification/."""

from django.urls import path

from vanguard.rectification import views_public

urlpatterns = [
    path("", views_public.index, name="public-rectification-index"),
    path("items/<slug:public_id>/", views_public.item_page, name="public-rectification-item"),
    path(
        "items/<slug:public_id>/comment/",
        views_public.comment,
        name="public-rectification-comment",
    ),
    path("<slug:code>/", views_public.campaign_page, name="public-rectification-campaign"),
    path(
        "<slug:code>/units/<str:org_code>/",
        views_public.unit_page,
        name="public-rectification-unit",
    ),
    path(
        "<slug:code>/units/<str:org_code>/list.<str:fmt>",
        views_public.unit_export,
        name="public-rectification-unit-export",
    ),
]
