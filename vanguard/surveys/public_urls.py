"""Public pages of this app (no login), mounted under /public/surveys/."""

from django.urls import path

from vanguard.surveys import public_views

urlpatterns = [
    path("", public_views.start, name="public-survey-start"),
    path("r/<str:code>/", public_views.respond, name="public-survey-respond"),
    path("thanks/", public_views.thanks, name="public-survey-thanks"),
    path("draws/", public_views.draws, name="public-survey-draws"),
    path("draws/<int:pk>/", public_views.draw_detail, name="public-survey-draw"),
    path("draws/<int:pk>.json", public_views.draw_file, name="public-survey-draw-file"),
]
