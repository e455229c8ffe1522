from django.urls import path

from vanguard.reports import views

urlpatterns = [
    path("", views.downloads, name="downloads"),
    path("<int:pk>/", views.job_detail, name="job-detail"),
    path("<int:pk>/file", views.job_file, name="job-file"),
]
