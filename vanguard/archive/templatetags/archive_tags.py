"""Template tags of the archive: its buttons on a unit's page and on the overview, shown
to whoever may download the archive (the `Scope` rules), with no query."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def may_download_unit_archive(context, enrollment) -> bool:
    return context["scope"].can_download_unit_archive(enrollment.organization)


@register.simple_tag(takes_context=True)
def may_download_campaign_archive(context, campaign) -> bool:
    return context["scope"].can_download_campaign_archive(campaign)
