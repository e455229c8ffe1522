"""The schools app's links on pages it does not own (sidebar, unit page, member page)."""

from django import template
from django.db.models import Count, Q

from vanguard.campaigns.models import Enrollment
from vanguard.orgs.models import OrgCategory
from vanguard.schools import services

register = template.Library()

PARTS = {
    "trainings": services.trainings_on,
    "posts": services.posts_on,
    "roles": services.roles_on,
    "any": services.any_part_on,
}


@register.filter
def schools_part(campaign, part: str) -> bool:
    return bool(campaign) and PARTS[part](campaign)


@register.filter
def schools_roles_for(campaign, member) -> bool:
    """The sidebar's link for a member of a school (no query: the member's own unit)."""
    return (
        bool(campaign)
        and member is not None
        and member.organization.category == OrgCategory.SCHOOL
        and services.roles_on(campaign)
    )


@register.inclusion_tag("schools/_me_links.html")
def schools_me_links(member):
    """A teacher member's commitments, per campaign whose template has the four roles."""
    if member is None:
        return {"enrollments": []}
    paths = [
        member.organization.path[:end]
        for end in range(
            member.organization.steplen,
            len(member.organization.path) + 1,
            member.organization.steplen,
        )
    ]
    enrollments = (
        Enrollment.objects.filter(organization__path__in=paths)
        .select_related("campaign", "organization")
        .annotate(commitments=Count("role_commitments", filter=Q(role_commitments__member=member)))
    )
    shown = [
        e
        for e in enrollments
        if services.roles_on(e.campaign) and services.is_teacher_member(member, e)
    ]
    return {"enrollments": shown}
