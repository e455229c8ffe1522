"""The public site (群众): no login, phone first. The phase apps declare their public pages
for the front page in the registry (`PhaseApp.public_links`, vanguard.core.registry)."""

from django.shortcuts import render

from vanguard.core import registry


def index(request):
    return render(request, "portal/public_index.html", {"links": registry.public_links()})
