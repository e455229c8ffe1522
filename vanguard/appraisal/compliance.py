"""Compliance rules of 分析评议 (五.2), registered with `@compliance_rule`:
opinions answered in time, feedback to the members concerned, self-analyses, talk
coverage, and the democratic appraisal held, concluded and announced.

Every rule reads the same bulk load (`stats.load`, cached on the context), so the
dashboard's query count does not grow with units or members. A member-level gap is a
warning while the unit's 分析评议 phase runs and failing once it has ended.

Each finding links the records it counted (the unit's opinions, talks, self-analyses,
meetings, appraisal rounds: pages open to every reader of the unit) and states the figure
("已答复 12 / 15"); a unit that owes nothing shows what was counted (`Severity.OK`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vanguard.accounts.access import subtree_filter
from vanguard.appraisal import rules, stats
from vanguard.appraisal.models import (
    AppraisalRound,
    Opinion,
    OpinionStatus,
    OrgLifeMeeting,
    SelfAnalysis,
    Talk,
)
from vanguard.campaigns.closure import closure_gate
from vanguard.campaigns.compliance import (
    EVIDENCE_NAMES_SHOWN,
    ComplianceContext,
    FigureColumn,
    UnitNumber,
    activity,
    activity_ids,
    compliance_rule,
    describe_threshold,
    enrollments_with,
    out_of,
    page_link,
    unit_figures,
    unit_links,
)
from vanguard.campaigns.units import units_by_org
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.orgs.models import path_within

CACHE_KEY = "appraisal_stats"


def unit_stats(context: ComplianceContext) -> dict[int, stats.UnitStats]:
    """The units' state, loaded once per context for all the rules of this module."""
    if CACHE_KEY not in context.__dict__:
        context.__dict__[CACHE_KEY] = stats.load(
            context.campaign, context.enrollments, today=context.today
        )
    return context.__dict__[CACHE_KEY]


def _names(pairs) -> tuple[str, ...]:
    names = [name for _pk, name in pairs]
    shown = names[:EVIDENCE_NAMES_SHOWN]
    if len(names) > len(shown):
        shown.append(_("… and %(count)s more") % {"count": len(names) - len(shown)})
    return tuple(shown)


def _where(unit: stats.UnitStats) -> dict:
    return {"organization": unit.enrollment.organization, "enrollment_id": unit.enrollment.pk}


def _unit_page(context: ComplianceContext, unit: stats.UnitStats, name: str, label) -> tuple:
    """The unit's page and one of the unit's appraisal pages (reach: the unit's readers)."""
    enrollment = unit.enrollment
    return unit_links(
        context, enrollment, page_link(context, label, name, context.campaign.pk, enrollment.pk)
    )


def _opinions_link(context: ComplianceContext, organization_id: int, **query) -> tuple:
    """The opinions list of one unit (filtered by the reader's scope), e.g. the overdue."""
    return page_link(
        context,
        _("Opinions"),
        "appraisal:opinions",
        context.campaign.pk,
        unit=organization_id,
        **query,
    )


@activity
def units_with_analysis_records(context: ComplianceContext) -> set[int]:
    """Units with an opinion, a talk, a self-analysis, a meeting or an appraisal round
    recorded (for 未开展): one query per kind of record, whatever the number of units."""
    ids = set(activity_ids(context))
    if not ids:
        return set()
    found = enrollments_with(context, Talk, OrgLifeMeeting, AppraisalRound)
    units = units_by_org(e for e in context.enrollments if e.pk in ids)
    orgs = list(units)
    opinions = Opinion.objects.filter(campaign=context.campaign, responsible_unit__in=orgs)
    analyses = SelfAnalysis.objects.filter(campaign=context.campaign, member__organization__in=orgs)
    for rows in (
        opinions.values_list("responsible_unit_id", flat=True),
        analyses.values_list("member__organization_id", flat=True),
    ):
        found |= {units[org] for org in rows.order_by().distinct()}
    return found


@compliance_rule(
    "appraisal.opinions",
    gettext_lazy("Opinions answered within the deadline"),
    module="opinions",
    thresholds=("opinion_answer_days",),
)
def opinions_answered(context: ComplianceContext) -> list[Finding]:
    threshold = describe_threshold(context.campaign.rules, "opinion_answer_days")
    findings = []
    for unit in unit_stats(context).values():
        if not unit.opinions:
            continue
        org_id = unit.enrollment.organization.pk
        basis: dict[str, Any] = {
            "threshold": threshold,
            "counted": out_of(
                _("answered %(done)s / %(total)s"), unit.opinions - unit.open, unit.opinions
            ),
            **_where(unit),
        }
        if unit.overdue:
            message = ngettext(
                "%(count)s opinion is past its answer deadline without an answer",
                "%(count)s opinions are past their answer deadline without an answer",
                unit.overdue,
            ) % {"count": unit.overdue}
            links = unit_links(context, unit.enrollment, _opinions_link(context, org_id, overdue=1))
            findings.append(Finding(Severity.FAILING, message, links=links, **basis))
        else:
            message = _("%(count)s opinions received; none past its answer deadline") % {
                "count": unit.opinions
            }
            links = unit_links(context, unit.enrollment, _opinions_link(context, org_id))
            findings.append(Finding(Severity.OK, message, links=links, **basis))
    if context.bureau:
        findings += _overdue_outside_units(context, threshold)
    return findings


def _overdue_outside_units(context: ComplianceContext, threshold: str) -> list[Finding]:
    """Opinions with the leading organisation itself (about the bureau, or passed up)."""
    # The overdue opinions counted per organisation, those outside every enrolled unit found
    # by path (`is_covered`): excluding 3,000 enrolled subtrees in SQL took 0.3 s.
    rows = (
        Opinion.objects.filter(
            campaign=context.campaign, status=OpinionStatus.OPEN, due_on__lt=context.today
        )
        .filter(subtree_filter(context.scope_paths, prefix="responsible_unit__"))
        .values_list("responsible_unit_id", "responsible_unit__name", "responsible_unit__path")
        .annotate(Count("pk"))
        .order_by()
    )
    counts = {
        (name, org_id): count for org_id, name, path, count in rows if not context.is_covered(path)
    }
    return [
        Finding(
            Severity.FAILING,
            ngettext(
                "%(unit)s: %(count)s opinion is past its answer deadline without an answer",
                "%(unit)s: %(count)s opinions are past their answer deadline without an answer",
                count,
            )
            % {"unit": name, "count": count},
            threshold=threshold,
            links=(_opinions_link(context, org_id, overdue=1),),
        )
        for (name, org_id), count in sorted(counts.items())
    ]


@compliance_rule(
    "appraisal.feedback",
    gettext_lazy("Opinions fed back to the members concerned"),
    module="opinions",
)
def members_fed_back(context: ComplianceContext) -> list[Finding]:
    findings = []
    for unit in unit_stats(context).values():
        level = rules.lateness(rules.analysis_window(unit.enrollment), context.today)
        if level is None or not unit.not_fed_back:
            continue
        org_id = unit.enrollment.organization.pk
        findings.append(
            Finding(
                level,
                ngettext(
                    "%(count)s member has not been told the opinions about them",
                    "%(count)s members have not been told the opinions about them",
                    len(unit.not_fed_back),
                )
                % {"count": len(unit.not_fed_back)},
                members=_names(sorted(unit.not_fed_back.items())),
                counted=out_of(
                    _("members not yet told %(done)s / %(total)s"),
                    len(unit.not_fed_back),
                    unit.member_count,
                ),
                links=unit_links(context, unit.enrollment, _opinions_link(context, org_id)),
                **_where(unit),
            )
        )
    return findings


@compliance_rule(
    "appraisal.self_analysis",
    gettext_lazy("Every member's self-analysis handed in"),
    module="self_analysis",
)
def self_analyses(context: ComplianceContext) -> list[Finding]:
    findings = []
    for unit in unit_stats(context).values():
        if not unit.members:
            continue
        missing = unit.analyses_missing
        basis: dict[str, Any] = {
            "counted": out_of(
                _("handed in %(done)s / %(total)s"),
                unit.member_count - len(missing),
                unit.member_count,
            ),
            "links": _unit_page(context, unit, "appraisal:self-analyses", _("Self-analyses")),
            **_where(unit),
        }
        if not missing:
            message = _("All %(total)s members have handed in their self-analysis")
            findings.append(Finding(Severity.OK, message % {"total": unit.member_count}, **basis))
            continue
        level = rules.lateness(rules.analysis_window(unit.enrollment), context.today)
        if level is None:
            continue
        findings.append(
            Finding(
                level,
                ngettext(
                    "%(count)s of %(total)s members has not handed in their self-analysis",
                    "%(count)s of %(total)s members have not handed in their self-analysis",
                    len(missing),
                )
                % {"count": len(missing), "total": unit.member_count},
                members=_names(missing),
                **basis,
            )
        )
    return findings


@compliance_rule("appraisal.talks", gettext_lazy("Every member talked with"), module="talks")
def talk_coverage(context: ComplianceContext) -> list[Finding]:
    findings = []
    for unit in unit_stats(context).values():
        if not unit.members:
            continue
        missing = unit.not_talked
        basis: dict[str, Any] = {
            "counted": out_of(
                _("talked with %(done)s / %(total)s"), unit.talk_coverage, unit.member_count
            ),
            "links": _unit_page(context, unit, "appraisal:talks", _("Talks")),
            **_where(unit),
        }
        if not missing:
            message = _("All %(total)s members talked with, in %(talks)s talks")
            findings.append(
                Finding(
                    Severity.OK,
                    message % {"total": unit.member_count, "talks": unit.talks},
                    **basis,
                )
            )
            continue
        level = rules.lateness(rules.analysis_window(unit.enrollment), context.today)
        if level is None:
            continue
        findings.append(
            Finding(
                level,
                ngettext(
                    "%(count)s of %(total)s members has had no talk",
                    "%(count)s of %(total)s members have had no talk",
                    len(missing),
                )
                % {"count": len(missing), "total": unit.member_count},
                members=_names(missing),
                **basis,
            )
        )
    return findings


def premature_meetings(unit: stats.UnitStats, meeting_rule) -> list[tuple]:
    """五.2(3) 要在谈心活动的基础上，召开专题组织生活会: the unit's meetings held before every
    member of the meeting's organisation had their talk (and handed in their 党性分析, when
    the template asks), as (date, members not ready by then). A talk or analysis on the
    meeting's day counts as done before it; one a day later does not."""
    found = []
    for held_on, path in sorted(unit.meeting_dates):
        not_ready = []
        for pk, name in unit.members:
            if not path_within(unit.member_paths.get(pk, ""), path):
                continue
            talk = unit.first_talk.get(pk)
            analysis = unit.analysis_handed_in.get(pk)
            late_talk = meeting_rule.after_talks and (talk is None or talk > held_on)
            late_analysis = meeting_rule.after_self_analysis and (
                analysis is None or analysis > held_on
            )
            if late_talk or late_analysis:
                not_ready.append((pk, name))
        if not_ready:
            found.append((held_on, not_ready))
    return found


@compliance_rule(
    "appraisal.talks_before_meeting",
    gettext_lazy("The special organisational-life meeting held after the talks"),
    module="meetings",
)
def talks_before_meeting(context: ComplianceContext) -> list[Finding]:
    meeting_rule = context.campaign.rules.org_life_meeting
    if meeting_rule is None:
        return []  # a template without the rule: nothing of it
    findings = []
    for unit in unit_stats(context).values():
        links = _unit_page(context, unit, "appraisal:meetings", _("Meetings"))
        premature = premature_meetings(unit, meeting_rule)
        for held_on, not_ready in premature:
            findings.append(
                Finding(
                    Severity.WARNING,
                    ngettext(
                        "The special organisational-life meeting of %(date)s was held before "
                        "%(count)s member had their talk and party-spirit analysis done",
                        "The special organisational-life meeting of %(date)s was held before "
                        "%(count)s members had their talks and party-spirit analyses done",
                        len(not_ready),
                    )
                    % {"date": date_format(held_on, "DATE_FORMAT"), "count": len(not_ready)},
                    members=_names(not_ready),
                    dates=(held_on,),
                    counted=out_of(
                        _("ready before the meeting %(done)s / %(total)s"),
                        unit.member_count - len(not_ready),
                        unit.member_count,
                    ),
                    links=links,
                    **_where(unit),
                )
            )
        if unit.meeting_dates and not premature:
            message = ngettext(
                "%(count)s meeting, held after the members' talks",
                "%(count)s meetings, each held after the members' talks",
                len(unit.meeting_dates),
            )
            findings.append(
                Finding(
                    Severity.OK,
                    message % {"count": len(unit.meeting_dates)},
                    links=links,
                    **_where(unit),
                )
            )
    return findings


@compliance_rule(
    "appraisal.appraisal",
    gettext_lazy("Democratic appraisal held, every member concluded, results announced"),
    module="appraisal",
)
def appraisal_done(context: ComplianceContext) -> list[Finding]:
    findings = []
    for unit in unit_stats(context).values():
        if not unit.members:
            continue
        finding = _appraisal_finding(unit, context.today)
        if finding is None:
            continue
        latest = unit.latest_round
        counted = (
            out_of(_("concluded %(done)s / %(total)s"), latest.concluded, latest.candidates)
            if latest is not None
            else ""
        )
        links = _unit_page(context, unit, "appraisal:rounds", _("Appraisal rounds"))
        findings.append(replace(finding, counted=counted, links=links))
    return findings


def _appraisal_finding(unit: stats.UnitStats, today) -> Finding | None:
    level = rules.lateness(rules.analysis_window(unit.enrollment), today)
    latest = unit.latest_round
    if latest is None:
        if level is None:
            return None
        return Finding(level, _("No democratic appraisal round yet"), **_where(unit))
    if latest.state in ("scheduled", "open"):
        if level != Severity.FAILING:
            return None
        return Finding(
            Severity.WARNING,
            _("Voting in %(round)s is still open after the phase ended") % {"round": latest.title},
            **_where(unit),
        )
    missing = latest.candidates - latest.concluded
    if missing:
        return Finding(
            level or Severity.WARNING,
            ngettext(
                "%(count)s member has no appraisal conclusion yet",
                "%(count)s members have no appraisal conclusion yet",
                missing,
            )
            % {"count": missing},
            **_where(unit),
        )
    if latest.state != "published":
        return Finding(
            level or Severity.WARNING,
            _("The results of %(round)s are not announced yet") % {"round": latest.title},
            **_where(unit),
        )
    message = _("%(round)s held, every member concluded, results announced")
    return Finding(Severity.OK, message % {"round": latest.title}, **_where(unit))


# -- closing a unit's campaign -------------------------------------------------------------


@closure_gate
def analysis_settled(enrollment) -> list[str]:
    """A unit does not close with opinions unanswered or an appraisal left unconcluded."""
    unit = stats.load(enrollment.campaign, [enrollment], today=timezone.localdate())[enrollment.pk]
    campaign = enrollment.campaign
    problems = []
    if unit.open and campaign.has_module("opinions"):
        problems.append(
            ngettext(
                "%(count)s opinion is not answered",
                "%(count)s opinions are not answered",
                unit.open,
            )
            % {"count": unit.open}
        )
    latest = unit.latest_round
    if latest is not None and latest.state != "published" and campaign.has_module("appraisal"):
        problems.append(
            _("The democratic appraisal %(round)s is not concluded and announced")
            % {"round": latest.title}
        )
    return problems


@unit_figures(
    FigureColumn("appraisal.opinions", gettext_lazy("Opinions received"), module="opinions"),
    FigureColumn("appraisal.answered", gettext_lazy("Opinions answered"), module="opinions"),
    FigureColumn("appraisal.candidates", gettext_lazy("Members appraised"), module="appraisal"),
    FigureColumn("appraisal.concluded", gettext_lazy("Appraisal concluded"), module="appraisal"),
)
def appraisal_figures(context: ComplianceContext) -> dict[int, dict[str, UnitNumber]]:
    """Opinions received and answered, members appraised and concluded, per unit."""
    return {
        pk: {
            "appraisal.opinions": unit.opinions,
            "appraisal.answered": unit.opinions - unit.open,
            "appraisal.candidates": sum(r.candidates for r in unit.rounds),
            "appraisal.concluded": sum(r.concluded for r in unit.rounds),
        }
        for pk, unit in unit_stats(context).items()
    }
