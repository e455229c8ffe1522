"""The public's survey pages (no login, phone first): enter or scan a code, answer once;
and the published draws and results, so anyone can check a sample.

Nothing here records who answered what: a response keeps the answers, the method and the
group only (see models.py). Requests are rate-limited per address (keys live in the cache,
never in the database).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from vanguard.surveys import exports, results, services
from vanguard.surveys.forms import CodeForm, ResponseForm
from vanguard.surveys.models import Draw, Survey, SurveyStatus
from vanguard.surveys.questions import Questionnaire

RATE = "30/m"
REFUSED_STATUS = {"unknown": 404, "not_open": 403, "expired": 410, "spent": 409}
DRAWS_PER_PAGE = 30


def _too_many(request):
    message = _("Too many attempts from your network. Please wait a minute and try again.")
    return render(request, "surveys/public_refused.html", {"message": message}, status=429)


@never_cache
@ratelimit(key="ip", rate=RATE, method="POST", block=False)
def start(request):
    """Type the code from the slip or the message (or scan its QR code, which opens the
    response page directly)."""
    if getattr(request, "limited", False):
        return _too_many(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = services.format_code(form.cleaned_data["code"])
        return redirect("surveys:public-respond", code=code)
    status = 400 if form.errors else 200
    return render(request, "surveys/public_start.html", {"form": form}, status=status)


@never_cache
@ratelimit(key="ip", rate=RATE, block=False)
def respond(request, code):
    if getattr(request, "limited", False):
        return _too_many(request)
    try:
        valid = services.find_code(code)
    except services.CodeRefused as refused:
        return _refused(request, refused)
    survey = valid.survey
    questionnaire = Questionnaire.from_dict(survey.questionnaire)
    form = ResponseForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(valid, form.answers())
        except services.CodeRefused as refused:
            return _refused(request, refused)
        return redirect("surveys:public-thanks")
    context = {
        "form": form,
        "survey": survey,
        "unit": survey.enrollment.organization,
        "code": services.format_code(services.normalise_code(code)),
    }
    return render(
        request, "surveys/public_respond.html", context, status=400 if form.errors else 200
    )


def _refused(request, refused: services.CodeRefused):
    context = {"message": refused.message, "reason": refused.reason}
    return render(
        request, "surveys/public_refused.html", context, status=REFUSED_STATUS[refused.reason]
    )


def thanks(request):
    return render(request, "surveys/public_thanks.html")


def draws(request):
    """Every announced draw (seed, witnesses, fingerprint, rows) and every published result."""
    announced = Draw.objects.select_related(
        "frame__survey__enrollment__organization", "frame__survey__enrollment__campaign"
    ).order_by("-announced_on", "-pk")
    page = Paginator(announced, DRAWS_PER_PAGE).get_page(request.GET.get("page"))
    with_results = (
        Survey.objects.filter(status=SurveyStatus.CLOSED, published_on__isnull=False)
        .values_list("enrollment_id", flat=True)
        .distinct()
    )
    found = results.latest_results(with_results, published_only=True)
    shown = sorted(found.values(), key=lambda r: (r.published_on, r.survey_id), reverse=True)
    context = {"page": page, "results": shown}
    return render(request, "surveys/public_draws.html", context)


def _draw_or_404(pk) -> Draw:
    return get_object_or_404(
        Draw.objects.select_related(
            "frame__survey__enrollment__organization", "frame__survey__enrollment__campaign"
        ),
        pk=pk,
    )


def draw_detail(request, pk):
    draw = _draw_or_404(pk)
    context = {
        "draw": draw,
        "survey": draw.frame.survey,
        "file_url": request.build_absolute_uri(reverse("surveys:public-draw-file", args=[pk])),
    }
    return render(request, "surveys/public_draw.html", context)


def draw_file(request, pk):
    draw = _draw_or_404(pk)
    response = JsonResponse(
        exports.draw_document(draw), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="draw-{pk}.json"'
    return response
