"""Public pages of 分析评议 (no login), mounted under /public/opinions/."""

from django.urls import path

from vanguard.appraisal.views import public

urlpatterns = [
    path("", public.public_opinion, name="appraisal-public-opinion"),
    path("receipt/", public.public_receipt, name="appraisal-public-receipt"),
    path("notices/", public.public_notices, name="appraisal-public-notices"),
    path("notices/<int:pk>/", public.public_notice, name="appraisal-public-notice"),
    path("ballot/", public.public_ballot, name="appraisal-public-ballot"),
    path("ballot/check/", public.public_ballot_check, name="appraisal-public-ballot-check"),
]
