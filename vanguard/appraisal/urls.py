"""Signed-in pages of 分析评议, mounted under /appraisal/; public pages (no login) under
/public/opinions/. Namespace `appraisal`."""

from django.urls import include, path

from vanguard.appraisal.views import member, opinions, overview, public, records, rounds

app_name = "appraisal"

UNIT = "<int:campaign_pk>/units/<int:enrollment_pk>"

pages = [
    path("me/", member.my_appraisal, name="me"),
    path("<int:campaign_pk>/", overview.overview, name="overview"),
    # opinions
    path("<int:campaign_pk>/opinions/", opinions.opinion_list, name="opinions"),
    path(
        "<int:campaign_pk>/opinions/export/",
        opinions.opinion_export,
        name="opinions-export",
    ),
    path("<int:campaign_pk>/opinions/new/", opinions.opinion_new, name="opinion-new"),
    path("opinions/<int:pk>/", opinions.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/answer/", opinions.opinion_answer, name="opinion-answer"),
    path(
        "opinions/<int:pk>/feedback/",
        opinions.opinion_feedback,
        name="opinion-feedback",
    ),
    path("opinions/<int:pk>/close/", opinions.opinion_close, name="opinion-close"),
    path("opinions/<int:pk>/pass/", opinions.opinion_pass, name="opinion-pass"),
    path(
        "opinions/<int:pk>/member/",
        opinions.opinion_link_member,
        name="opinion-member",
    ),
    # talks, self-analyses, meetings
    path(f"{UNIT}/talks/", records.talks, name="talks"),
    path(f"{UNIT}/self-analyses/", records.self_analyses, name="self-analyses"),
    path(
        "<int:campaign_pk>/self-analyses/<int:member_pk>/",
        records.self_analysis,
        name="self-analysis",
    ),
    path(
        "<int:campaign_pk>/self-analyses/<int:member_pk>/review/",
        records.self_analysis_review,
        name="self-analysis-review",
    ),
    path(
        "<int:campaign_pk>/self-analyses/<int:member_pk>/enter/",
        records.self_analysis_enter,
        name="self-analysis-enter",
    ),
    path(
        "<int:campaign_pk>/my-self-analysis/",
        records.my_self_analysis,
        name="my-self-analysis",
    ),
    path(f"{UNIT}/meetings/", records.meetings, name="meetings"),
    path("meetings/<int:pk>/", records.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", records.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/items/", records.meeting_item, name="meeting-item"),
    # democratic appraisal
    path(f"{UNIT}/rounds/", rounds.rounds, name="rounds"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/vote/", rounds.round_vote, name="vote"),
    path("rounds/<int:pk>/ballots/", rounds.round_ballots, name="ballots"),
    path("rounds/<int:pk>/codes/", rounds.round_codes, name="round-codes"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round-close"),
    path("rounds/<int:pk>/tellers/", rounds.round_tellers, name="round-tellers"),
    path("rounds/<int:pk>/count/", rounds.round_count, name="round-count"),
    path("rounds/<int:pk>/conclusions/", rounds.round_conclusions, name="conclusions"),
    path("rounds/<int:pk>/publish/", rounds.round_publish, name="round-publish"),
    path("rounds/<int:pk>/export/", rounds.round_export, name="round-export"),
    path("rounds/<int:pk>/results.pdf", rounds.round_notice_pdf, name="round-pdf"),
]

# The public site (no login).
public_pages = [
    path("", public.public_opinion, name="public-opinion"),
    path("receipt/", public.public_receipt, name="public-receipt"),
    path("notices/", public.public_notices, name="public-notices"),
    path("notices/<int:pk>/", public.public_notice, name="public-notice"),
    path("ballot/", public.public_ballot, name="public-ballot"),
    path("ballot/check/", public.public_ballot_check, name="public-ballot-check"),
]

urlpatterns = [
    path("appraisal/", include(pages)),
    path("public/opinions/", include(public_pages)),
]
