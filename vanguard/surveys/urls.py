"""The upper level's survey pages, mounted under /surveys/."""

from django.urls import path

from vanguard.surveys import views

urlpatterns = [
    path("campaign/<int:campaign_pk>/", views.index, name="surveys-index"),
    path("units/<int:enrollment_pk>/new/", views.create, name="surveys-create"),
    path("frame-template/", views.frame_template, name="surveys-frame-template"),
    path("frames/<int:pk>/", views.frame_rows, name="surveys-frame"),
    path("<int:pk>/", views.detail, name="surveys-detail"),
    path("<int:pk>/dates/", views.edit_dates, name="surveys-dates"),
    path("<int:pk>/lists/<slug:method>/", views.import_frame, name="surveys-frame-import"),
    path("<int:pk>/announce/", views.announce, name="surveys-announce"),
    path("<int:pk>/draw/", views.make_draw, name="surveys-draw"),
    path("<int:pk>/codes/", views.issue_codes, name="surveys-codes"),
    path("<int:pk>/open/", views.open_survey, name="surveys-open"),
    path("<int:pk>/close/", views.close_survey, name="surveys-close"),
    path("<int:pk>/tellers/", views.appoint_tellers, name="surveys-tellers"),
    path("<int:pk>/publish/", views.publish, name="surveys-publish"),
    path("<int:pk>/results/", views.results_page, name="surveys-results"),
    path("<int:pk>/results.pdf", views.results_pdf, name="surveys-results-pdf"),
]
