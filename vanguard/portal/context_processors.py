"""The campaigns shown in the navigation: for staff, the campaigns they read and the one
in view (`nav_campaign`, picked in the sidebar, default the newest); for a member, the
campaigns their unit takes part in (the sidebar hides what none of them has)."""

from vanguard.portal.views.landing import chosen_campaign, visible_campaigns


def navigation(request):
    scope = getattr(request, "scope", None)
    if scope is None or not getattr(request.user, "is_authenticated", False):
        return {}
    if not scope.is_staff_reader:
        if scope.member is None:
            return {}
        # A member's sections are headed and hidden by their campaigns (the newest in view).
        campaigns = [e.campaign for e in scope.enrollments_covering(scope.member)]
        return {
            "nav_member_campaigns": campaigns,
            "nav_campaign": campaigns[0] if campaigns else None,
        }
    campaigns = visible_campaigns(scope)
    return {"nav_campaigns": campaigns, "nav_campaign": chosen_campaign(request, campaigns)}
