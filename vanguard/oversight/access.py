"""Who may see and do what in this app, composed from `request.scope` (accounts.access).

The non-qualifying member rule (R23) is decided in the access module
(`Scope.disposition_filter` / `can_see_disposition_of`); the pair of functions below applies
it for every view, export, search, template tag and the Django admin:

- the campaign office and the administrators of the member's own unit (whoever manages
  the member's organisation) see the case and change it;
- the member themself sees their own case, read-only. The notice asks the Party
  organisation to educate such members so that they "尽快转化为合格的共产党员" (五.3), and
  problems are fed back "向党组织和党员本人" (五.2(2)): the talks, the deadline to improve
  and the outcome are told to the member, so hiding their own record from them would
  keep nothing secret and would deny them what the procedure gives them;
- nobody else: not other members, leaders, liaison officers, outsiders or the public —
  and not a superuser as such (a system administrator is not entitled by the notice;
  give the account an office grant, which is itself recorded, if it needs to see cases).
"""

from __future__ import annotations

from django.db.models import QuerySet

from vanguard.accounts.models import Role
from vanguard.oversight.models import DispositionCase, LiaisonAssignment, Suggestion

# -- non-qualifying members (R23) ----------------------------------------------------------


def disposition_cases_visible_to(scope, queryset: QuerySet | None = None) -> QuerySet:
    """The disposition cases `scope` may see (of `queryset`, by default all of them); the
    rule itself is `Scope.disposition_filter` in the access module."""
    queryset = DispositionCase.objects.all() if queryset is None else queryset
    return queryset.filter(scope.disposition_filter())


def can_see_disposition(scope, case: DispositionCase) -> bool:
    """The same rule for one case already loaded (`Scope.can_see_disposition_of`)."""
    return scope.can_see_disposition_of(case.member)


def can_change_disposition(scope, case: DispositionCase) -> bool:
    """Recording talks, deadlines and outcomes: the office and the member's unit admins."""
    return scope.can_manage_org(case.member.organization)


def may_list_dispositions(scope) -> bool:
    """Whether the cases list exists for this user (it is a management page)."""
    return bool(scope.manage_paths)


# -- liaison officers (R27) ----------------------------------------------------------------


def can_record_visit(scope, assignment: LiaisonAssignment) -> bool:
    """Only the dispatched officer, while the dispatch's grant is in force."""
    return assignment.officer_id == scope.user.pk and assignment.is_active(scope.today)


def can_review_suggestion(scope, suggestion: Suggestion) -> bool:
    """Accepting or returning an answer: the officer (while in office) or the office."""
    assignment = suggestion.visit.assignment
    if scope.is_office and scope.can_manage_org(suggestion.visit.organization):
        return True
    return can_record_visit(scope, assignment)


def can_see_supervision(scope, organization) -> bool:
    """Visits and suggestions are working papers: staff readers of the unit, not members."""
    return scope.can_view_org(organization)


def is_leader(scope) -> bool:
    return scope.has_role(Role.LEADER)
