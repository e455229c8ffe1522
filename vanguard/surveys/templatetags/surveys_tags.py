"""The survey panel on a unit's campaign page, and small display helpers."""

from django import template

from vanguard.surveys import results
from vanguard.surveys.models import Survey

register = template.Library()


@register.inclusion_tag("surveys/_panel.html", takes_context=True)
def survey_panel(context, enrollment):
    """The unit's current survey and latest result, as far as the user may see them:
    three queries at most (the surveys, then the latest result's counts)."""
    scope = context["scope"]
    org = enrollment.organization
    oversee = scope.can_oversee_unit(org)
    surveys = list(Survey.objects.filter(enrollment=enrollment).order_by("-number"))
    current = next((s for s in surveys if not s.is_closed), None)
    latest_closed = next((s for s in surveys if s.is_closed), None)
    result = None
    if latest_closed is not None and (oversee or latest_closed.published_on):
        latest_closed.enrollment = enrollment
        result = results.compute(latest_closed)
    return {
        "enrollment": enrollment,
        "oversee": oversee,
        "run": scope.can_run_survey(org),
        "current": current if oversee else None,
        "result": result,
        "latest": latest_closed,
        "count": len(surveys),
    }


@register.filter
def masked_phone(phone: str) -> str:
    """138****5678: enough to recognise a number, not to dial it."""
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def rows_of(breakdown, options):
    """(option, count, per cent) for each option of a result's breakdown."""
    return breakdown.rows(options)
