"""A write refused because its campaign has ended (`Campaign.check_writable`) answers with
the reason, whichever view called the service: 409 with the message (an htmx request gets
the message alone), instead of a server error. Views that catch `ValidationError`
themselves show the same message in their own way."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from vanguard.campaigns.models import CampaignReadOnly


class CampaignReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CampaignReadOnly):
            return None
        message = " ".join(exception.messages)
        if getattr(request, "htmx", False):
            return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        return render(request, "campaigns/read_only.html", {"message": message}, status=409)
