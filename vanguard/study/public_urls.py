"""Public pages of this app (no login), mounted under /public/study/."""

from django.urls import path

from vanguard.study import views_online

urlpatterns = [
    # 开辟先进性教育活动专栏: the writings the office published.
    path("writings/", views_online.public_writings, name="study-public-writings"),
    path("writings/<int:pk>/", views_online.public_writing, name="study-public-writing"),
]
