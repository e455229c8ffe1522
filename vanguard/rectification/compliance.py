"""Compliance rules of rectification (五.3), registered with `vanguard.campaigns.compliance`.

- every item has a responsible person and a deadline (落实整改责任和整改时限);
- items past their deadline are finished, or explained to the public (五.3(2));
- each unit has published its list by the end of its 整改提高 window (五.3(1): 在教育网上公布);
- reopened items are reworked under the upper level's supervision (五.3(2)).

All rules share two queries, made once per evaluation and kept on the context. Each
finding links the list it counted (filtered to the overdue or reopened items) and states
the figure ("逾期 2 / 15"); a list with nothing owed shows what was counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vanguard.campaigns.compliance import (
    ComplianceContext,
    FigureColumn,
    UnitNumber,
    activity,
    compliance_rule,
    enrollments_with,
    out_of,
    page_link,
    unit_figures,
    unit_links,
)
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.core.dates import date_formatter, format_date
from vanguard.rectification import stats
from vanguard.rectification.models import (
    SOLVED,
    RectificationItem,
    RectificationItemQuerySet,
    Status,
)

RECTIFICATION_PHASE = "rectification"  # the template's phase code of 整改提高
EVIDENCE_SHOWN = 20


@dataclass
class Loaded:
    summaries: dict
    flagged: dict  # list key -> rows of items with a problem


def _loaded(context: ComplianceContext) -> Loaded:
    if "_rectification" not in context.__dict__:
        context.__dict__["_rectification"] = _load(context)
    return context.__dict__["_rectification"]


def _items(context: ComplianceContext):
    ids = [e.pk for e in context.enrollments]
    query = Q(enrollment_id__in=ids)
    if _sees_bureau(context):
        query |= Q(enrollment__isnull=True)
    return RectificationItem.objects.filter(query, campaign=context.campaign)


def _sees_bureau(context: ComplianceContext) -> bool:
    if not context.bureau:
        return False
    return context.scope is None or context.scope.can_view_campaign_of(
        context.campaign.organization
    )


def _load(context: ComplianceContext) -> Loaded:
    items = _items(context)
    today = context.today
    flagged_rows = (
        items.filter(
            Q(responsible__isnull=True)
            | Q(deadline__isnull=True)
            | RectificationItemQuerySet.overdue_q(today)
            | Q(status=Status.REOPENED)
        )
        .order_by("deadline", "pk")
        .values("enrollment_id", "problem", "deadline", "responsible_id", "status", "explanation")
    )
    flagged = defaultdict(list)
    for row in flagged_rows:
        flagged[row["enrollment_id"]].append(row)
    return Loaded(summaries=stats.summarize(items, today), flagged=flagged)


def _lists(context: ComplianceContext):
    """(enrolment or None for the bureau, organisation) of every list the context covers."""
    lists = [(e, e.organization) for e in context.enrollments]
    if _sees_bureau(context):
        lists.append((None, context.campaign.organization))
    return lists


def _where(enrollment, organization) -> dict:
    return {"organization": organization, "enrollment_id": enrollment.pk if enrollment else None}


def _links(context: ComplianceContext, enrollment, **query) -> tuple:
    """The list of a unit (its page first) or the bureau's, with the list's filters."""
    campaign_pk = context.campaign.pk
    if enrollment is None:
        return (
            page_link(
                context, _("Rectification list"), "rectification:bureau", campaign_pk, **query
            ),
        )
    listed = page_link(
        context, _("Rectification list"), "rectification:unit", campaign_pk, enrollment.pk, **query
    )
    return unit_links(context, enrollment, listed)


def _summary(context: ComplianceContext, enrollment) -> stats.ListSummary:
    key = enrollment.pk if enrollment else None
    return _loaded(context).summaries.get(key) or stats.ListSummary()


@activity
def units_with_items(context: ComplianceContext) -> set[int]:
    """Units with a rectification item on their list (for 未开展): one query."""
    return enrollments_with(context, RectificationItem)


def _names(rows) -> tuple[str, ...]:
    """The first items' problems with their deadlines: only those shown are formatted."""
    formatted = date_formatter()
    names = [
        row["problem"][:30] + (f"（{formatted(row['deadline'])}）" if row["deadline"] else "")
        for row in rows[:EVIDENCE_SHOWN]
    ]
    if len(rows) > EVIDENCE_SHOWN:
        names.append("…")
    return tuple(names)


@compliance_rule(
    "rectification.owners",
    gettext_lazy("Every rectification item has an owner and a deadline"),
    module="rectification",
)
def items_without_owner_or_deadline(context: ComplianceContext) -> list[Finding]:
    loaded = _loaded(context)
    findings = []
    for enrollment, org in _lists(context):
        key = enrollment.pk if enrollment else None
        rows = [
            r
            for r in loaded.flagged.get(key, [])
            if r["responsible_id"] is None or r["deadline"] is None
        ]
        if rows:
            message = ngettext(
                "%(count)s item has no responsible person or no deadline",
                "%(count)s items have no responsible person or no deadline",
                len(rows),
            ) % {"count": len(rows)}
            summary = _summary(context, enrollment)
            findings.append(
                Finding(
                    Severity.FAILING,
                    message,
                    members=_names(rows),
                    counted=out_of(
                        _("without owner or deadline %(done)s / %(total)s"),
                        len(rows),
                        summary.items,
                    ),
                    links=_links(context, enrollment),
                    **_where(enrollment, org),
                )
            )
    return findings


@compliance_rule(
    "rectification.overdue",
    gettext_lazy("Overdue items are finished or explained"),
    module="rectification",
)
def overdue_items(context: ComplianceContext) -> list[Finding]:
    loaded = _loaded(context)
    findings = []
    for enrollment, org in _lists(context):
        key = enrollment.pk if enrollment else None
        rows = [
            r
            for r in loaded.flagged.get(key, [])
            if r["deadline"] and r["deadline"] < context.today and r["status"] not in SOLVED
        ]
        unexplained = [r for r in rows if not r["explanation"]]
        explained = [r for r in rows if r["explanation"]]
        summary = _summary(context, enrollment)
        where: dict[str, Any] = {
            **_where(enrollment, org),
            "counted": out_of(_("overdue %(done)s / %(total)s"), len(rows), summary.items),
            "links": _links(context, enrollment, overdue=1),
        }
        if not rows and summary.items:
            message = _("%(count)s items; none past its deadline unfinished") % {
                "count": summary.items
            }
            where["links"] = _links(context, enrollment)
            findings.append(Finding(Severity.OK, message, **where))
        if unexplained:
            message = ngettext(
                "%(count)s item is past its deadline, not done and not explained",
                "%(count)s items are past their deadline, not done and not explained",
                len(unexplained),
            ) % {"count": len(unexplained)}
            dates = (unexplained[0]["deadline"],)
            findings.append(
                Finding(
                    Severity.FAILING, message, members=_names(unexplained), dates=dates, **where
                )
            )
        if explained:
            message = ngettext(
                "%(count)s overdue item is explained to the public",
                "%(count)s overdue items are explained to the public",
                len(explained),
            ) % {"count": len(explained)}
            findings.append(Finding(Severity.WARNING, message, members=_names(explained), **where))
    return findings


@compliance_rule(
    "rectification.published",
    gettext_lazy("Each unit publishes its list by the end of its rectification phase"),
    module="rectification",
)
def unpublished_lists(context: ComplianceContext) -> list[Finding]:
    loaded = _loaded(context)
    try:
        phase_title = context.campaign.rules.phase(RECTIFICATION_PHASE).title
    except KeyError:
        return []  # a campaign without this phase
    findings = []
    for enrollment in context.enrollments:
        window = next(
            (w for w in enrollment.phases.all() if w.phase_code == RECTIFICATION_PHASE), None
        )
        if window is None or window.ends_on >= context.today:
            continue
        summary = loaded.summaries.get(enrollment.pk) or stats.ListSummary()
        where: dict[str, Any] = {
            **_where(enrollment, enrollment.organization),
            "counted": out_of(
                _("published %(done)s / %(total)s"), summary.published, summary.items
            ),
            "links": _links(context, enrollment),
        }
        if summary.published:
            message = _("%(count)s items published") % {"count": summary.published}
            findings.append(Finding(Severity.OK, message, **where))
        else:
            message = _("%(phase)s ended on %(end)s and no rectification item is published") % {
                "phase": phase_title,
                "end": format_date(window.ends_on),
            }
            findings.append(Finding(Severity.FAILING, message, dates=(window.ends_on,), **where))
    return findings


@compliance_rule(
    "rectification.reopened",
    gettext_lazy("Reopened items reworked under supervision"),
    module="rectification",
)
def reopened_items(context: ComplianceContext) -> list[Finding]:
    loaded = _loaded(context)
    findings = []
    for enrollment, org in _lists(context):
        key = enrollment.pk if enrollment else None
        rows = [r for r in loaded.flagged.get(key, []) if r["status"] == Status.REOPENED]
        if rows:
            message = ngettext(
                "%(count)s item was judged ineffective and is being reworked",
                "%(count)s items were judged ineffective and are being reworked",
                len(rows),
            ) % {"count": len(rows)}
            findings.append(
                Finding(
                    Severity.WARNING,
                    message,
                    members=_names(rows),
                    counted=out_of(
                        _("reopened %(done)s / %(total)s"),
                        len(rows),
                        _summary(context, enrollment).items,
                    ),
                    links=_links(context, enrollment, status=Status.REOPENED.value),
                    **_where(enrollment, org),
                )
            )
    return findings


@unit_figures(
    FigureColumn("rectification.items", gettext_lazy("Rectification items")),
    FigureColumn("rectification.done", gettext_lazy("Items done")),
    FigureColumn("rectification.overdue", gettext_lazy("Items overdue")),
    FigureColumn(
        "rectification.public_solved", gettext_lazy("Problems raised by the public and solved")
    ),
    module="rectification",
)
def rectification_figures(context: ComplianceContext) -> dict[int, dict[str, UnitNumber]]:
    """Each unit's items, done, overdue, and the public's problems solved (效果)."""
    summaries = _loaded(context).summaries
    figures: dict[int, dict[str, UnitNumber]] = {}
    for enrollment in context.enrollments:
        summary = summaries.get(enrollment.pk) or stats.ListSummary(key=enrollment.pk)
        figures[enrollment.pk] = {
            "rectification.items": summary.items,
            "rectification.done": summary.solved,
            "rectification.overdue": summary.overdue,
            "rectification.public_solved": summary.public_solved,
        }
    return figures
