from django.urls import path

from vanguard.study import (
    views,
    views_campaign,
    views_member,
    views_online,
    views_quiz,
    views_unit,
)

UNIT = "<int:pk>/units/<int:enrollment_pk>/"

urlpatterns = [
    path("", views_campaign.home, name="study-home"),
    path("me/", views_member.my_study, name="study-me"),
    # A campaign
    path("<int:pk>/", views_campaign.overview, name="study-overview"),
    path("<int:pk>/hours/", views_campaign.shortfalls, name="study-shortfalls"),
    path("<int:pk>/hours.xlsx", views_campaign.shortfalls_xlsx, name="study-shortfalls-xlsx"),
    path("<int:pk>/visits/", views_campaign.visits, name="study-visits"),
    path("visits/<int:pk>/edit/", views_campaign.visit_edit, name="study-visit-edit"),
    path("visits/<int:pk>/delete/", views_campaign.visit_delete, name="study-visit-delete"),
    path("<int:pk>/notes/", views_member.my_notes, name="study-my-notes"),
    path("notes/<int:pk>/edit/", views_member.note_edit, name="study-note-edit"),
    path("notes/<int:pk>/delete/", views_member.note_delete, name="study-note-delete"),
    path("<int:pk>/five-ones/", views_member.my_five_one, name="study-my-five-one"),
    # A unit
    path(UNIT + "sessions/", views.session_list, name="study-sessions"),
    path(UNIT + "sessions/new/", views.session_create, name="study-session-new"),
    path(UNIT + "hours/", views_unit.unit_hours, name="study-unit-hours"),
    path(UNIT + "hours.xlsx", views_unit.unit_hours_xlsx, name="study-unit-hours-xlsx"),
    path(UNIT + "roster/", views_unit.roster, name="study-roster"),
    path(UNIT + "roster.pdf", views_unit.roster_pdf, name="study-roster-pdf"),
    path(UNIT + "roster.xlsx", views_unit.roster_xlsx, name="study-roster-xlsx"),
    path(UNIT + "log/", views_unit.study_log, name="study-log"),
    path(UNIT + "log.pdf", views_unit.study_log_pdf, name="study-log-pdf"),
    path(UNIT + "log.xlsx", views_unit.study_log_xlsx, name="study-log-xlsx"),
    path(UNIT + "notes/", views_unit.notes_book, name="study-notes"),
    path(UNIT + "notes.pdf", views_unit.notes_pdf, name="study-notes-pdf"),
    path(UNIT + "notes.xlsx", views_unit.notes_xlsx, name="study-notes-xlsx"),
    path(UNIT + "materials/", views_unit.materials, name="study-materials"),
    path(UNIT + "five-ones/", views_unit.unit_five_ones, name="study-unit-five-ones"),
    path(
        UNIT + "five-ones/clear/",
        views_unit.unit_five_one_clear,
        name="study-unit-five-one-clear",
    ),
    path("materials/<int:pk>/delete/", views_unit.material_delete, name="study-material-delete"),
    path("materials/<int:pk>/file/", views_unit.material_file, name="study-material-file"),
    # A session
    path("sessions/<int:pk>/", views.session_detail, name="study-session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="study-session-edit"),
    path("sessions/<int:pk>/roll/", views.roll_call, name="study-roll-call"),
    path("sessions/<int:pk>/log/", views.session_log, name="study-session-log"),
    path("sessions/<int:pk>/display/", views.checkin_display, name="study-checkin-display"),
    path("sessions/<int:pk>/new-code/", views.renew_checkin_code, name="study-checkin-renew"),
    path("sessions/<int:pk>/checkin/", views.checkin, name="study-checkin"),
    # 党章知识竞赛
    path("<int:pk>/quizzes/", views_quiz.quiz_list, name="study-quizzes"),
    path("quizzes/template.xlsx", views_quiz.quiz_template, name="study-quiz-template"),
    path("quizzes/<int:pk>/", views_quiz.quiz_detail, name="study-quiz"),
    path("quizzes/<int:pk>/import/", views_quiz.quiz_import, name="study-quiz-import"),
    path("quizzes/<int:pk>/start/", views_quiz.quiz_start, name="study-quiz-start"),
    path("attempts/<int:pk>/", views_quiz.attempt, name="study-attempt"),
    # 网络党校 (五.1(4)二)
    path("<int:pk>/online/", views_online.online_mine, name="study-online-mine"),
    path("<int:pk>/online/office/", views_online.online_office, name="study-online-office"),
    path(UNIT + "online/", views_online.online_unit, name="study-online-unit"),
    path("online/<int:pk>/", views_online.online_material, name="study-online-material"),
    path("online/<int:pk>/beat/", views_online.online_beat, name="study-online-beat"),
    path("online/<int:pk>/file/", views_online.online_file, name="study-online-file"),
    path("online/<int:pk>/withdraw/", views_online.online_withdraw, name="study-online-withdraw"),
    # 学习体会, 调研文章
    path("<int:pk>/writings/mine/", views_online.writings_mine, name="study-writings-mine"),
    path("<int:pk>/writings/", views_online.writings_campaign, name="study-writings-campaign"),
    path(UNIT + "writings/", views_online.writings_unit, name="study-writings-unit"),
    path("writings/<int:pk>/", views_online.writing_detail, name="study-writing"),
    path("writings/<int:pk>/act/", views_online.writing_act, name="study-writing-act"),
    # 讲师团
    path("<int:pk>/lecturers/", views_online.lecturers, name="study-lecturers"),
    path("lecturers/<int:pk>/", views_online.lecturer_detail, name="study-lecturer"),
]
