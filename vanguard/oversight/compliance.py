"""Compliance rules of leadership and supervision (R25–R27), registered with the one
registry in `vanguard.campaigns.compliance`.

Each rule loads its data for all enrolments in one query (aggregates in the database),
so the dashboard's query count does not grow with units. Rules about the bureau itself
(its leading group, the leaders' liaison points) run only when the scope reaches the
campaign's organisation, and never on a single unit's page.

Each finding links the records it counted — pages every reader of the finding may open
(the leading groups and suggestions lists, filtered by the reader's scope; a unit's 三先
page; the liaison points for the bureau's rule, read by the office and the leaders only) —
and states the figure; a unit with nothing owed shows what was counted.

Non-qualifying member cases (R23) have no rule here on purpose: a verdict is read by
leaders and liaison officers, who must not learn of such cases.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vanguard.campaigns.compliance import (
    ComplianceContext,
    activity,
    activity_ids,
    compliance_rule,
    describe_threshold,
    out_of,
    page_link,
    unit_links,
)
from vanguard.campaigns.units import PathIndex, units_by_org
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.core.dates import format_date
from vanguard.oversight import duties
from vanguard.oversight.models import (
    AWAITING_ANSWER,
    BUREAU_LEADER_ROLES,
    GroupMembership,
    LeaderDutyRecord,
    LeadingGroup,
    LiaisonAssignment,
    LiaisonPoint,
    PointKind,
    Suggestion,
    SupervisionVisit,
)


def _covers_bureau(context: ComplianceContext) -> bool:
    """Whether the bureau-level rules apply: the whole campaign is in view."""
    if not context.bureau:
        return False
    return context.campaign.organization.path in context.scope_paths


def _where(enrollment) -> dict:
    return {"organization": enrollment.organization, "enrollment_id": enrollment.pk}


def _groups_link(context: ComplianceContext) -> tuple[str, str]:
    return page_link(context, _("Leading groups"), "oversight:groups", context.campaign.pk)


@activity
def units_with_oversight_records(context: ComplianceContext) -> set[int]:
    """Units with a leading group, a supervision visit or a leader cadre's 三先 record (for
    未开展): three queries, whatever the number of units."""
    ids = set(activity_ids(context))
    if not ids:
        return set()
    units = units_by_org(e for e in context.enrollments if e.pk in ids)
    orgs = list(units)
    campaign = context.campaign
    found: set[int] = set()
    for rows in (
        LeadingGroup.objects.filter(campaign=campaign, organization__in=orgs).values_list(
            "organization_id", flat=True
        ),
        SupervisionVisit.objects.filter(
            assignment__batch__campaign=campaign, organization__in=orgs
        ).values_list("organization_id", flat=True),
        LeaderDutyRecord.objects.filter(
            campaign=campaign, member__organization__in=orgs
        ).values_list("member__organization_id", flat=True),
    ):
        found |= {units[org] for org in rows.order_by().distinct()}
    return found


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
    link = _groups_link(context)
    if bureau:
        where = {"organization": campaign.organization, "links": (link,)}
        findings += _group_findings(
            heads.get(campaign.organization_id), campaign.organization, where
        )
    for enrollment in context.enrollments:
        where = {**_where(enrollment), "links": unit_links(context, enrollment, link)}
        findings += _group_findings(
            heads.get(enrollment.organization_id), enrollment.organization, where
        )
    return findings


def _group_findings(head_count, organization, where) -> list[Finding]:
    if head_count:
        message = ngettext(
            "The leading group of %(unit)s has %(count)s responsible head",
            "The leading group of %(unit)s has %(count)s responsible heads",
            head_count,
        ) % {
            "unit": organization.name,
            "count": head_count,
        }
        return [Finding(Severity.OK, message, **where)]
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
    leaders = list(
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
    complete = sum(1 for m in leaders if kinds.get(m.member_id, set()) >= set(PointKind.values))
    basis: dict[str, Any] = {
        "counted": out_of(
            _("leaders with both points %(done)s / %(total)s"), complete, len(leaders)
        ),
        # The bureau's rule runs for readers of the whole campaign: the office and leaders,
        # who may open the liaison points.
        "links": (page_link(context, _("Liaison points"), "oversight:points", campaign.pk),),
    }
    findings = []
    for membership in leaders:
        has = kinds.get(membership.member_id, set())
        name = membership.member.name
        if not has:
            message = _("%(leader)s has no liaison point") % {"leader": name}
            findings.append(Finding(Severity.FAILING, message, members=(name,), **basis))
        elif PointKind.UNIT not in has:
            message = _("%(leader)s has no liaison-point unit") % {"leader": name}
            findings.append(Finding(Severity.WARNING, message, members=(name,), **basis))
        elif PointKind.DEPARTMENT not in has:
            message = _("%(leader)s has no liaison-point department") % {"leader": name}
            findings.append(Finding(Severity.WARNING, message, members=(name,), **basis))
    if leaders and complete == len(leaders):
        message = _("Each of the %(count)s bureau leaders has a liaison-point unit and department")
        findings.append(Finding(Severity.OK, message % {"count": len(leaders)}, **basis))
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
            message = _("A liaison officer was dispatched to %(unit)s in %(batch)s") % {
                "unit": enrollment.organization.name,
                "batch": batch.title,
            }
            findings.append(
                Finding(
                    Severity.OK,
                    message,
                    links=unit_links(context, enrollment),
                    **_where(enrollment),
                )
            )
            continue
        if running:
            message = _("No liaison officer is in post at %(unit)s during %(batch)s") % {
                "unit": enrollment.organization.name,
                "batch": batch.title,
            }
            findings.append(
                Finding(
                    Severity.FAILING,
                    message,
                    links=unit_links(context, enrollment),
                    **_where(enrollment),
                )
            )
        else:
            message = _("No liaison officer was dispatched to %(unit)s in %(batch)s") % {
                "unit": enrollment.organization.name,
                "batch": batch.title,
            }
            findings.append(
                Finding(
                    Severity.WARNING,
                    message,
                    dates=(batch.ends_on,),
                    links=unit_links(context, enrollment),
                    **_where(enrollment),
                )
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
    late = Q(status__in=AWAITING_ANSWER, answer_due_on__lt=context.today)
    counts = PathIndex(
        Suggestion.objects.filter(visit__assignment__batch__campaign=context.campaign)
        .values("visit__organization__path")
        .annotate(
            total=Count("pk"),
            count=Count("pk", filter=late),
            oldest=Min("answer_due_on", filter=late),
        )
        .values_list("visit__organization__path", "total", "count", "oldest")
    )
    threshold = describe_threshold(context.campaign.rules, "suggestion_answer_days")
    findings = []
    for enrollment in context.enrollments:
        rows = counts.within(enrollment.organization.path)
        total = sum(total for total, _count, _oldest in rows)
        if not total:
            continue
        count = sum(count for _total, count, _oldest in rows)
        basis: dict[str, Any] = {
            "threshold": threshold,
            "counted": out_of(_("unanswered past the deadline %(done)s / %(total)s"), count, total),
            **_where(enrollment),
        }
        if not count:
            message = _("%(count)s suggestions; none unanswered past its deadline")
            links = unit_links(context, enrollment, _suggestions_link(context, enrollment))
            findings.append(Finding(Severity.OK, message % {"count": total}, links=links, **basis))
            continue
        oldest = min(oldest for _total, _count, oldest in rows if oldest is not None)
        message = ngettext(
            "%(count)s suggestion unanswered past its deadline (%(date)s)",
            "%(count)s suggestions unanswered past their deadline (the oldest %(date)s)",
            count,
        ) % {"count": count, "date": format_date(oldest)}
        links = unit_links(
            context, enrollment, _suggestions_link(context, enrollment, status="overdue")
        )
        findings.append(Finding(Severity.FAILING, message, dates=(oldest,), links=links, **basis))
    return findings


def _suggestions_link(context: ComplianceContext, enrollment, **query) -> tuple[str, str]:
    """The suggestions list of the unit (filtered by the reader's scope)."""
    return page_link(
        context,
        _("Supervision suggestions"),
        "oversight:suggestions",
        context.campaign.pk,
        unit=enrollment.organization_id,
        **query,
    )


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
        basis: dict[str, Any] = {
            "counted": out_of(
                _("leader cadres with every item recorded %(done)s / %(total)s"),
                len(cadres[enrollment.pk]) - len(behind),
                len(cadres[enrollment.pk]),
            ),
            "links": unit_links(
                context,
                enrollment,
                page_link(
                    context,
                    _("Leader cadres' 三先 and 十个一"),
                    "oversight:unit-duties",
                    campaign.pk,
                    enrollment.pk,
                ),
            ),
        }
        if not behind and cadres[enrollment.pk]:
            message = _("%(count)s leader cadres recorded every item due")
            findings.append(
                Finding(
                    Severity.OK,
                    message % {"count": len(cadres[enrollment.pk])},
                    **basis,
                    **_where(enrollment),
                )
            )
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
                    **basis,
                    **_where(enrollment),
                )
            )
    return findings
