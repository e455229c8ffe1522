"""Signed-in pages of leadership and supervision, mounted under /oversight/."""

from django.urls import path

from vanguard.oversight.views import dispositions, duties, groups, leader, liaison, publicity

urlpatterns = [
    # the leader's home page
    path("leader/", leader.leader_home, name="oversight-leader-home"),
    # leaders' 三先 and 十个一 (三.4)
    path(
        "<int:campaign_pk>/duties/cadres/<int:member_pk>/",
        duties.cadre_duties,
        name="oversight-cadre-duties",
    ),
    path(
        "<int:campaign_pk>/duties/units/<int:enrollment_pk>/",
        duties.unit_duties,
        name="oversight-unit-duties",
    ),
    path("duties/<int:pk>/evidence/", duties.duty_evidence, name="oversight-duty-evidence"),
    path("duties/<int:pk>/withdraw/", duties.duty_withdraw, name="oversight-duty-withdraw"),
    # leading groups
    path("<int:campaign_pk>/groups/", groups.group_list, name="oversight-groups"),
    path("<int:campaign_pk>/groups/new/", groups.group_create, name="oversight-group-create"),
    path("groups/<int:pk>/", groups.group_detail, name="oversight-group"),
    path("groups/<int:pk>/members/", groups.group_add_member, name="oversight-group-add-member"),
    path(
        "memberships/<int:pk>/remove/",
        groups.membership_remove,
        name="oversight-membership-remove",
    ),
    path(
        "memberships/<int:pk>/responsible/",
        groups.membership_responsible,
        name="oversight-membership-responsible",
    ),
    # liaison points and officers
    path("<int:campaign_pk>/points/", liaison.points, name="oversight-points"),
    path("<int:campaign_pk>/points/set/", liaison.points_set, name="oversight-points-set"),
    path("<int:campaign_pk>/officers/", liaison.officers, name="oversight-officers"),
    path(
        "<int:campaign_pk>/officers/dispatch/",
        liaison.officers_dispatch,
        name="oversight-officers-dispatch",
    ),
    path(
        "assignments/<int:pk>/withdraw/",
        liaison.assignment_withdraw,
        name="oversight-assignment-withdraw",
    ),
    path(
        "batches/<int:batch_pk>/dispatch/",
        liaison.batch_dispatch,
        name="oversight-batch-dispatch",
    ),
    path("mine/", liaison.my_assignments, name="oversight-my-assignments"),
    path(
        "assignments/<int:assignment_pk>/visits/new/",
        liaison.visit_new,
        name="oversight-visit-new",
    ),
    path("visits/<int:pk>/", liaison.visit_detail, name="oversight-visit"),
    path("<int:campaign_pk>/suggestions/", liaison.suggestion_list, name="oversight-suggestions"),
    path(
        "<int:campaign_pk>/suggestions/export.xlsx",
        liaison.suggestion_export,
        name="oversight-suggestions-export",
    ),
    path("suggestions/<int:pk>/", liaison.suggestion_detail, name="oversight-suggestion"),
    path(
        "suggestions/<int:pk>/answer/",
        liaison.suggestion_answer,
        name="oversight-suggestion-answer",
    ),
    path(
        "suggestions/<int:pk>/accept/",
        liaison.suggestion_accept,
        name="oversight-suggestion-accept",
    ),
    path(
        "suggestions/<int:pk>/return/",
        liaison.suggestion_return,
        name="oversight-suggestion-return",
    ),
    path(
        "suggestions/<int:pk>/rectify/",
        liaison.suggestion_rectify,
        name="oversight-suggestion-rectify",
    ),
    # publicity and commendation
    path("<int:campaign_pk>/news/", publicity.article_list, name="oversight-articles"),
    path("<int:campaign_pk>/news/new/", publicity.article_new, name="oversight-article-new"),
    path("news/<int:pk>/", publicity.article_detail, name="oversight-article"),
    path(
        "news/<int:pk>/<slug:action>/",
        publicity.article_action,
        name="oversight-article-action",
    ),
    path(
        "<int:campaign_pk>/commendations/",
        publicity.commendation_list,
        name="oversight-commendations",
    ),
    path(
        "<int:campaign_pk>/commendations/nominate/",
        publicity.commendation_nominate,
        name="oversight-commendations-nominate",
    ),
    path(
        "<int:campaign_pk>/commendations/export.xlsx",
        publicity.commendation_export,
        name="oversight-commendations-export",
    ),
    path(
        "commendations/<int:pk>/<slug:action>/",
        publicity.commendation_action,
        name="oversight-commendation-action",
    ),
    # non-qualifying members
    path("<int:campaign_pk>/cases/", dispositions.case_list, name="oversight-dispositions"),
    path(
        "<int:campaign_pk>/cases/export.xlsx",
        dispositions.case_export,
        name="oversight-dispositions-export",
    ),
    path("<int:campaign_pk>/cases/new/", dispositions.case_new, name="oversight-disposition-new"),
    path("cases/<int:pk>/", dispositions.case_detail, name="oversight-disposition"),
    path("cases/<int:pk>/talks/", dispositions.case_talk, name="oversight-disposition-talk"),
    path(
        "cases/<int:pk>/deadline/",
        dispositions.case_deadline,
        name="oversight-disposition-deadline",
    ),
    path(
        "cases/<int:pk>/outcome/",
        dispositions.case_outcome,
        name="oversight-disposition-outcome",
    ),
]
