"""URLs of schools (namespace `schools`): signed-in pages under /schools/."""

from django.urls import include, path

from vanguard.schools.views import schools

app_name = "schools"

UNIT = "<int:campaign_pk>/units/<int:enrollment_pk>/"

pages = [
    path(UNIT + "trainings/", schools.trainings, name="trainings"),
    path("trainings/<int:pk>/", schools.training_edit, name="training"),
    path(UNIT + "posts/", schools.posts, name="posts"),
    path("posts/<int:pk>/", schools.post_detail, name="post"),
    path(UNIT + "roles/", schools.unit_roles, name="roles"),
    path("<int:campaign_pk>/my-roles/", schools.my_roles, name="my-roles"),
    path("commitments/<int:pk>/records/", schools.role_record, name="role-record"),
]

urlpatterns = [
    path("schools/", include(pages)),
]
