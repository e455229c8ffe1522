"""The one place that decides who may see and change what.

A role is granted on an organisation node and reaches the node's whole subtree:

- campaign office (领导小组办公室): sees and manages everything under its node;
- leader (局领导): sees everything under its node, changes nothing;
- liaison officer (联络员): sees the units assigned to them, for the grant's period only;
- unit administrator (党组织书记/党务工作者): sees and manages its organisation's subtree;
- member (党员): sees themselves and their unit's campaign plan.

Views never re-implement these rules: they call `request.scope` (set by
`ScopeMiddleware`) and the `get_*_or_404` helpers here. Outside the scope the answer is
404, the same as for an object that does not exist; an object the user sees but may not
change (or a staff page of a unit they only belong to) answers 403.

The phase apps' rules live here too, as `Scope` methods grouped by app below: they take
the phase app's objects by their attributes (duck typing), so this module imports nothing
above `orgs` and `accounts`; the campaign models are reached through the app registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from vanguard.accounts.models import Role, RoleGrant, User
from vanguard.orgs.models import Member, Organization, OrganizationQuerySet

# Kinds of reach (`Scope.reaches`) and rights (`Scope.get_or_404(require=…)`).
UNIT, STAFF, CAMPAIGN, UPPER = "unit", "staff", "campaign", "upper"
MANAGE, SUPERVISE = "manage", "supervise"

READ_ROLES = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.UNIT_ADMIN})
MANAGE_ROLES = frozenset({Role.OFFICE, Role.UNIT_ADMIN})


class ScopedRequest(HttpRequest):
    """For annotations only: a signed-in request once `ScopeMiddleware` has set
    `request.scope` (views behind `login_required`); `htmx` is django-htmx's."""

    scope: Scope
    user: User
    htmx: HtmxDetails


def covering_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The smallest set of paths whose subtrees cover all of `paths`."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(kept)


def campaign_of(obj: Any) -> Any:
    """The campaign a campaign record belongs to: its `campaign`, or its enrolment's, or
    its session's (a module's pages answer 404 when the campaign lacks the module)."""
    for path in ("campaign", "enrollment.campaign", "session.enrollment.campaign"):
        value = obj
        for name in path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        if value is not None:
            return value
    raise ValueError(f"{type(obj).__name__} belongs to no campaign")


def subtree_filter(paths: Iterable[str], prefix: str = "") -> Q:
    """A filter for rows whose organisation (reached through `prefix`) lies under `paths`.

    An empty set of paths matches nothing.
    """
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def require_acting(acting: Scope | None, allowed: Callable[[Scope], bool]) -> None:
    """Refuse (PermissionDenied) an action the acting scope does not allow.

    Every state-changing service takes `acting=`: the scope of the user on whose behalf it
    runs, or None for the system itself (commands, the demo and data loaders, a service
    that checked already). Every caller must say which, so a new view cannot forget the
    check; `allowed` is one of the `Scope` rules below.
    """
    if acting is not None and not allowed(acting):
        raise PermissionDenied


@dataclass
class Scope:
    """What one user may reach, resolved once per request."""

    user: Any  # a User, or AnonymousUser
    today: date
    grants: list[tuple[str, str]] = field(default_factory=list)  # (role, org path)
    member: Member | None = None
    is_superuser: bool = False

    @classmethod
    def for_user(cls, user: Any, today: date | None = None) -> Scope:
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
        return self.can_view_path(org.path)

    def can_manage_org(self, org: Organization) -> bool:
        return self.can_manage_path(org.path)

    def can_view_path(self, path: str) -> bool:
        """`can_view_org` for an organisation known by its path only (an import's rows)."""
        return any(path.startswith(read) for read in self.read_paths)

    def can_manage_path(self, path: str) -> bool:
        return any(path.startswith(managed) for managed in self.manage_paths)

    def can_supervise_org(self, org: Organization) -> bool:
        """Is the upper level of `org`: manages one of its ancestors (not `org` itself).

        The upper level closes a unit's campaign, runs its satisfaction survey, opens a
        remedial cycle and verifies its rectification (三.3, 五.3(2)).
        """
        return any(org.path.startswith(path) and org.path != path for path in self.manage_paths)

    def orgs(self) -> QuerySet[Organization]:
        orgs: QuerySet[Organization] = Organization.objects.filter(subtree_filter(self.read_paths))
        return orgs

    def managed_orgs(self) -> OrganizationQuerySet:
        orgs: OrganizationQuerySet = Organization.objects.filter(subtree_filter(self.manage_paths))
        return orgs

    def get_org_or_404(self, pk: int | str, *, manage: bool = False) -> Organization:
        org: Organization | None = Organization.objects.filter(pk=pk).first()
        if org is None or not (self.can_manage_org(org) if manage else self.can_view_org(org)):
            raise Http404
        return org

    # -- members -----------------------------------------------------------------------

    def members(self) -> QuerySet[Member]:
        query = subtree_filter(self.read_paths, prefix="organization__")
        if self.member is not None:
            query |= Q(pk=self.member.pk)
        return Member.objects.filter(query)

    def is_member(self, member: Member) -> bool:
        """`member` is the signed-in user's own member record."""
        return self.member is not None and self.member.pk == member.pk

    def can_act_for_member(self, member: Member) -> bool:
        """Records about one member (their 五个一, their self-analysis): the member themself
        or the managers of the member's organisation."""
        return self.is_member(member) or self.can_manage_member(member)

    def can_view_member(self, member: Member) -> bool:
        return (self.member is not None and member.pk == self.member.pk) or self.can_view_org(
            member.organization
        )

    def can_manage_member(self, member: Member) -> bool:
        return self.can_manage_org(member.organization)

    def get_member_or_404(self, pk: int | str, *, manage: bool = False) -> Member:
        member: Member | None = Member.objects.select_related("organization").filter(pk=pk).first()
        if member is None or not (
            self.can_manage_member(member) if manage else self.can_view_member(member)
        ):
            raise Http404
        return member

    # -- one lookup for every "object in my reach, or 404" ------------------------------

    def reaches(self, org: Organization, reach: str = UNIT) -> bool:
        """Whether `org`'s objects of the given kind of reach are visible at all:

        - `UNIT`: the unit's readers and the members inside it;
        - `STAFF`: the unit's readers only (working papers);
        - `CAMPAIGN`: holds a reading role on `org` or under it (a campaign run by `org`);
        - `UPPER`: reads the unit's parent (the upper level overseeing it).
        """
        if reach == UNIT:
            return self.can_view_unit(org)
        if reach == STAFF:
            return self.can_view_org(org)
        if reach == CAMPAIGN:
            return self.can_view_campaign_of(org)
        if reach == UPPER:
            return self.can_oversee_unit(org)
        raise ValueError(reach)

    def get_or_404(
        self,
        queryset: QuerySet[Any],
        *,
        unit: Callable[[Any], Organization] | None = None,
        reach: str = UNIT,
        require: str | Iterable[str] = (),
        module: str | Iterable[str] = "",
        **lookup: Any,
    ) -> Any:
        """The object of `queryset` matching `lookup`: 404 unless its unit (`unit(obj)`,
        default `obj.organization`) is within `reach`, and (with `module`) unless its
        campaign (`campaign_of(obj)`) has that module; 403 unless every right named in
        `require` (`MANAGE`, `SUPERVISE`, `STAFF`, `UPPER`) holds on that unit."""
        obj = queryset.filter(**lookup).first()
        if obj is None:
            raise Http404
        org = unit(obj) if unit else obj.organization
        if not self.reaches(org, reach):
            raise Http404
        if module:
            self.module_or_404(campaign_of(obj), module)
        for right in (require,) if isinstance(require, str) else require:
            if not self.may(right, org):
                raise PermissionDenied
        return obj

    def may(self, right: str, org: Organization) -> bool:
        if right == MANAGE:
            return self.can_manage_org(org)
        if right == SUPERVISE:
            return self.can_supervise_org(org)
        return self.reaches(org, right)

    def require(self, allowed: bool) -> None:
        """403 for an action on something the user sees but may not change."""
        if not allowed:
            raise PermissionDenied

    def require_manage(self, org: Organization) -> None:
        """Services call this before changing a unit's data for the acting scope."""
        if not self.can_manage_org(org):
            raise PermissionDenied

    def require_manager(self) -> None:
        """Pages that create records somewhere in the user's scope: 404 for those with no
        staff role, 403 for readers who manage nothing."""
        if not self.is_staff_reader:
            raise Http404
        if not self.manage_paths:
            raise PermissionDenied

    @property
    def manages_something(self) -> bool:
        return bool(self.manage_paths)

    @property
    def is_leader(self) -> bool:
        return self.has_role(Role.LEADER)

    # -- campaigns ---------------------------------------------------------------------

    # -- campaign modules (issue 16) -----------------------------------------------------
    # A page of a module that the campaign's template leaves out does not exist: 404 for
    # everyone, as for an object that does not exist.

    @staticmethod
    def module_or_404(campaign: Any, module: str | Iterable[str] = "") -> Any:
        """`campaign` when its template enables `module` (any of several), else 404."""
        codes = (module,) if isinstance(module, str) else tuple(module)
        codes = tuple(code for code in codes if code)
        if codes and not any(campaign.has_module(code) for code in codes):
            raise Http404
        return campaign

    def get_campaign_or_404(
        self, pk: int | str, *, members: bool = False, module: str | Iterable[str] = ""
    ) -> Any:
        """A campaign whose units the user reads (a reading role on its organisation or
        under it); with `members`, also one the signed-in member takes part in; with
        `module`, only when its template enables that module."""
        campaign_model = apps.get_model("campaigns", "Campaign")
        campaign = campaign_model.objects.select_related("organization").filter(pk=pk).first()
        if campaign is None:
            raise Http404
        if self.can_view_campaign_of(campaign.organization):
            return self.module_or_404(campaign, module)
        if members and self.member_enrollments().filter(campaign=campaign).exists():
            return self.module_or_404(campaign, module)
        raise Http404

    def get_enrollment_or_404(
        self,
        campaign_pk: int | str,
        pk: int | str,
        *,
        reach: str = UNIT,
        require: str | Iterable[str] = (),
        prefetch: Iterable[Any] = (),
        queryset: QuerySet[Any] | None = None,
        module: str | Iterable[str] = "",
    ) -> Any:
        """An enrolled unit of the campaign, through `get_or_404` (same `reach`, `require`);
        with `module`, only when the campaign's template enables that module."""
        if queryset is None:
            queryset = apps.get_model("campaigns", "Enrollment").objects.select_related(
                "campaign__organization", "organization", "batch"
            )
        enrollment = self.get_or_404(
            queryset.prefetch_related(*prefetch),
            reach=reach,
            require=require,
            pk=pk,
            campaign_id=campaign_pk,
        )
        self.module_or_404(enrollment.campaign, module)
        return enrollment

    def member_enrollments(self) -> QuerySet[Any]:
        """The enrolments covering the signed-in member's organisation (one per campaign)."""
        if self.member is None:
            nothing: QuerySet[Any] = apps.get_model("campaigns", "Enrollment").objects.none()
            return nothing
        return _covering(self.member)

    def enrollments_covering(self, member: Member) -> list[Any]:
        """The enrolments covering `member`'s organisation, newest campaign first, with
        their phase windows. The signed-in member's are read once per request: their home,
        its panels and the navigation all list them."""
        if self.member is not None and member.pk == self.member.pk:
            return self._own_enrollments
        return _listed(_covering(member))

    @cached_property
    def _own_enrollments(self) -> list[Any]:
        return _listed(self.member_enrollments())

    def get_member_enrollment_or_404(
        self, campaign_pk: int | str, *, module: str | Iterable[str] = ""
    ) -> tuple[Any, Any]:
        """The signed-in member's campaign and their unit's enrolment in it (with
        `module`, only when the campaign's template enables that module)."""
        enrollment = self.member_enrollments().filter(campaign_id=campaign_pk).first()
        if enrollment is None:
            raise Http404
        return self.module_or_404(enrollment.campaign, module), enrollment

    # -- rectification items (整改) ------------------------------------------------------
    # A unit's items are seen by whoever may see the unit; the bureau's own items by every
    # staff reader of the campaign; a member's own item by the readers of the member's
    # organisation and the member, not the member's colleagues. The managers of the item's
    # organisation change it; the member concerned and the responsible person may also
    # report progress. "The upper level" verifies or reopens: for a member's item the
    # managers of the member's organisation, for a unit's item the managers of its parent,
    # for the bureau's items the campaign office.

    def can_view_item(self, item: Any) -> bool:
        org = item.organization
        if item.is_members_own:
            own = self.member is not None and self.member.pk == item.member_id
            return own or self.can_view_org(org)
        if item.is_bureaus:
            return self.can_view_campaign_of(org)
        return self.can_view_unit(org)

    def can_manage_item(self, item: Any) -> bool:
        return self.can_manage_org(item.organization)

    def can_report_progress(self, item: Any) -> bool:
        if self.can_manage_item(item):
            return True
        return self.member is not None and self.member.pk in (item.member_id, item.responsible_id)

    def can_judge_item(self, item: Any) -> bool:
        if item.is_members_own or item.is_bureaus:
            return self.can_manage_org(item.organization)
        return self.can_supervise_org(item.organization)

    def sees_members_items(self, unit: Organization) -> bool:
        """Whether a unit's list shows its members' own items (its readers only)."""
        return self.can_view_org(unit)

    def get_item_or_404(
        self, queryset: QuerySet[Any], pk: int | str, *, module: str | Iterable[str] = ""
    ) -> Any:
        item = queryset.filter(pk=pk).first()
        if item is None or not self.can_view_item(item):
            raise Http404
        if module:
            self.module_or_404(campaign_of(item), module)
        return item

    # -- satisfaction surveys (三.3) -----------------------------------------------------
    # The upper level of a unit runs its survey: those who manage one of the unit's
    # ancestors run it, those who read one see it read-only; the unit's own readers see
    # the results once published.

    def can_oversee_unit(self, org: Organization) -> bool:
        """Reads `org` as its upper level (reads its parent)."""
        parent = org.parent_by_path()
        return parent is not None and self.can_view_org(parent)

    def can_run_survey(self, org: Organization) -> bool:
        return self.can_supervise_org(org)

    def can_see_survey_results(self, org: Organization, *, published: bool) -> bool:
        return self.can_oversee_unit(org) or (published and self.can_view_unit(org))

    # -- liaison officers' supervision (R27) ---------------------------------------------

    def can_record_visit(self, assignment: Any) -> bool:
        """Only the dispatched officer, while the dispatch's grant is in force."""
        return bool(assignment.officer_id == self.user.pk and assignment.is_active(self.today))

    def can_review_suggestion(self, suggestion: Any) -> bool:
        """Accepting or returning an answer: the officer (while in office) or the office."""
        if self.is_office and self.can_manage_org(suggestion.visit.organization):
            return True
        return self.can_record_visit(suggestion.visit.assignment)

    def is_office_over(self, org: Organization) -> bool:
        """The campaign office acting on `org`: liaison points and dispatches, the review
        of articles and commendations."""
        return self.is_office and self.can_manage_org(org)

    def can_see_supervision(self, org: Organization) -> bool:
        """Visits and suggestions are working papers: staff readers, not members."""
        return self.can_view_org(org)

    # -- leaders' 三先 and the 市委“十个一”规定 (三.4, oversight.duties) -------------------

    def can_view_leader_duties(self, member: Member) -> bool:
        """A leader cadre's record: the cadre, and staff readers of their organisation."""
        return self.can_view_member(member)

    def can_record_group_step(self, member: Member) -> bool:
        """A step of the member's group (三.5): the member records their own; the unit (or
        the office) for them."""
        own = self.member is not None and member.pk == self.member.pk
        return own or self.can_manage_org(member.organization)

    def can_record_leader_duty(self, member: Member) -> bool:
        """The leader cadre records their own; the unit (or the office) for them."""
        own = self.member is not None and member.pk == self.member.pk and member.is_leader_cadre
        return own or self.can_manage_org(member.organization)

    # -- the unit's situation and 突出问题 (五.1(1), situation) -----------------------------

    def can_see_situation(self, org: Organization) -> bool:
        """The profile and problems are working papers: staff readers, not members."""
        return self.can_view_org(org)

    def can_edit_situation(self, org: Organization) -> bool:
        return self.can_manage_org(org)

    # -- non-qualifying members (R23) ---------------------------------------------------
    # Applied by every view, export, search, template tag and the Django admin
    # (`DispositionCase.objects.visible_to(scope)`):
    # - the campaign office and the administrators of the member's own unit (whoever
    #   manages the member's organisation) see the case and change it;
    # - the member themself sees their own case, read-only. The notice asks the Party
    #   organisation to educate such members so that they "尽快转化为合格的共产党员" (五.3),
    #   and problems are fed back "向党组织和党员本人" (五.2(2)): the talks, the deadline and
    #   the outcome are told to the member, so hiding their own record from them would keep
    #   nothing secret and deny them what the procedure gives them;
    # - nobody else: not other members, leaders, liaison officers, outsiders or the public,
    #   and not a superuser as such (give the account an office grant, itself recorded).

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

    # -- study: 网络党校, 学习体会/调研文章, 讲师团 (五.1(4)二, issue 20) ----------------------
    # An online material of the office is offered to every member of the campaign's units
    # and read by every staff reader of the campaign; a unit's to its members and readers.
    # Its publisher (the office, or the unit's managers) changes it. A writing is seen by
    # its author and the readers of its unit, reviewed by the unit's managers; the campaign
    # office reads the ones recommended to it and publishes them.

    def online_material_org(self, material: Any) -> Organization:
        owner = material.enrollment if material.enrollment_id else material.campaign
        org: Organization = owner.organization
        return org

    def can_study_online(self, material: Any) -> bool:
        if self.member is None or material.withdrawn_at is not None:
            return False
        enrollments = self.member_enrollments().filter(campaign_id=material.campaign_id)
        if material.enrollment_id:
            enrollments = enrollments.filter(pk=material.enrollment_id)
        return bool(enrollments.exists())

    def can_view_online_material(self, material: Any) -> bool:
        org = self.online_material_org(material)
        if material.enrollment_id is None:
            return self.can_view_campaign_of(org) or self.can_study_online(material)
        return self.can_view_org(org) or self.can_study_online(material)

    def can_manage_online_material(self, material: Any) -> bool:
        return self.can_manage_org(self.online_material_org(material))

    def can_view_writing(self, writing: Any) -> bool:
        if self.member is not None and writing.member_id == self.member.pk:
            return True
        return self.can_view_org(writing.enrollment.organization)

    def can_review_writing(self, writing: Any) -> bool:
        return self.can_manage_org(writing.enrollment.organization)

    def is_campaign_office(self, campaign: Any) -> bool:
        """The campaign's office: publishes in its public column, keeps its 讲师团 roster
        and its 网络党校 materials for every unit."""
        return self.is_office and self.can_manage_org(campaign.organization)

    # -- schools: 三培养, 党员先锋岗, the four roles of teacher members (issue 20) ----------
    # A unit's records are read by its readers and changed by its managers; a teacher
    # member keeps their own commitments (and sees them), the unit reads them all.

    def can_keep_commitment(self, commitment: Any) -> bool:
        return self.member is not None and commitment.member_id == self.member.pk

    # -- reporting: phase summaries (阶段总结、转段验收) and briefs (简报) --------------------
    # Working papers of a unit: its staff readers see them (members do not); its managers
    # write them. A summary is signed off by the liaison officer holding a grant on the
    # unit (for the grant's period, i.e. the officer of its batch) or by the office over
    # it; a brief is reviewed and published by the office.

    def can_see_reports(self, org: Organization) -> bool:
        return self.can_view_org(org)

    def can_write_reports(self, org: Organization) -> bool:
        return self.can_manage_org(org)

    def is_liaison_of(self, org: Organization) -> bool:
        return any(org.path.startswith(path) for path in self.paths_for({Role.LIAISON}))

    def can_sign_off_summary(self, summary: Any) -> bool:
        org = summary.enrollment.organization
        return self.is_office_over(org) or self.is_liaison_of(org)

    def can_review_brief(self, brief: Any) -> bool:
        return self.is_office_over(brief.enrollment.organization)

    def sign_off_filter(self, prefix: str = "enrollment__organization__") -> Q:
        """The units whose summaries this user signs off (office or liaison officer)."""
        return subtree_filter([*self.office_paths, *self.paths_for({Role.LIAISON})], prefix)

    # -- reporting: the campaign report and the data screen (数据大屏) --------------------
    # The leading group's: the office and the leaders holding a grant on the campaign's
    # organisation or above (a leader of one liaison point does not read the whole).

    def can_see_campaign_report(self, campaign: Any) -> bool:
        path = campaign.organization.path
        leading = self.paths_for({Role.OFFICE, Role.LEADER})
        return self.is_superuser or any(path.startswith(grant) for grant in leading)

    def get_campaign_report_or_404(self, campaign_pk: int | str) -> Any:
        """The campaign, when the user may read its report and data screen; 404 otherwise."""
        campaign = self.get_campaign_or_404(campaign_pk)
        if not self.can_see_campaign_report(campaign):
            raise Http404
        return campaign

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

    def get_in_unit_or_404(
        self,
        queryset: QuerySet[Any],
        *,
        manage: bool = False,
        unit: Callable[[Any], Organization] | None = None,
        module: str | Iterable[str] = "",
        **lookup: Any,
    ) -> Any:
        """The object of `queryset` matching `lookup`, if the user may see (or, with
        `manage`, change) the unit it belongs to and (with `module`) its campaign has that
        module; 404 otherwise.

        `unit(obj)` gives the object's organisation (default: `obj.organization`).
        """
        obj = queryset.filter(**lookup).first()
        if obj is None:
            raise Http404
        org = unit(obj) if unit else obj.organization
        allowed = self.can_manage_org(org) if manage else self.can_view_unit(org)
        if not allowed:
            raise Http404
        if module:
            self.module_or_404(campaign_of(obj), module)
        return obj

    def can_manage_campaigns(self) -> bool:
        """Creating campaigns, batches and enrolments is the office's work."""
        return self.is_office

    # -- setting campaigns up (issue 16) ---------------------------------------------------
    # Templates, starting a campaign, its batches, enrolments in bulk, ending and archiving
    # it: the campaign office (for campaigns led by its node or below) and superusers.
    # Everyone else gets 404 on these pages, as if they did not exist.

    @cached_property
    def office_paths(self) -> tuple[str, ...]:
        return self.paths_for({Role.OFFICE})

    def can_set_up_campaigns(self) -> bool:
        return self.is_superuser or bool(self.office_paths)

    def can_set_up(self, campaign: Any) -> bool:
        """May change `campaign`'s set-up: its office (a grant on its organisation or above)."""
        if self.is_superuser:
            return True
        path = campaign.organization.path
        return any(path.startswith(office) for office in self.office_paths)

    def require_set_up(self) -> None:
        """The set-up pages: 404 for anyone but the office and superusers."""
        if not self.can_set_up_campaigns():
            raise Http404

    def setup_campaigns(self) -> QuerySet[Any]:
        """The campaigns whose set-up this user may change."""
        campaign_model = apps.get_model("campaigns", "Campaign")
        campaigns: QuerySet[Any] = campaign_model.objects.select_related("organization")
        if self.is_superuser:
            return campaigns
        return campaigns.filter(subtree_filter(self.office_paths, prefix="organization__"))

    def get_setup_campaign_or_404(self, pk: int | str) -> Any:
        campaign = self.setup_campaigns().filter(pk=pk).first()
        if campaign is None:
            raise Http404
        return campaign

    def setup_orgs(self) -> QuerySet[Organization]:
        """The organisations that may lead a campaign this user starts."""
        orgs: QuerySet[Organization] = Organization.objects.all()
        if self.is_superuser:
            return orgs
        return orgs.filter(subtree_filter(self.office_paths))

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

    # -- the inspection archive (档案, issue 18) ------------------------------------------
    # A unit's archive is a working paper: whoever reads the unit as staff (its
    # administrator, its liaison officer, the office and the leaders over it) downloads it;
    # its members and everyone else get 404. The campaign's archive is the office's and
    # the leaders' (a grant on the campaign's organisation or above); anyone else 404. What
    # goes into an archive is what its requester may read: 党性分析 only with
    # `can_read_self_analyses` (the rule of the self-analysis pages: the unit's readers).

    def can_download_unit_archive(self, org: Organization) -> bool:
        return self.can_view_org(org)

    def can_download_campaign_archive(self, campaign: Any) -> bool:
        if self.is_superuser:
            return True
        path = campaign.organization.path
        return any(path.startswith(top) for top in self.paths_for({Role.OFFICE, Role.LEADER}))

    def can_read_self_analyses(self, org: Organization) -> bool:
        return self.can_view_org(org)

    def get_unit_archive_or_404(self, campaign_pk: int | str, pk: int | str) -> Any:
        """An enrolled unit whose archive this user downloads, or 404."""
        enrollment = self.get_enrollment_or_404(campaign_pk, pk, prefetch=("phases",))
        if not self.can_download_unit_archive(enrollment.organization):
            raise Http404
        return enrollment

    def get_campaign_archive_or_404(self, campaign_pk: int | str) -> Any:
        """A campaign whose whole archive this user downloads, or 404."""
        campaign = self.get_campaign_or_404(campaign_pk)
        if not self.can_download_campaign_archive(campaign):
            raise Http404
        return campaign

    def archive_enrollments(self, campaign: Any) -> QuerySet[Any]:
        """The units of the campaign archive: those whose archive this user downloads."""
        enrollments: QuerySet[Any] = (
            apps.get_model("campaigns", "Enrollment")
            .objects.filter(campaign=campaign)
            .filter(self.unit_filter())
        )
        return enrollments

    # -- background jobs ("my downloads") ----------------------------------------------

    def jobs(self) -> QuerySet[Any]:
        """The background jobs (exports, imports) this user started: nobody else sees them."""
        job_model = apps.get_model("reports", "Job")
        if not getattr(self.user, "is_authenticated", False):
            none: QuerySet[Any] = job_model.objects.none()
            return none
        owned: QuerySet[Any] = job_model.objects.owned_by(self.user)
        return owned

    def get_job_or_404(self, pk: int | str) -> Any:
        """One of the user's own jobs; anyone else's is 404 (even the office's)."""
        job = self.jobs().filter(pk=pk).first()
        if job is None:
            raise Http404
        return job

    # -- to-do lists (待办) ---------------------------------------------------------------

    @cached_property
    def admin_paths(self) -> tuple[str, ...]:
        """Where the user is a unit administrator: their to-do list holds those units' work
        (the office's holds the campaign's, in counts)."""
        return self.paths_for({Role.UNIT_ADMIN})

    def administers(self, org: Organization) -> bool:
        return any(org.path.startswith(path) for path in self.admin_paths)

    def administered_filter(self, prefix: str = "organization__") -> Q:
        """Rows of the units the user administers (no rows when they administer none)."""
        if not self.admin_paths:
            return Q(pk__in=[])
        return subtree_filter(self.admin_paths, prefix=prefix)

    # -- notifications -------------------------------------------------------------------

    def notifications(self) -> QuerySet[Any]:
        """The user's own notifications: nobody else reads them."""
        model = apps.get_model("notifications", "Notification")
        found: QuerySet[Any] = (
            model.objects.filter(recipient=self.user)
            if getattr(self.user, "is_authenticated", False)
            else model.objects.none()
        )
        return found

    def get_notification_or_404(self, pk: int | str) -> Any:
        found = self.notifications().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    @property
    def reads_delivery_log(self) -> bool:
        """The delivery log (every message, its channel and failures): the office."""
        return self.is_office or self.is_superuser

    @property
    def manages_group_robots(self) -> bool:
        """The group robots page: the managers of some organisation, and superusers."""
        return self.is_superuser or bool(self.manage_paths)

    def group_robots(self) -> QuerySet[Any]:
        """The group robots of the organisations the user manages."""
        model = apps.get_model("notifications", "GroupRobot")
        robots: QuerySet[Any] = model.objects.all()
        if self.is_superuser:
            return robots
        if not self.manage_paths:
            return robots.none()
        return robots.filter(subtree_filter(self.manage_paths, prefix="organization__"))

    def get_group_robot_or_404(self, pk: int | str) -> Any:
        found = self.group_robots().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found


# -- who is told ------------------------------------------------------------------------


def role_holders(
    role: str, organizations: Iterable[Organization], today: date
) -> dict[int, set[int]]:
    """{organisation id: set of user ids} of the users holding `role` on each organisation
    or one of its ancestors today (the people a notification about it may go to)."""
    organizations = list(organizations)
    if not organizations:
        return {}
    grants = list(
        RoleGrant.objects.filter(role=role, user__is_active=True)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("user_id", "organization__path")
    )
    return {
        org.pk: {user_id for user_id, path in grants if org.path.startswith(path)}
        for org in organizations
    }


def unit_admins_of_each(
    objects: Iterable[Any], unit_of: Callable[[Any], Organization], today: date
) -> Iterable[tuple[Any, Organization, int]]:
    """(object, its unit, user id) for every unit administrator of the unit each object
    concerns (`unit_of(obj)`), on that unit or above it, today — one query for all of them.
    The notification finders of the phase apps tell unit administrators through this."""
    objects = list(objects)
    admins = role_holders(Role.UNIT_ADMIN, {unit_of(obj) for obj in objects}, today)
    for obj in objects:
        unit = unit_of(obj)
        for user_id in sorted(admins.get(unit.pk, ())):
            yield obj, unit, user_id


def _covering(member: Member) -> QuerySet[Any]:
    """The enrolments covering `member`'s organisation (one per campaign)."""
    enrollment_model = apps.get_model("campaigns", "Enrollment")
    enrollments: QuerySet[Any] = enrollment_model.objects.covering(member.organization)
    return enrollments.select_related("campaign", "batch", "organization")


def _listed(enrollments: QuerySet[Any]) -> list[Any]:
    """Newest campaign first, with their phase windows."""
    return list(enrollments.prefetch_related("phases").order_by("-campaign__starts_on", "pk"))
