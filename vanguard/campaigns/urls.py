from django.urls import path

from vanguard.campaigns import setup_views, views, views_groups

urlpatterns = [
    path("<int:pk>/", views.overview, name="campaign-overview"),
    path("<int:pk>/enroll/", views.enroll_unit, name="campaign-enroll"),
    path("<int:pk>/verdicts/<str:code>/", views.verdict_detail, name="campaign-verdict"),
    path("<int:pk>/units/<int:enrollment_pk>/", views.unit_detail, name="campaign-unit"),
    path("<int:pk>/units/<int:enrollment_pk>/plan/", views.edit_plan, name="campaign-unit-plan"),
    path(
        "<int:pk>/units/<int:enrollment_pk>/steps/<slug:code>/",
        views.update_step,
        name="campaign-unit-step",
    ),
    path(
        "<int:pk>/units/<int:enrollment_pk>/steps/<slug:code>/evidence/",
        views.upload_evidence,
        name="campaign-unit-evidence",
    ),
    path("<int:pk>/units/<int:enrollment_pk>/close/", views.close_unit, name="campaign-unit-close"),
    path(
        "<int:pk>/units/<int:enrollment_pk>/remedial/",
        views.open_remedial,
        name="campaign-unit-remedial",
    ),
    path(
        "<int:pk>/units/<int:enrollment_pk>/remedial/dates/",
        views.date_remedial,
        name="campaign-unit-remedial-dates",
    ),
    path("evidence/<int:pk>/", views.download_evidence, name="campaign-evidence"),
    path(
        "<int:pk>/units/<int:enrollment_pk>/groups/",
        views_groups.unit_groups,
        name="campaign-unit-groups",
    ),
    path(
        "<int:pk>/units/<int:enrollment_pk>/groups/<int:member_pk>/",
        views_groups.set_group,
        name="campaign-unit-group-set",
    ),
]

# Setting campaigns up (活动设置): the campaign office and superusers only.
urlpatterns += [
    path("setup/", setup_views.setup_index, name="campaign-setup"),
    path("setup/templates/new/", setup_views.template_upload, name="campaign-setup-template"),
    path("setup/start/", setup_views.campaign_start, name="campaign-setup-start"),
    path("setup/<int:pk>/", setup_views.campaign_detail, name="campaign-setup-detail"),
    path("setup/<int:pk>/end/", setup_views.campaign_end, name="campaign-setup-end"),
    path("setup/<int:pk>/archive/", setup_views.campaign_archive, name="campaign-setup-archive"),
    path("setup/<int:pk>/batches/new/", setup_views.batch_create, name="campaign-setup-batch-new"),
    path(
        "setup/<int:pk>/batches/<int:batch_pk>/",
        setup_views.batch_detail,
        name="campaign-setup-batch",
    ),
    path(
        "setup/<int:pk>/batches/<int:batch_pk>/enroll/",
        setup_views.batch_enroll,
        name="campaign-setup-enroll",
    ),
    path(
        "setup/<int:pk>/batches/<int:batch_pk>/enroll/xlsx/",
        setup_views.batch_enroll_workbook,
        name="campaign-setup-enroll-xlsx",
    ),
]
