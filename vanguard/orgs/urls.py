from django.urls import path

from vanguard.orgs import views, views_excel

urlpatterns = [
    path("", views.org_tree, name="org-tree"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("members/<int:pk>/move/", views.member_move, name="member-move"),
    path("import/", views_excel.import_workbook, name="org-import"),
    path("import/template.xlsx", views_excel.download_template, name="org-import-template"),
    path("export.xlsx", views_excel.export_workbook, name="org-export"),
]
