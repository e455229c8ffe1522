from django.urls import path

from vanguard.campaigns import views, views_groups

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
