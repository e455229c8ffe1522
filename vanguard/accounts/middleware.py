"""Resolves the user's access scope once per request, as `request.scope`."""

from django.utils.functional import SimpleLazyObject

from vanguard.accounts.access import Scope


class ScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: Scope.for_user(request.user))
        return self.get_response(request)
