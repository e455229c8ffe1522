"""Signed-in pages of 分析评议, mounted under /appraisal/."""

from django.urls import path

from vanguard.appraisal.views import member, opinions, overview, records, rounds

UNIT = "<int:campaign_pk>/units/<int:enrollment_pk>"

urlpatterns = [
    path("me/", member.my_appraisal, name="appraisal-me"),
    path("<int:campaign_pk>/", overview.overview, name="appraisal-overview"),
    # opinions
    path("<int:campaign_pk>/opinions/", opinions.opinion_list, name="appraisal-opinions"),
    path(
        "<int:campaign_pk>/opinions/export/",
        opinions.opinion_export,
        name="appraisal-opinions-export",
    ),
    path("<int:campaign_pk>/opinions/new/", opinions.opinion_new, name="appraisal-opinion-new"),
    path("opinions/<int:pk>/", opinions.opinion_detail, name="appraisal-opinion"),
    path("opinions/<int:pk>/answer/", opinions.opinion_answer, name="appraisal-opinion-answer"),
    path(
        "opinions/<int:pk>/feedback/",
        opinions.opinion_feedback,
        name="appraisal-opinion-feedback",
    ),
    path("opinions/<int:pk>/close/", opinions.opinion_close, name="appraisal-opinion-close"),
    path("opinions/<int:pk>/pass/", opinions.opinion_pass, name="appraisal-opinion-pass"),
    path(
        "opinions/<int:pk>/member/",
        opinions.opinion_link_member,
        name="appraisal-opinion-member",
    ),
    # talks, self-analyses, meetings
    path(f"{UNIT}/talks/", records.talks, name="appraisal-talks"),
    path(f"{UNIT}/self-analyses/", records.self_analyses, name="appraisal-self-analyses"),
    path(
        "<int:campaign_pk>/self-analyses/<int:member_pk>/",
        records.self_analysis,
        name="appraisal-self-analysis",
    ),
    path(
        "<int:campaign_pk>/self-analyses/<int:member_pk>/review/",
        records.self_analysis_review,
        name="appraisal-self-analysis-review",
    ),
    path(
        "<int:campaign_pk>/self-analyses/<int:member_pk>/enter/",
        records.self_analysis_enter,
        name="appraisal-self-analysis-enter",
    ),
    path(
        "<int:campaign_pk>/my-self-analysis/",
        records.my_self_analysis,
        name="appraisal-my-self-analysis",
    ),
    path(f"{UNIT}/meetings/", records.meetings, name="appraisal-meetings"),
    path("meetings/<int:pk>/", records.meeting_detail, name="appraisal-meeting"),
    path("meetings/<int:pk>/edit/", records.meeting_edit, name="appraisal-meeting-edit"),
    path("meetings/<int:pk>/items/", records.meeting_item, name="appraisal-meeting-item"),
    # democratic appraisal
    path(f"{UNIT}/rounds/", rounds.rounds, name="appraisal-rounds"),
    path("rounds/<int:pk>/", rounds.round_detail, name="appraisal-round"),
    path("rounds/<int:pk>/vote/", rounds.round_vote, name="appraisal-vote"),
    path("rounds/<int:pk>/ballots/", rounds.round_ballots, name="appraisal-ballots"),
    path("rounds/<int:pk>/codes/", rounds.round_codes, name="appraisal-round-codes"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="appraisal-round-close"),
    path("rounds/<int:pk>/tellers/", rounds.round_tellers, name="appraisal-round-tellers"),
    path("rounds/<int:pk>/count/", rounds.round_count, name="appraisal-round-count"),
    path("rounds/<int:pk>/conclusions/", rounds.round_conclusions, name="appraisal-conclusions"),
    path("rounds/<int:pk>/publish/", rounds.round_publish, name="appraisal-round-publish"),
    path("rounds/<int:pk>/export/", rounds.round_export, name="appraisal-round-export"),
    path("rounds/<int:pk>/results.pdf", rounds.round_notice_pdf, name="appraisal-round-pdf"),
]
