"""Small template filters of 分析评议."""

from django import template

register = template.Library()

GRADE_CLASSES = ("bg-success", "bg-primary", "bg-warning", "bg-danger")


@register.filter
def get(mapping, key):
    """mapping[key], or None: `{{ counts|get:grade.code }}`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def grade_class(position):
    """A colour for the grade at this 1-based position (best first)."""
    try:
        return GRADE_CLASSES[int(position) - 1]
    except (IndexError, ValueError, TypeError):
        return "bg-secondary"
