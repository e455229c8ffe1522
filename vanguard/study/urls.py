"""URLs of study (namespace `study`): signed-in pages under /study/, public pages (no login)
under /public/study/."""

from django.urls import include, path

from vanguard.study.views import campaign, member, online, public, quiz, sessions, unit

app_name = "study"

UNIT = "<int:campaign_pk>/units/<int:enrollment_pk>/"

pages = [
    path("", campaign.home, name="home"),
    path("me/", member.my_study, name="me"),
    # A campaign
    path("<int:campaign_pk>/", campaign.overview, name="overview"),
    path("<int:campaign_pk>/hours/", campaign.shortfalls, name="shortfalls"),
    path("<int:campaign_pk>/hours.xlsx", campaign.shortfalls_xlsx, name="shortfalls-xlsx"),
    path("<int:campaign_pk>/visits/", campaign.visits, name="visits"),
    path("visits/<int:pk>/edit/", campaign.visit_edit, name="visit-edit"),
    path("visits/<int:pk>/delete/", campaign.visit_delete, name="visit-delete"),
    path("<int:campaign_pk>/notes/", member.my_notes, name="my-notes"),
    path("notes/<int:pk>/edit/", member.note_edit, name="note-edit"),
    path("notes/<int:pk>/delete/", member.note_delete, name="note-delete"),
    path("<int:campaign_pk>/five-ones/", member.my_five_one, name="my-five-one"),
    # A unit
    path(UNIT + "sessions/", sessions.session_list, name="sessions"),
    path(UNIT + "sessions/new/", sessions.session_create, name="session-new"),
    path(UNIT + "hours/", unit.unit_hours, name="unit-hours"),
    path(UNIT + "hours.xlsx", unit.unit_hours_xlsx, name="unit-hours-xlsx"),
    path(UNIT + "roster/", unit.roster, name="roster"),
    path(UNIT + "roster.pdf", unit.roster_pdf, name="roster-pdf"),
    path(UNIT + "roster.xlsx", unit.roster_xlsx, name="roster-xlsx"),
    path(UNIT + "log/", unit.study_log, name="log"),
    path(UNIT + "log.pdf", unit.study_log_pdf, name="log-pdf"),
    path(UNIT + "log.xlsx", unit.study_log_xlsx, name="log-xlsx"),
    path(UNIT + "notes/", unit.notes_book, name="notes"),
    path(UNIT + "notes.pdf", unit.notes_pdf, name="notes-pdf"),
    path(UNIT + "notes.xlsx", unit.notes_xlsx, name="notes-xlsx"),
    path(UNIT + "materials/", unit.materials, name="materials"),
    path(UNIT + "five-ones/", unit.unit_five_ones, name="unit-five-ones"),
    path(
        UNIT + "five-ones/clear/",
        unit.unit_five_one_clear,
        name="unit-five-one-clear",
    ),
    path("materials/<int:pk>/delete/", unit.material_delete, name="material-delete"),
    path("materials/<int:pk>/file/", unit.material_file, name="material-file"),
    # A session
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session-edit"),
    path("sessions/<int:pk>/roll/", sessions.roll_call, name="roll-call"),
    path("sessions/<int:pk>/log/", sessions.session_log, name="session-log"),
    path("sessions/<int:pk>/display/", sessions.checkin_display, name="checkin-display"),
    path("sessions/<int:pk>/new-code/", sessions.renew_checkin_code, name="checkin-renew"),
    path("sessions/<int:pk>/checkin/", sessions.checkin, name="checkin"),
    # 党章知识竞赛
    path("<int:campaign_pk>/quizzes/", quiz.quiz_list, name="quizzes"),
    path("quizzes/template.xlsx", quiz.quiz_template, name="quiz-template"),
    path("quizzes/<int:pk>/", quiz.quiz_detail, name="quiz"),
    path("quizzes/<int:pk>/import/", quiz.quiz_import, name="quiz-import"),
    path("quizzes/<int:pk>/start/", quiz.quiz_start, name="quiz-start"),
    path("attempts/<int:pk>/", quiz.attempt, name="attempt"),
    # 网络党校 (五.1(4)二)
    path("<int:campaign_pk>/online/", online.online_mine, name="online-mine"),
    path("<int:campaign_pk>/online/office/", online.online_office, name="online-office"),
    path(UNIT + "online/", online.online_unit, name="online-unit"),
    path("online/<int:pk>/", online.online_material, name="online-material"),
    path("online/<int:pk>/beat/", online.online_beat, name="online-beat"),
    path("online/<int:pk>/file/", online.online_file, name="online-file"),
    path("online/<int:pk>/withdraw/", online.online_withdraw, name="online-withdraw"),
    # 学习体会, 调研文章
    path("<int:campaign_pk>/writings/mine/", online.writings_mine, name="writings-mine"),
    path("<int:campaign_pk>/writings/", online.writings_campaign, name="writings-campaign"),
    path(UNIT + "writings/", online.writings_unit, name="writings-unit"),
    path("writings/<int:pk>/", online.writing_detail, name="writing"),
    path("writings/<int:pk>/act/", online.writing_act, name="writing-act"),
    # 讲师团
    path("<int:campaign_pk>/lecturers/", online.lecturers, name="lecturers"),
    path("lecturers/<int:pk>/", online.lecturer_detail, name="lecturer"),
]

# The public site (no login).
public_pages = [
    # 开辟先进性教育活动专栏: the writings the office published.
    path("writings/", public.public_writings, name="public-writings"),
    path("writings/<int:pk>/", public.public_writing, name="public-writing"),
]

urlpatterns = [
    path("study/", include(pages)),
    path("public/study/", include(public_pages)),
]
