from django.urls import path

from vanguard.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("campaign/", views.pick_campaign, name="pick-campaign"),
]
