"""URLs of campaigns (namespace `campaigns`): signed-in pages under /campaigns/."""

from django.urls import include, path

from vanguard.campaigns.views import campaign, groups, setup

app_name = "campaigns"

pages = [
    path("<int:campaign_pk>/", campaign.overview, name="overview"),
    path("<int:campaign_pk>/enroll/", campaign.enroll_unit, name="enroll"),
    path("<int:campaign_pk>/verdicts/<str:code>/", campaign.verdict_detail, name="verdict"),
    path("<int:campaign_pk>/units/<int:enrollment_pk>/", campaign.unit_detail, name="unit"),
    path("<int:campaign_pk>/units/<int:enrollment_pk>/plan/", campaign.edit_plan, name="unit-plan"),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/steps/<slug:code>/",
        campaign.update_step,
        name="unit-step",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/steps/<slug:code>/evidence/",
        campaign.upload_evidence,
        name="unit-evidence",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/close/", campaign.close_unit, name="unit-close"
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/remedial/",
        campaign.open_remedial,
        name="unit-remedial",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/remedial/dates/",
        campaign.date_remedial,
        name="unit-remedial-dates",
    ),
    path("evidence/<int:pk>/", campaign.download_evidence, name="evidence"),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/groups/",
        groups.unit_groups,
        name="unit-groups",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/groups/<int:member_pk>/",
        groups.set_group,
        name="unit-group-set",
    ),
    path(
        "<int:campaign_pk>/group-steps/<int:member_pk>/<slug:code>/",
        groups.record_group_step,
        name="group-step",
    ),
]

# Setting campaigns up (活动设置): the campaign office and superusers only.
pages += [
    path("setup/", setup.setup_index, name="setup"),
    path("setup/templates/new/", setup.template_upload, name="setup-template"),
    path("setup/start/", setup.campaign_start, name="setup-start"),
    path("setup/<int:campaign_pk>/", setup.campaign_detail, name="setup-detail"),
    path("setup/<int:campaign_pk>/end/", setup.campaign_end, name="setup-end"),
    path("setup/<int:campaign_pk>/archive/", setup.campaign_archive, name="setup-archive"),
    path("setup/<int:campaign_pk>/batches/new/", setup.batch_create, name="setup-batch-new"),
    path(
        "setup/<int:campaign_pk>/batches/<int:batch_pk>/",
        setup.batch_detail,
        name="setup-batch",
    ),
    path(
        "setup/<int:campaign_pk>/batches/<int:batch_pk>/enroll/",
        setup.batch_enroll,
        name="setup-enroll",
    ),
    path(
        "setup/<int:campaign_pk>/batches/<int:batch_pk>/enroll/xlsx/",
        setup.batch_enroll_workbook,
        name="setup-enroll-xlsx",
    ),
]

urlpatterns = [
    path("campaigns/", include(pages)),
]
