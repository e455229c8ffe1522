"""URLs of orgs (namespace `orgs`): signed-in pages under /orgs/."""

from django.urls import include, path

from vanguard.orgs.views import excel, members

app_name = "orgs"

pages = [
    path("", members.org_tree, name="tree"),
    path("members/", members.member_list, name="member-list"),
    path("members/<int:pk>/", members.member_detail, name="member-detail"),
    path("members/<int:pk>/leave/", members.member_leave, name="member-leave"),
    path("members/<int:pk>/move/", members.member_move, name="member-move"),
    path("import/", excel.import_workbook, name="import"),
    path("import/template.xlsx", excel.download_template, name="import-template"),
    path("export.xlsx", excel.export_workbook, name="export"),
]

urlpatterns = [
    path("orgs/", include(pages)),
]
