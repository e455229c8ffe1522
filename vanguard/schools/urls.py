from django.urls import path

from vanguard.schools import views

UNIT = "<int:pk>/units/<int:enrollment_pk>/"

urlpatterns = [
    path(UNIT + "trainings/", views.trainings, name="schools-trainings"),
    path("trainings/<int:pk>/", views.training_edit, name="schools-training"),
    path(UNIT + "posts/", views.posts, name="schools-posts"),
    path("posts/<int:pk>/", views.post_detail, name="schools-post"),
    path(UNIT + "roles/", views.unit_roles, name="schools-roles"),
    path("<int:pk>/my-roles/", views.my_roles, name="schools-my-roles"),
    path("commitments/<int:pk>/records/", views.role_record, name="schools-role-record"),
]
