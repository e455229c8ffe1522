"""The one place that decides who may see and change what.

A role is granted on an organisation node and reaches the node's whole subtree:

- campaign office (领导小组办公室): sees and manages everything under its node;
- leader (局领导): sees everything under its node, changes nothing;
- liaison officer (联络员): sees the units assigned to them, for the grant's period only;
- unit administrator (党组织书记/党务工作者): sees and manages its organisation's subtree;
- member (党员): sees themselves and their unit's campaign plan.

Views never re-implement these rules: they call `request.scope` (set by
`ScopeMiddleware`) and the `get_*_or_404` helpers here. Outside the scope the answer is
404, the same as for an object that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vanguard.accounts.models import Role, RoleGrant
from vanguard.orgs.models import Member, Organization

READ_ROLES = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.UNIT_ADMIN})
MANAGE_ROLES = frozenset({Role.OFFICE, Role.UNIT_ADMIN})


def covering_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The smallest set of paths whose subtrees cover all of `paths`."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(kept)


def subtree_filter(paths: Iterable[str], prefix: str = "") -> Q:
    """A filter for rows whose organisation (reached through `prefix`) lies under `paths`.

    An empty set of paths matches nothing.
    """
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


@dataclass
class Scope:
    """What one user may reach, resolved once per request."""

    user: object
    today: date
    grants: list[tuple[str, str]] = field(default_factory=list)  # (role, org path)
    member: Member | None = None
    is_superuser: bool = False

    @classmethod
    def for_user(cls, user, today: date | None = None) -> Scope:
        today = today or timezone.localdate()
        if not getattr(user, "is_authenticated", False):
            return cls(user=user, today=today)
        active = (
            RoleGrant.objects.filter(user=user)
            .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .values_list("role", "organization__path")
        )
        member = Member.objects.select_related("organization").filter(user=user).first()
        return cls(
            user=user,
            today=today,
            grants=list(active),
            member=member,
            is_superuser=user.is_superuser,
        )

    # -- roles -------------------------------------------------------------------------

    def paths_for(self, roles: Iterable[str]) -> tuple[str, ...]:
        roles = set(roles)
        return covering_paths(path for role, path in self.grants if role in roles)

    @cached_property
    def read_paths(self) -> tuple[str, ...]:
        return self.paths_for(READ_ROLES)

    @cached_property
    def manage_paths(self) -> tuple[str, ...]:
        return self.paths_for(MANAGE_ROLES)

    def has_role(self, role: str) -> bool:
        return any(granted == role for granted, _path in self.grants)

    @property
    def is_office(self) -> bool:
        return self.has_role(Role.OFFICE)

    @property
    def is_staff_reader(self) -> bool:
        """Holds some role beyond being a member."""
        return bool(self.read_paths)

    @property
    def is_anonymous(self) -> bool:
        return not getattr(self.user, "is_authenticated", False)

    # -- organisations -----------------------------------------------------------------

    def can_view_org(self, org: Organization) -> bool:
        return any(org.path.startswith(path) for path in self.read_paths)

    def can_manage_org(self, org: Organization) -> bool:
        return any(org.path.startswith(path) for path in self.manage_paths)

    def can_supervise_org(self, org: Organization) -> bool:
        """Is the upper level of `org`: manages one of its ancestors (not `org` itself).

        The upper level closes a unit's campaign, runs its satisfaction survey, opens a
        remedial cycle and verifies its rectification (三.3, 五.3(2)).
        """
        return any(org.path.startswith(path) and org.path != path for path in self.manage_paths)

    def orgs(self) -> QuerySet[Organization]:
        return Organization.objects.filter(subtree_filter(self.read_paths))

    def managed_orgs(self) -> QuerySet[Organization]:
        return Organization.objects.filter(subtree_filter(self.manage_paths))

    def get_org_or_404(self, pk, *, manage: bool = False) -> Organization:
        org = Organization.objects.filter(pk=pk).first()
        allowed = org and (self.can_manage_org(org) if manage else self.can_view_org(org))
        if not allowed:
            raise Http404
        return org

    # -- members -----------------------------------------------------------------------

    def members(self) -> QuerySet[Member]:
        query = subtree_filter(self.read_paths, prefix="organization__")
        if self.member is not None:
            query |= Q(pk=self.member.pk)
        return Member.objects.filter(query)

    def can_view_member(self, member: Member) -> bool:
        return (self.member is not None and member.pk == self.member.pk) or self.can_view_org(
            member.organization
        )

    def can_manage_member(self, member: Member) -> bool:
        return self.can_manage_org(member.organization)

    def get_member_or_404(self, pk, *, manage: bool = False) -> Member:
        member = Member.objects.select_related("organization").filter(pk=pk).first()
        allowed = member and (
            self.can_manage_member(member) if manage else self.can_view_member(member)
        )
        if not allowed:
            raise Http404
        return member

    # -- non-qualifying members (R23) ---------------------------------------------------

    def disposition_filter(self, prefix: str = "") -> Q:
        """Disposition cases (reached through `prefix`) this user may see: the office and the
        administrators of the member's unit, and the member their own case."""
        query = subtree_filter(self.manage_paths, prefix=f"{prefix}member__organization__")
        if self.member is not None:
            query |= Q(**{f"{prefix}member_id": self.member.pk})
        return query

    def can_see_disposition_of(self, member: Member) -> bool:
        """The same rule for one member's case."""
        own = self.member is not None and member.pk == self.member.pk
        return own or self.can_manage_member(member)

    # -- campaign units ----------------------------------------------------------------

    def can_view_unit(self, org: Organization) -> bool:
        """May see a unit's campaign page: its readers, and the members inside it."""
        if self.can_view_org(org):
            return True
        return self.member is not None and self.member.organization.path.startswith(org.path)

    def unit_filter(self, prefix: str = "organization__") -> Q:
        """Filter on enrolled units (rows reaching an Organization through `prefix`)."""
        return subtree_filter(self.read_paths, prefix=prefix)

    def can_view_campaign_of(self, org: Organization) -> bool:
        """May see a campaign run by `org`: holds a reading role on it or under it."""
        return any(
            path.startswith(org.path) or org.path.startswith(path) for path in self.read_paths
        )

    def get_in_unit_or_404(self, queryset: QuerySet, *, manage: bool = False, unit=None, **lookup):
        """The object of `queryset` matching `lookup`, if the user may see (or, with
        `manage`, change) the unit it belongs to; 404 otherwise.

        `unit(obj)` gives the object's organisation (default: `obj.organization`).
        """
        obj = queryset.filter(**lookup).first()
        if obj is None:
            raise Http404
        org = unit(obj) if unit else obj.organization
        allowed = self.can_manage_org(org) if manage else self.can_view_unit(org)
        if not allowed:
            raise Http404
        return obj

    def can_manage_campaigns(self) -> bool:
        """Creating campaigns, batches and enrolments is the office's work."""
        return self.is_office

    # -- evidence files, panels, check-in (issue 15) -------------------------------------

    def can_download_evidence(self, org: Organization) -> bool:
        """May open the evidence files of a unit's steps (党性分析材料, 组织生活会记录,
        评议意见, 点名册 …): a reading role on the unit. Its members see the unit's page,
        not the documents behind it."""
        return self.can_view_org(org)

    def sees_members_figures(self, org: Organization) -> bool:
        """May see other members' figures (names, hours, shortfalls) on a unit's panels;
        everyone else is shown their own figures only."""
        return self.can_view_org(org)

    def can_check_in_at(self, org: Organization, *, on_roll: bool = False) -> bool:
        """May open a study session's check-in page: a member of the session's unit, or one
        already on its roll (invited from elsewhere). Anyone else gets 404."""
        if self.member is None:
            return False
        return on_roll or self.member.organization.path.startswith(org.path)
