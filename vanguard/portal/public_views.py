"""The public site (群众): no login, phone first. Apps add their pages and register links
for the front page in `PUBLIC_LINKS`."""

from django.shortcuts import render

# (url name, lazily translated title, lazily translated description), appended by apps
# in their AppConfig.ready().
PUBLIC_LINKS: list[tuple[str, object, object]] = []


def index(request):
    return render(request, "portal/public_index.html", {"links": PUBLIC_LINKS})
