"""`{% todo_list campaign %}`: the signed-in user's to-do list (待办) in a campaign, from
every provider in the registry (`vanguard.core.registry.todo_items`)."""

from django import template
from django.utils import timezone

from vanguard.core.registry import todo_items

register = template.Library()


@register.inclusion_tag("includes/todo.html", takes_context=True)
def todo_list(context, campaign, heading=True):
    request = context.get("request")
    scope = getattr(request, "scope", None)
    if scope is None or campaign is None or scope.is_anonymous:
        return {"items": [], "campaign": campaign}
    today = timezone.localdate()
    return {"items": todo_items(scope, campaign, today), "campaign": campaign, "heading": heading}
