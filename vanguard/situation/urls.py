"""摸清问题 (五.1(1)), mounted under /situation/."""

from django.urls import path

from vanguard.situation import views

urlpatterns = [
    path("<int:campaign_pk>/units/<int:pk>/", views.unit_situation, name="situation-unit"),
    path(
        "<int:campaign_pk>/units/<int:pk>/profile/",
        views.save_profile,
        name="situation-profile",
    ),
    path(
        "<int:campaign_pk>/units/<int:pk>/problems/",
        views.add_problem,
        name="situation-problem-add",
    ),
    path("problems/<int:pk>/withdraw/", views.withdraw_problem, name="situation-problem-withdraw"),
    path("problems/<int:pk>/links/", views.link_problem, name="situation-problem-link"),
    path("links/<int:pk>/remove/", views.remove_link, name="situation-link-remove"),
]
