"""Signed-in pages of rectification, under /rectification/; public pages (no login) under
/public/rectification/. Namespace `rectification`."""

from django.urls import include, path

from vanguard.rectification.views import export, items, longterm, public

app_name = "rectification"

UNIT = "<int:campaign_pk>/units/<int:enrollment_pk>/"

pages = [
    path("<int:campaign_pk>/", items.overview, name="overview"),
    path("<int:campaign_pk>/effect/", items.effect_page, name="effect"),
    path("<int:campaign_pk>/bureau/", items.bureau_list, name="bureau"),
    path("<int:campaign_pk>/bureau/new/", items.new_bureau_item, name="bureau-new"),
    path("<int:campaign_pk>/bureau/publish/", items.publish_unit, name="bureau-publish"),
    path(
        "<int:campaign_pk>/list.<str:fmt>",
        export.campaign_export,
        name="campaign-export",
    ),
    path(
        "<int:campaign_pk>/from-source/<int:type_id>/<int:object_id>/",
        items.new_item_from_source,
        name="from-source",
    ),
    path(UNIT, items.unit_list, name="unit"),
    path(UNIT + "new/", items.new_unit_item, name="unit-new"),
    path(UNIT + "publish/", items.publish_unit, name="unit-publish"),
    path(UNIT + "list.<str:fmt>", export.unit_export, name="unit-export"),
    path(UNIT + "longterm/", longterm.longterm, name="longterm"),
    path(UNIT + "mechanisms/", longterm.add_mechanism, name="mechanism-add"),
    path(UNIT + "cultivation/", longterm.add_cultivation, name="cultivation-add"),
    path(
        UNIT + "cultivation/<int:person_pk>/",
        longterm.advance_cultivation,
        name="cultivation-advance",
    ),
    path(UNIT + "pairings/", longterm.add_pairing, name="pairing-add"),
    path(
        "mechanisms/<int:pk>/occurrences/",
        longterm.add_occurrence,
        name="occurrence-add",
    ),
    path("<int:campaign_pk>/deeds/", longterm.deeds, name="deeds"),
    path("<int:campaign_pk>/deeds/new/", longterm.add_deed, name="deed-add"),
    path("deeds/<int:pk>/evidence/", longterm.deed_evidence, name="deed-evidence"),
    path("<int:campaign_pk>/comments/", items.comments, name="comments"),
    path("comments/<int:pk>/moderate/", items.moderate_comment, name="comment-moderate"),
    path("items/<int:pk>/", items.item_detail, name="item"),
    path("items/<int:pk>/edit/", items.edit_item, name="item-edit"),
    path("items/<int:pk>/delete/", items.delete_item, name="item-delete"),
    path("items/<int:pk>/notes/", items.add_note, name="item-note"),
    path("items/<int:pk>/evidence/", items.upload_evidence, name="item-evidence"),
    path("items/<int:pk>/publish/", items.publish_item, name="item-publish"),
    path("items/<int:pk>/explain/", items.explain_item, name="item-explain"),
    path("items/<int:pk>/<slug:action>/", items.item_action, name="item-action"),
    path("evidence/<int:pk>/", items.download_evidence, name="evidence"),
]

# The public site (no login).
public_pages = [
    path("", public.index, name="public-index"),
    path("items/<slug:public_id>/", public.item_page, name="public-item"),
    path(
        "items/<slug:public_id>/comment/",
        public.comment,
        name="public-comment",
    ),
    path("<slug:code>/", public.campaign_page, name="public-campaign"),
    path(
        "<slug:code>/units/<str:org_code>/",
        public.unit_page,
        name="public-unit",
    ),
    path(
        "<slug:code>/units/<str:org_code>/list.<str:fmt>",
        public.unit_export,
        name="public-unit-export",
    ),
]

urlpatterns = [
    path("rectification/", include(pages)),
    path("public/rectification/", include(public_pages)),
]
