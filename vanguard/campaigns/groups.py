"""Member groups of a campaign (三.5 区别情况，分类指导).

The template declares the 分类指导 groups (`member_groups` with a `match`), each with its
先进性 requirements, education methods and focus and the 五个一 items its members are
held to. A member is in exactly one of them: the one their unit set for the campaign
(`MemberGroupChoice`), else the first in file order whose match fits the member data
(unit category, post kind, leader cadre, retired). Besides, a member is in the built-in
groups of their membership (`formal`, `probationary`) and, for a leader cadre,
`leader_cadre` (`Member.groups`). Thresholds' variants (`[[thresholds.variants]]`)
match any of them, in Python (`member_group_codes`) and in SQL (`group_q`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, CharField, Expression, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from vanguard.accounts.access import Scope
from vanguard.accounts.models import User
from vanguard.campaigns.models import Campaign, MemberGroupChoice
from vanguard.campaigns.services import _check_actor
from vanguard.campaigns.template import CampaignTemplate, GroupMatch, MemberGroup
from vanguard.orgs.models import Member

BUILT_IN_GROUPS = ("formal", "probationary", "leader_cadre")


def computed_group(rules: CampaignTemplate, member: Member) -> MemberGroup | None:
    """The group the member data decide (no query when the organisation is loaded)."""
    return rules.guidance_group(
        category=member.organization.category or None,
        post=member.post_kind,
        leader_cadre=member.is_leader_cadre,
        retired=member.retired,
    )


def chosen_codes(campaign: Campaign, members: Iterable[Member]) -> dict[int, str]:
    """The units' choices for these members, by member id (one query)."""
    ids = [member.pk for member in members]
    rows = MemberGroupChoice.objects.filter(campaign=campaign, member__in=ids)
    return dict(rows.values_list("member", "group"))


def member_group(
    campaign: Campaign, member: Member, chosen: dict[int, str] | None = None
) -> MemberGroup | None:
    """The member's 分类指导 group in the campaign: the unit's choice, else the computed one.
    Pass `chosen` (from `chosen_codes`) for a list, so no query runs per member."""
    if chosen is None:
        chosen = chosen_codes(campaign, [member])
    return group_of(
        campaign.rules,
        chosen.get(member.pk),
        category=member.organization.category,
        post=member.post_kind,
        leader_cadre=member.is_leader_cadre,
        retired=member.retired,
    )


def group_of(
    rules: CampaignTemplate,
    chosen: str | None,
    *,
    category: str,
    post: str,
    leader_cadre: bool,
    retired: bool,
) -> MemberGroup | None:
    """The 分类指导 group of a member with these data: the unit's choice (`chosen`), else
    the first whose match fits — `member_group` without a Member row."""
    if chosen:
        try:
            return rules.member_group(chosen)
        except KeyError:
            pass  # a code the template no longer has: the computed group
    return rules.guidance_group(
        category=category or None, post=post, leader_cadre=leader_cadre, retired=retired
    )


def member_group_codes(campaign: Campaign, member: Member) -> tuple[str, ...]:
    """Every group code the member is in (built-in and 分类指导), for thresholds."""
    group = member_group(campaign, member)
    return (*member.groups, group.code) if group else member.groups


def required_five_ones(rules: CampaignTemplate, group: MemberGroup | None) -> list[str]:
    """The 五个一 items a member of the group is held to (all of them by default)."""
    codes = [item.code for item in rules.five_ones]
    if group is None or group.five_ones is None:
        return codes
    return [code for code in codes if code in group.five_ones]


# -- in SQL -----------------------------------------------------------------------------


def _match_q(match: GroupMatch, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}pk__isnull": False})  # an empty match takes everyone
    if match.categories:
        q &= Q(**{f"{prefix}organization__category__in": list(match.categories)})
    if match.posts:
        q &= Q(**{f"{prefix}post_kind__in": list(match.posts)})
    if match.leader_cadre is not None:
        q &= Q(**{f"{prefix}is_leader_cadre": match.leader_cadre})
    if match.retired is not None:
        q &= Q(**{f"{prefix}retired": match.retired})
    return q


def group_expression(rules: CampaignTemplate, campaign: Campaign | None = None) -> Expression:
    """A member's 分类指导 group code as an SQL expression over Member rows ("" for none);
    with `campaign`, the unit's choice first."""
    whens = [
        When(_match_q(group.match), then=Value(group.code))
        for group in rules.guidance_groups()
        if group.match is not None
    ]
    computed = Case(*whens, default=Value(""), output_field=CharField())
    if campaign is None:
        return computed
    chosen = MemberGroupChoice.objects.filter(campaign=campaign, member=OuterRef("pk"))
    return Coalesce(
        Subquery(chosen.values("group")[:1], output_field=CharField()),
        computed,
        output_field=CharField(),
    )


def group_q(rules: CampaignTemplate, group: str, campaign: Campaign | None = None) -> Q:
    """Members in a template member group, as a filter over Member rows: mirrors
    `member_group_codes`."""
    if group == "leader_cadre":
        return Q(is_leader_cadre=True)
    if group in ("formal", "probationary"):
        return Q(status=group)
    return Q(Exact(group_expression(rules, campaign), Value(group)))


# -- the unit's choice ------------------------------------------------------------------


def set_member_group(
    campaign: Campaign,
    member: Member,
    group: str,
    *,
    user: User | None = None,
    acting: Scope | None,
) -> MemberGroupChoice | None:
    """The unit sets a member's 分类指导 group; an empty `group` returns the member to the
    computed group (the choice is kept in the history)."""
    _check_actor(acting, lambda scope: scope.can_manage_org(member.organization))
    if not group:
        choice = MemberGroupChoice.objects.filter(campaign=campaign, member=member).first()
        if choice is not None:
            choice.delete()
        return None
    if group not in {g.code for g in campaign.rules.guidance_groups()}:
        raise KeyError(group)
    choice, _created = MemberGroupChoice.objects.update_or_create(
        campaign=campaign,
        member=member,
        defaults={"group": group, "set_by": user, "set_on": timezone.localdate()},
    )
    return choice


__all__ = [
    "BUILT_IN_GROUPS",
    "chosen_codes",
    "computed_group",
    "group_expression",
    "group_of",
    "group_q",
    "member_group",
    "member_group_codes",
    "required_five_ones",
    "set_member_group",
]
