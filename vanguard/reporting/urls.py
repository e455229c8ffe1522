"""URLs of reporting (阶段总结、转段验收, 简报, the campaign report, 数据大屏; namespace
`reporting`): signed-in pages under /reporting/, public pages (no login) under
/public/briefs/."""

from django.urls import include, path

from vanguard.reporting.views import briefs, campaign_report, public, screen, summaries

app_name = "reporting"

pages = [
    # phase summaries and their sign-off
    path("<int:campaign_pk>/summaries/", summaries.summary_list, name="summaries"),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/summaries/",
        summaries.unit_summaries,
        name="unit-summaries",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/summaries/<slug:phase_code>/submit/",
        summaries.summary_submit,
        name="summary-submit",
    ),
    path("summaries/<int:pk>/", summaries.summary_detail, name="summary"),
    path("summaries/<int:pk>/print/", summaries.summary_pdf, name="summary-pdf"),
    path(
        "summaries/<int:pk>/<slug:action>/",
        summaries.summary_review,
        name="summary-review",
    ),
    path("evidence/<int:pk>/", summaries.summary_evidence, name="summary-evidence"),
    # briefs
    path("<int:campaign_pk>/briefs/", briefs.brief_list, name="briefs"),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/briefs/",
        briefs.unit_briefs,
        name="unit-briefs",
    ),
    path(
        "<int:campaign_pk>/units/<int:enrollment_pk>/briefs/new/",
        briefs.brief_new,
        name="brief-new",
    ),
    path("briefs/<int:pk>/", briefs.brief_detail, name="brief"),
    path("briefs/<int:pk>/<slug:action>/", briefs.brief_action, name="brief-action"),
    path("pictures/<int:pk>/", briefs.brief_picture, name="brief-picture"),
    # the campaign report and the data screen (the leading group)
    path("<int:campaign_pk>/report/", campaign_report.report_page, name="campaign-report"),
    path(
        "<int:campaign_pk>/report/<slug:fmt>/",
        campaign_report.report_start,
        name="campaign-report-start",
    ),
    path("<int:campaign_pk>/screen/", screen.screen_page, name="screen"),
    path("<int:campaign_pk>/screen/data/", screen.screen_data, name="screen-data"),
]

# The public site (no login).
public_pages = [
    path("", public.public_briefs, name="public-briefs"),
    path("<int:pk>/", public.public_brief, name="public-brief"),
    path("pictures/<int:pk>/", public.public_picture, name="public-picture"),
]

urlpatterns = [
    path("reporting/", include(pages)),
    path("public/briefs/", include(public_pages)),
]
