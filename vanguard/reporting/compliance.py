"""Compliance rules of reporting, the phase gate of 转段验收 and the activity probe.

- `reporting.signoff` (module `summaries`): a unit whose phase has ended owes its summary;
  when the template says `[summaries] approval_required = true`, a unit whose next phase's
  window has begun while that summary is not approved is waiting for sign-off (failing:
  its next phase does not count as started, `campaigns.phases`).
- `reporting.briefs` (module `briefs`): with `[briefs] min_per_phase`, each ended phase
  of a unit needs that many accepted (or published) briefs.

Each loads its rows for every unit in view in one query.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.campaigns.compliance import (
    ComplianceContext,
    activity,
    activity_ids,
    compliance_rule,
    page_link,
    unit_links,
)
from vanguard.campaigns.phases import phase_gate
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.core.dates import format_date
from vanguard.reporting.models import COUNTED, Brief, BriefStatus, PhaseSummary, SummaryStatus


def approval_required(campaign) -> bool:
    rule = campaign.rules.summaries
    return bool(rule and rule.approval_required)


def min_briefs(campaign) -> int:
    rule = campaign.rules.briefs
    return int(rule.min_per_phase or 0) if rule else 0


@phase_gate(module="summaries")
def awaiting_sign_off(campaign, enrollment_ids) -> dict[tuple[int, str], str]:
    """Each phase after the first is held until the summary of the phase before it is
    approved — when the template requires approval."""
    if not approval_required(campaign):
        return {}
    approved = set(
        PhaseSummary.objects.filter(
            enrollment_id__in=enrollment_ids, status=SummaryStatus.APPROVED
        ).values_list("enrollment_id", "phase_code")
    )
    phases = campaign.rules.phases
    held = {}
    for pk in enrollment_ids:
        for before, phase in pairwise(phases):
            if (pk, before.code) not in approved:
                held[(pk, phase.code)] = _(
                    "waiting for the sign-off of the summary of %(phase)s"
                ) % {"phase": before.title}
    return held


def _summary_link(context: ComplianceContext, enrollment) -> tuple[str, str]:
    return (
        str(_("Phase summaries")),
        context.url("reporting:unit-summaries", context.campaign.pk, enrollment.pk),
    )


@compliance_rule(
    "reporting.signoff",
    gettext_lazy("Phase summaries submitted and signed off (转段验收)"),
    module="summaries",
)
def sign_off(context: ComplianceContext) -> list[Finding]:
    campaign = context.campaign
    rules = campaign.rules
    required = approval_required(campaign)
    threshold = f"summaries.approval_required = {'true' if required else 'false'}"
    summaries = {
        (s.enrollment_id, s.phase_code): s
        for s in PhaseSummary.objects.filter(
            enrollment_id__in=[e.pk for e in context.enrollments]
        ).only("enrollment_id", "phase_code", "status", "submitted_on", "approved_on")
    }
    order = [phase.code for phase in rules.phases]
    findings = []
    for enrollment in context.enrollments:
        windows = {w.phase_code: w for w in enrollment.phases.all()}
        approved = 0
        for index, code in enumerate(order):
            window = windows.get(code)
            if window is None or window.ends_on >= context.today:
                continue
            summary = summaries.get((enrollment.pk, code))
            if summary is not None and summary.status == SummaryStatus.APPROVED:
                approved += 1
                continue
            following = windows.get(order[index + 1]) if index + 1 < len(order) else None
            waiting = required and following is not None and following.starts_on <= context.today
            findings.append(
                _finding(context, enrollment, rules.phase(code), summary, waiting, threshold)
            )
        if approved:
            findings.append(
                Finding(
                    Severity.OK,
                    _("%(count)s phase summaries signed off") % {"count": approved},
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    links=unit_links(context, enrollment, _summary_link(context, enrollment)),
                )
            )
    return findings


def _finding(context, enrollment, phase, summary, waiting, threshold) -> Finding:
    if summary is None:
        message = _("The summary of %(phase)s is not submitted") % {"phase": phase.title}
    elif summary.status == SummaryStatus.RETURNED:
        message = _("The summary of %(phase)s was returned and is not resubmitted") % {
            "phase": phase.title
        }
    else:
        message = _("The summary of %(phase)s (submitted on %(date)s) awaits sign-off") % {
            "phase": phase.title,
            "date": format_date(summary.submitted_on),
        }
    if waiting:
        message += _("; the next phase does not count as started until it is approved")
    return Finding(
        Severity.FAILING if waiting else Severity.WARNING,
        message,
        organization=enrollment.organization,
        enrollment_id=enrollment.pk,
        threshold=threshold,
        links=unit_links(context, enrollment, _summary_link(context, enrollment)),
    )


@compliance_rule(
    "reporting.briefs",
    gettext_lazy("Briefs sent in each phase (简报、信息报送)"),
    module="briefs",
)
def briefs_per_phase(context: ComplianceContext) -> list[Finding]:
    campaign = context.campaign
    minimum = min_briefs(campaign)
    rows = (
        Brief.objects.filter(
            enrollment_id__in=[e.pk for e in context.enrollments], status__in=COUNTED
        )
        .values_list("enrollment_id", "phase_code")
        .annotate(n=Count("pk"))
    )
    counts = Counter({(pk, code): n for pk, code, n in rows})
    threshold = f"briefs.min_per_phase = {minimum}"
    findings = []
    for enrollment in context.enrollments:
        links = unit_links(
            context,
            enrollment,
            page_link(context, _("Briefs"), "reporting:unit-briefs", campaign.pk, enrollment.pk),
        )
        total = sum(n for (pk, _code), n in counts.items() if pk == enrollment.pk)
        short = []
        if minimum:
            for window in sorted(enrollment.phases.all(), key=lambda w: w.starts_on):
                if (
                    window.ends_on < context.today
                    and counts[(enrollment.pk, window.phase_code)] < minimum
                ):
                    short.append((window, counts[(enrollment.pk, window.phase_code)]))
        for window, count in short:
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("%(phase)s: %(count)s accepted briefs, fewer than %(minimum)s")
                    % {
                        "phase": campaign.rules.phase(window.phase_code).title,
                        "count": count,
                        "minimum": minimum,
                    },
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    dates=(window.ends_on,),
                    threshold=threshold,
                    counted=_("accepted %(count)s / %(minimum)s")
                    % {"count": count, "minimum": minimum},
                    links=links,
                )
            )
        if not short and total:
            findings.append(
                Finding(
                    Severity.OK,
                    _("%(count)s briefs accepted") % {"count": total},
                    organization=enrollment.organization,
                    enrollment_id=enrollment.pk,
                    links=links,
                )
            )
    return findings


@activity
def reported(context: ComplianceContext) -> set[int]:
    """Units that submitted a summary or a brief have something recorded."""
    ids = activity_ids(context)
    found = set(
        PhaseSummary.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", flat=True)
    )
    found |= set(
        Brief.objects.filter(enrollment_id__in=ids)
        .exclude(status__in=(BriefStatus.DRAFT, BriefStatus.WITHDRAWN))
        .values_list("enrollment_id", flat=True)
    )
    return found
