"""The campaigns shown in the navigation of signed-in staff."""

from vanguard.portal.views import visible_campaigns


def navigation(request):
    scope = getattr(request, "scope", None)
    if scope is None or not getattr(request.user, "is_authenticated", False):
        return {}
    if not scope.is_staff_reader:
        return {}
    campaigns = visible_campaigns(scope)
    return {"nav_campaigns": campaigns, "nav_campaign": campaigns[0] if campaigns else None}
