"""Template tags of 分析评议: small filters, and the panels on pages other apps own (a unit's
campaign page and the member's page), each loading its data in a constant number of queries."""

from django import template
from django.utils import timezone

from vanguard.appraisal import stats
from vanguard.appraisal.models import AppraisalRound, Opinion, SelfAnalysis
from vanguard.appraisal.views.member import ballots_to_cast

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


@register.inclusion_tag("appraisal/_unit_panel.html")
def appraisal_unit_panel(enrollment, scope):
    is_staff = scope.can_view_org(enrollment.organization)
    unit = rounds = None
    now = timezone.now()
    if is_staff:
        unit = stats.load(enrollment.campaign, [enrollment], today=timezone.localdate(), now=now)[
            enrollment.pk
        ]
    elif scope.member is not None:
        rounds = [
            (r, r.state(now))
            for r in AppraisalRound.objects.filter(
                enrollment=enrollment, candidates__member=scope.member
            ).order_by("-opens_at")[:3]
        ]
    return {
        "rounds": rounds,
        "enrollment": enrollment,
        "campaign": enrollment.campaign,
        "unit": unit,
        "is_staff": is_staff,
        "member": scope.member,
    }


@register.inclusion_tag("appraisal/_me_panel.html", takes_context=True)
def appraisal_member_panel(context, member):
    enrollments = context["scope"].enrollments_covering(member)
    analyses = {a.campaign_id: a for a in SelfAnalysis.objects.filter(member=member)}
    return {
        "member": member,
        "to_cast": ballots_to_cast(member, timezone.now()),
        "campaigns": [(e, analyses.get(e.campaign_id)) for e in enrollments],
        "opinions": Opinion.objects.filter(member=member, fed_back_on__isnull=False).count(),
    }
