"""摸清问题 (五.1(1)), mounted under /situation/."""

from django.urls import include, path

from vanguard.situation.views import situation

app_name = "situation"

pages = [
    path("<int:campaign_pk>/units/<int:pk>/", situation.unit_situation, name="unit"),
    path(
        "<int:campaign_pk>/units/<int:pk>/profile/",
        situation.save_profile,
        name="profile",
    ),
    path(
        "<int:campaign_pk>/units/<int:pk>/problems/",
        situation.add_problem,
        name="problem-add",
    ),
    path("problems/<int:pk>/withdraw/", situation.withdraw_problem, name="problem-withdraw"),
    path("problems/<int:pk>/links/", situation.link_problem, name="problem-link"),
    path("links/<int:pk>/remove/", situation.remove_link, name="link-remove"),
]

urlpatterns = [
    path("situation/", include(pages)),
]
