"""Public pages of reporting (no login), mounted under /public/briefs/."""

from django.urls import path

from vanguard.reporting.views import public

app_name = "reporting_public"

urlpatterns = [
    path("", public.public_briefs, name="briefs"),
    path("<int:pk>/", public.public_brief, name="brief"),
    path("pictures/<int:pk>/", public.public_picture, name="picture"),
]
