"""The upper level's survey pages, mounted under /surveys/; public pages (no login) under
/public/surveys/. Namespace `surveys`."""

from django.urls import include, path

from vanguard.surveys.views import public, surveys

app_name = "surveys"

pages = [
    path("campaign/<int:campaign_pk>/", surveys.index, name="index"),
    path("units/<int:enrollment_pk>/new/", surveys.create, name="create"),
    path("frame-template/", surveys.frame_template, name="frame-template"),
    path("frames/<int:pk>/", surveys.frame_rows, name="frame"),
    path("<int:pk>/", surveys.detail, name="detail"),
    path("<int:pk>/dates/", surveys.edit_dates, name="dates"),
    path("<int:pk>/lists/<slug:method>/", surveys.import_frame, name="frame-import"),
    path("<int:pk>/announce/", surveys.announce, name="announce"),
    path("<int:pk>/draw/", surveys.make_draw, name="draw"),
    path("<int:pk>/codes/", surveys.issue_codes, name="codes"),
    path("<int:pk>/open/", surveys.open_survey, name="open"),
    path("<int:pk>/close/", surveys.close_survey, name="close"),
    path("<int:pk>/tellers/", surveys.appoint_tellers, name="tellers"),
    path("<int:pk>/publish/", surveys.publish, name="publish"),
    path("<int:pk>/results/", surveys.results_page, name="results"),
    path("<int:pk>/results.pdf", surveys.results_pdf, name="results-pdf"),
]

# The public site (no login).
public_pages = [
    path("", public.start, name="public-start"),
    path("r/<str:code>/", public.respond, name="public-respond"),
    path("thanks/", public.thanks, name="public-thanks"),
    path("draws/", public.draws, name="public-draws"),
    path("draws/<int:pk>/", public.draw_detail, name="public-draw"),
    path("draws/<int:pk>.json", public.draw_file, name="public-draw-file"),
]

urlpatterns = [
    path("surveys/", include(pages)),
    path("public/surveys/", include(public_pages)),
]
