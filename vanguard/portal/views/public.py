"""The public site (群众): no login, phone first. The phase apps declare their public pages
for the front page in the registry (`PhaseApp.public_links`, vanguard.core.registry).

Several campaigns may run at once: the front page lets the visitor pick one (default the
newest) and shows that campaign's introduction (template `[texts] public_intro`) and the
links of the modules it has (issue 16)."""

from django.shortcuts import render

from vanguard.campaigns.models import Campaign
from vanguard.core import registry


def public_campaigns() -> list[Campaign]:
    """The campaigns the public site speaks of, newest first."""
    return list(Campaign.objects.order_by("-starts_on", "-pk"))


def picked_campaign(request, campaigns: list[Campaign]) -> Campaign | None:
    """The campaign named by `?campaign=<pk>` among `campaigns`, else the newest."""
    wanted = request.GET.get("campaign", "")
    for campaign in campaigns:
        if str(campaign.pk) == wanted:
            return campaign
    return campaigns[0] if campaigns else None


def links_for(campaigns) -> list[registry.PublicLink]:
    """The front page's links: those of the modules of `campaigns` (all of them while no
    campaign is there to hide anything, as `campaigns_tags.has_module` does)."""
    return [
        link
        for link in registry.public_links()
        if not link.module or not campaigns or any(c.has_module(link.module) for c in campaigns)
    ]


def index(request):
    campaigns = public_campaigns()
    campaign = picked_campaign(request, campaigns)
    context = {
        "campaigns": campaigns,
        "campaign": campaign,
        "links": links_for([campaign] if campaign else []),
    }
    return render(request, "portal/public_index.html", context)
