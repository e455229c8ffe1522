"""Signed-in pages of leadership and supervision, mounted under /oversight/; public pages (no
login) under /public/news/. Namespace `oversight`."""

from django.urls import include, path

from vanguard.oversight.views import (
    dispositions,
    duties,
    groups,
    leader,
    liaison,
    public,
    publicity,
)

app_name = "oversight"

pages = [
    # the leader's home page
    path("leader/", leader.leader_home, name="leader-home"),
    # leaders' 三先 and 十个一 (三.4)
    path(
        "<int:campaign_pk>/duties/cadres/<int:member_pk>/",
        duties.cadre_duties,
        name="cadre-duties",
    ),
    path(
        "<int:campaign_pk>/duties/units/<int:enrollment_pk>/",
        duties.unit_duties,
        name="unit-duties",
    ),
    path("duties/<int:pk>/evidence/", duties.duty_evidence, name="duty-evidence"),
    path("duties/<int:pk>/withdraw/", duties.duty_withdraw, name="duty-withdraw"),
    # leading groups
    path("<int:campaign_pk>/groups/", groups.group_list, name="groups"),
    path("<int:campaign_pk>/groups/new/", groups.group_create, name="group-create"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/members/", groups.group_add_member, name="group-add-member"),
    path(
        "memberships/<int:pk>/remove/",
        groups.membership_remove,
        name="membership-remove",
    ),
    path(
        "memberships/<int:pk>/responsible/",
        groups.membership_responsible,
        name="membership-responsible",
    ),
    # liaison points and officers
    path("<int:campaign_pk>/points/", liaison.points, name="points"),
    path("<int:campaign_pk>/points/set/", liaison.points_set, name="points-set"),
    path("<int:campaign_pk>/officers/", liaison.officers, name="officers"),
    path(
        "<int:campaign_pk>/officers/dispatch/",
        liaison.officers_dispatch,
        name="officers-dispatch",
    ),
    path(
        "assignments/<int:pk>/withdraw/",
        liaison.assignment_withdraw,
        name="assignment-withdraw",
    ),
    path(
        "batches/<int:batch_pk>/dispatch/",
        liaison.batch_dispatch,
        name="batch-dispatch",
    ),
    path("mine/", liaison.my_assignments, name="my-assignments"),
    path(
        "assignments/<int:assignment_pk>/visits/new/",
        liaison.visit_new,
        name="visit-new",
    ),
    path("visits/<int:pk>/", liaison.visit_detail, name="visit"),
    path("<int:campaign_pk>/suggestions/", liaison.suggestion_list, name="suggestions"),
    path(
        "<int:campaign_pk>/suggestions/export.xlsx",
        liaison.suggestion_export,
        name="suggestions-export",
    ),
    path("suggestions/<int:pk>/", liaison.suggestion_detail, name="suggestion"),
    path(
        "suggestions/<int:pk>/answer/",
        liaison.suggestion_answer,
        name="suggestion-answer",
    ),
    path(
        "suggestions/<int:pk>/accept/",
        liaison.suggestion_accept,
        name="suggestion-accept",
    ),
    path(
        "suggestions/<int:pk>/return/",
        liaison.suggestion_return,
        name="suggestion-return",
    ),
    path(
        "suggestions/<int:pk>/rectify/",
        liaison.suggestion_rectify,
        name="suggestion-rectify",
    ),
    # publicity and commendation
    path("<int:campaign_pk>/news/", publicity.article_list, name="articles"),
    path("<int:campaign_pk>/news/new/", publicity.article_new, name="article-new"),
    path("news/<int:pk>/", publicity.article_detail, name="article"),
    path(
        "news/<int:pk>/<slug:action>/",
        publicity.article_action,
        name="article-action",
    ),
    path(
        "<int:campaign_pk>/commendations/",
        publicity.commendation_list,
        name="commendations",
    ),
    path(
        "<int:campaign_pk>/commendations/nominate/",
        publicity.commendation_nominate,
        name="commendations-nominate",
    ),
    path(
        "<int:campaign_pk>/commendations/export.xlsx",
        publicity.commendation_export,
        name="commendations-export",
    ),
    path(
        "commendations/<int:pk>/<slug:action>/",
        publicity.commendation_action,
        name="commendation-action",
    ),
    # non-qualifying members
    path("<int:campaign_pk>/cases/", dispositions.case_list, name="dispositions"),
    path(
        "<int:campaign_pk>/cases/export.xlsx",
        dispositions.case_export,
        name="dispositions-export",
    ),
    path("<int:campaign_pk>/cases/new/", dispositions.case_new, name="disposition-new"),
    path("cases/<int:pk>/", dispositions.case_detail, name="disposition"),
    path("cases/<int:pk>/talks/", dispositions.case_talk, name="disposition-talk"),
    path(
        "cases/<int:pk>/deadline/",
        dispositions.case_deadline,
        name="disposition-deadline",
    ),
    path(
        "cases/<int:pk>/outcome/",
        dispositions.case_outcome,
        name="disposition-outcome",
    ),
]

# The public site (no login).
public_pages = [
    path("", public.public_news, name="public-news"),
    path("<int:pk>/", public.public_article, name="public-article"),
    path(
        "commendations/",
        public.public_commendations,
        name="public-commendations",
    ),
]

urlpatterns = [
    path("oversight/", include(pages)),
    path("public/news/", include(public_pages)),
]
