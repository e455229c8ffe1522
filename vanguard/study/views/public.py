"""The public pages of study (no login): the campaign column of published writings
(开辟先进性教育活动专栏)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from vanguard.study import writings
from vanguard.study.views.online import _kinds


def public_writings(request):
    """The campaign column (开辟先进性教育活动专栏): published writings, no login."""
    found = list(writings.published()[:100])
    for writing in found:
        writing.kind_title = _kinds(writing.campaign).get(writing.kind, writing.kind)
    return render(request, "study/public_writings.html", {"writings": found})


def public_writing(request, pk):
    writing = writings.published().filter(pk=pk).first()
    if writing is None:
        raise Http404
    writing.kind_title = _kinds(writing.campaign).get(writing.kind, writing.kind)
    return render(request, "study/public_writing.html", {"writing": writing})
