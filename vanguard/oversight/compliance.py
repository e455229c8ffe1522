"""Compliance rules of leadership and supervision (R25–R27), registered with the one
registry in `vanguard.campaigns.compliance`.

Each rule loads its data for all enrolments in one query (aggregates in the database),
so the dashboard's query count does not grow with units. Rules about the bureau itself
(its leading group, the leaders' liaison points) run only when the scope reaches the
campaign's organisation, and never on a single unit's page.

Non-qualifying member cases (R23) have no rule here on purpose: a verdict is read by
leaders and liaison officers, who must not learn of such cases.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vanguard.campaigns.compliance import ComplianceContext, compliance_rule
from vanguard.campaigns.units import PathIndex
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.core.dates import format_date
from vanguard.oversight import duties
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    BUREAU_LEADER_ROLES,
    GroupMembership,
    LeadingGroup,
    LiaisonAssignment,
    LiaisonPoint,
    PointKind,
    Suggestion,
)


def _covers_bureau(context: ComplianceContext) -> bool:
    """Whether the bureau-level rules apply: the whole campaign is in view."""
    if not context.bureau:
        return False
    return context.campaign.organization.path in context.scope_paths


def _where(enrollment) -> dict:
    return {"organization": enrollment.organization, "enrollment_id": enrollment.pk}


# -- R25 leading groups --------------------------------------------------------------------


@compliance_rule(
    "oversight.leading_groups",
    gettext_lazy("A leading group in the bureau and in every unit, its head responsible"),
    module="leading_groups",
)
def leading_groups(context: ComplianceContext) -> list[Finding]:
    campaign = context.campaign
    bureau = _covers_bureau(context)
    org_ids = [e.organization_id for e in context.enrollments]
    if bureau:
        org_ids.append(campaign.organization_id)
    heads = dict(
        LeadingGroup.objects.filter(campaign=campaign, organization_id__in=org_ids)
        .annotate(heads=Count("memberships", filter=Q(memberships__is_responsible=True)))
        .values_list("organization_id", "heads")
    )
    findings = []
    if bureau:
        findings += _group_findings(heads.get(campaign.organization_id), campaign.organization, {})
    for enrollment in context.enrollments:
        findings += _group_findings(
            heads.get(enrollment.organization_id), enrollment.organization, _where(enrollment)
        )
    return findings


def _group_findings(head_count, organization, where) -> list[Finding]:
    where = where or {"organization": organization}
    if head_count is None:
        message = _("%(unit)s has no leading group") % {"unit": organization.name}
        level = Severity.WARNING if where.get("enrollment_id") else Severity.FAILING
        return [Finding(level, message, **where)]
    if head_count == 0:
        message = _("The leading group of %(unit)s has no responsible head marked") % {
            "unit": organization.name
        }
        return [Finding(Severity.WARNING, message, **where)]
    return []


# -- R26 liaison points --------------------------------------------------------------------


@compliance_rule(
    "oversight.liaison_points",
    gettext_lazy("Each bureau leader has a liaison-point unit and department"),
    per_unit=False,
    module="liaison",
)
def liaison_points(context: ComplianceContext) -> list[Finding]:
    if not _covers_bureau(context):
        return []
    campaign = context.campaign
    leaders = (
        GroupMembership.objects.filter(
            group__campaign=campaign,
            group__organization_id=campaign.organization_id,
            role__in=BUREAU_LEADER_ROLES,
        )
        .select_related("member")
        .order_by("pk")
    )
    kinds: dict[int, set[str]] = {}
    for leader_id, kind in LiaisonPoint.objects.filter(campaign=campaign).values_list(
        "leader_id", "kind"
    ):
        kinds.setdefault(leader_id, set()).add(kind)
    findings = []
    for membership in leaders:
        has = kinds.get(membership.member_id, set())
        name = membership.member.name
        if not has:
            message = _("%(leader)s has no liaison point") % {"leader": name}
            findings.append(Finding(Severity.FAILING, message, members=(name,)))
        elif PointKind.UNIT not in has:
            message = _("%(leader)s has no liaison-point unit") % {"leader": name}
            findings.append(Finding(Severity.WARNING, message, members=(name,)))
        elif PointKind.DEPARTMENT not in has:
            message = _("%(leader)s has no liaison-point department") % {"leader": name}
            findings.append(Finding(Severity.WARNING, message, members=(name,)))
    return findings


# -- R27 liaison officers ------------------------------------------------------------------


@compliance_rule(
    "oversight.liaison_officers",
    gettext_lazy("A liaison officer dispatched to every unit of its batch"),
    module="liaison",
)
def liaison_officers(context: ComplianceContext) -> list[Finding]:
    """Failing: a unit of the running batch has no officer in post. Warning: a unit of a
    batch that has ended never had one. Batches still to come are not judged."""
    rows = defaultdict(list)
    for batch_id, org_path, withdrawn_on in LiaisonAssignment.objects.filter(
        batch__campaign=context.campaign
    ).values_list("batch_id", "organization__path", "withdrawn_on"):
        rows[batch_id].append((org_path, withdrawn_on))
    dispatched = {batch_id: PathIndex(found) for batch_id, found in rows.items()}
    nobody = PathIndex([])
    today = context.today
    findings = []
    for enrollment in context.enrollments:
        batch = enrollment.batch
        if batch.starts_on > today:
            continue
        running = batch.ends_on >= today
        path = enrollment.organization.path
        # Dispatched in the unit's batch to the unit, inside it or above it.
        covered = any(
            withdrawn_on is None or not running
            for withdrawn_on in dispatched.get(batch.pk, nobody).around(path)
        )
        if covered:
            continue
        if running:
            message = _("No liaison officer is in post at %(unit)s during %(batch)s") % {
                "unit": enrollment.organization.name,
                "batch": batch.title,
            }
            findings.append(Finding(Severity.FAILING, message, **_where(enrollment)))
        else:
            message = _("No liaison officer was dispatched to %(unit)s in %(batch)s") % {
                "unit": enrollment.organization.name,
                "batch": batch.title,
            }
            findings.append(
                Finding(Severity.WARNING, message, dates=(batch.ends_on,), **_where(enrollment))
            )
    return findings


# -- R27 suggestions answered --------------------------------------------------------------


@compliance_rule(
    "oversight.suggestions",
    gettext_lazy("Supervision suggestions answered in time"),
    module="liaison",
    thresholds=("suggestion_answer_days",),
)
def suggestions_answered(context: ComplianceContext) -> list[Finding]:
    """Failing: suggestions the unit has not answered by their deadline (set when the
    suggestion is made: the visit's date plus `VANGUARD_SUGGESTION_ANSWER_DAYS`)."""
    overdue = PathIndex(
        Suggestion.objects.filter(
            visit__assignment__batch__campaign=context.campaign,
            status__in=AWAITING_ANSWER,
            answer_due_on__lt=context.today,
        )
        .values("visit__organization__path")
        .annotate(count=Count("pk"), oldest=Min("answer_due_on"))
        .values_list("visit__organization__path", "count", "oldest")
    )
    findings = []
    for enrollment in context.enrollments:
        path = enrollment.organization.path
        rows = overdue.within(path)
        if not rows:
            continue
        count = sum(count for count, _oldest in rows)
        oldest = min(oldest for _count, oldest in rows)
        message = ngettext(
            "%(count)s suggestion unanswered past its deadline (%(date)s)",
            "%(count)s suggestions unanswered past their deadline (the oldest %(date)s)",
            count,
        ) % {"count": count, "date": format_date(oldest)}
        findings.append(Finding(Severity.FAILING, message, dates=(oldest,), **_where(enrollment)))
    return findings


# -- 三.4 leaders' 三先 and the 市委“十个一”规定 -------------------------------------------------


@compliance_rule(
    "oversight.leader_duties",
    gettext_lazy("Leader cadres' 三先 and 十个一 recorded by the phase end"),
)
def leader_duties(context: ComplianceContext) -> list[Finding]:
    """Failing for each unit with leader cadres who have an item without a record once the
    item's phase window has ended (a template without `leader_duties`: nothing)."""
    campaign = context.campaign
    if not campaign.rules.leader_duties:
        return []
    cadres = duties.cadres_of(context.enrollments)
    records = duties.records_of(campaign, [m for ms in cadres.values() for m in ms])
    findings = []
    for enrollment in context.enrollments:
        windows = {w.phase_code: w for w in enrollment.phases.all()}
        due = [
            duty
            for duty in campaign.rules.leader_duties
            if (window := windows.get(duties.due_phase(campaign, duty))) is not None
            and window.ends_on < context.today
        ]
        if not due:
            continue
        behind = [
            cadre.name
            for cadre in cadres[enrollment.pk]
            if any(not records.get(cadre.pk, {}).get(duty.code) for duty in due)
        ]
        if behind:
            findings.append(
                Finding(
                    Severity.FAILING,
                    ngettext(
                        "%(count)s leader cadre has items of the 三先 or 十个一 without a record",
                        "%(count)s leader cadres have items of the 三先 or 十个一 without a record",
                        len(behind),
                    )
                    % {"count": len(behind)},
                    members=tuple(behind[:5]),
                    **_where(enrollment),
                )
            )
    return findings
