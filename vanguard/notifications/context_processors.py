"""The unread count in the header (one COUNT, only where the header shows it)."""

from django.utils.functional import SimpleLazyObject


def unread(request):
    scope = getattr(request, "scope", None)
    if scope is None or not getattr(request.user, "is_authenticated", False):
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: scope.notifications().unread().count())
    }
