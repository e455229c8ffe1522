"""Signed-in pages of rectification, under /rectification/."""

from django.urls import path

from vanguard.rectification import views, views_export, views_longterm

UNIT = "<int:pk>/units/<int:enrollment_pk>/"

urlpatterns = [
    path("<int:pk>/", views.overview, name="rectification-overview"),
    path("<int:pk>/effect/", views.effect_page, name="rectification-effect"),
    path("<int:pk>/bureau/", views.bureau_list, name="rectification-bureau"),
    path("<int:pk>/bureau/new/", views.new_bureau_item, name="rectification-bureau-new"),
    path("<int:pk>/bureau/publish/", views.publish_unit, name="rectification-bureau-publish"),
    path(
        "<int:pk>/list.<str:fmt>",
        views_export.campaign_export,
        name="rectification-campaign-export",
    ),
    path(
        "<int:pk>/from-source/<int:type_id>/<int:object_id>/",
        views.new_item_from_source,
        name="rectification-from-source",
    ),
    path(UNIT, views.unit_list, name="rectification-unit"),
    path(UNIT + "new/", views.new_unit_item, name="rectification-unit-new"),
    path(UNIT + "publish/", views.publish_unit, name="rectification-unit-publish"),
    path(UNIT + "list.<str:fmt>", views_export.unit_export, name="rectification-unit-export"),
    path(UNIT + "longterm/", views_longterm.longterm, name="rectification-longterm"),
    path(UNIT + "mechanisms/", views_longterm.add_mechanism, name="rectification-mechanism-add"),
    path(
        UNIT + "cultivation/", views_longterm.add_cultivation, name="rectification-cultivation-add"
    ),
    path(
        UNIT + "cultivation/<int:person_pk>/",
        views_longterm.advance_cultivation,
        name="rectification-cultivation-advance",
    ),
    path(UNIT + "pairings/", views_longterm.add_pairing, name="rectification-pairing-add"),
    path(
        "mechanisms/<int:pk>/occurrences/",
        views_longterm.add_occurrence,
        name="rectification-occurrence-add",
    ),
    path("<int:pk>/deeds/", views_longterm.deeds, name="rectification-deeds"),
    path("<int:pk>/deeds/new/", views_longterm.add_deed, name="rectification-deed-add"),
    path(
        "deeds/<int:pk>/evidence/", views_longterm.deed_evidence, name="rectification-deed-evidence"
    ),
    path("<int:pk>/comments/", views.comments, name="rectification-comments"),
    path(
        "comments/<int:pk>/moderate/", views.moderate_comment, name="rectification-comment-moderate"
    ),
    path("items/<int:pk>/", views.item_detail, name="rectification-item"),
    path("items/<int:pk>/edit/", views.edit_item, name="rectification-item-edit"),
    path("items/<int:pk>/delete/", views.delete_item, name="rectification-item-delete"),
    path("items/<int:pk>/notes/", views.add_note, name="rectification-item-note"),
    path("items/<int:pk>/evidence/", views.upload_evidence, name="rectification-item-evidence"),
    path("items/<int:pk>/publish/", views.publish_item, name="rectification-item-publish"),
    path("items/<int:pk>/explain/", views.explain_item, name="rectification-item-explain"),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="rectification-item-action"),
    path("evidence/<int:pk>/", views.download_evidence, name="rectification-evidence"),
]
