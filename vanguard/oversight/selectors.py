"""Read-side helpers shared by views and template tags: ordering and labelling rows."""

from __future__ import annotations

from django.db.models import Q

from vanguard.oversight.models import GROUP_ROLE_ORDER, Commendation, CommendationStatus


def sorted_memberships(memberships):
    """A group's people in the order of the notice: leader, deputies, members, office."""
    return sorted(memberships, key=lambda m: (GROUP_ROLE_ORDER[m.role], m.pk))


def label_kinds(commendations, campaign):
    """Give each commendation its kind's title (`kind_label`), reading the template once."""
    titles = {kind.code: kind.title for kind in campaign.rules.commendation_kinds}
    for commendation in commendations:
        commendation.kind_label = titles.get(commendation.kind, commendation.kind)
    return commendations


def published_for(*, member=None, organization=None):
    """Published commendations of a member, or of an organisation (not its members)."""
    query = Q(member=member) if member is not None else Q(organization=organization)
    return Commendation.objects.filter(query, status=CommendationStatus.PUBLISHED)


def commendations_for_report(campaign) -> list[dict[str, str]]:
    """The campaign's commendations approved or published, as rows of the campaign report
    (offered to reporting as the service `report.commendations`): kind, subject, the
    nominating unit. Two queries whatever their number."""
    rows = (
        Commendation.objects.filter(
            campaign=campaign,
            status__in=[CommendationStatus.APPROVED, CommendationStatus.PUBLISHED],
        )
        .select_related("member", "organization", "nominated_by_unit")
        .order_by("kind", "nominated_by_unit__path", "pk")
    )
    commendations = label_kinds(list(rows), campaign)
    return [
        {
            "kind": str(c.kind_label),
            "subject": str(c.member.name if c.member_id else c.organization.name),
            "unit": c.nominated_by_unit.name,
            "status": str(c.get_status_display()),
        }
        for c in commendations
    ]
