"""Panels of 分析评议 on pages other apps own: a unit's campaign page and the member's page.

Each loads its data in a constant number of queries.
"""

from django import template
from django.utils import timezone

from vanguard.appraisal import stats
from vanguard.appraisal.models import AppraisalRound, Opinion, SelfAnalysis
from vanguard.appraisal.views.member import ballots_to_cast, member_enrollments

register = template.Library()


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


@register.inclusion_tag("appraisal/_me_panel.html")
def appraisal_member_panel(member):
    enrollments = member_enrollments(member)
    analyses = {a.campaign_id: a for a in SelfAnalysis.objects.filter(member=member)}
    return {
        "member": member,
        "to_cast": ballots_to_cast(member, timezone.now()),
        "campaigns": [(e, analyses.get(e.campaign_id)) for e in enrollments],
        "opinions": Opinion.objects.filter(member=member, fed_back_on__isnull=False).count(),
    }
