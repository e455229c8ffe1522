"""Compliance rules of the study phase (五.1), registered with the one registry.

- study.sessions: a unit holds study sessions in its 学习动员 window and takes their roll;
- study.hours: every member reaches the template's minimum hours (R8);
- study.participation: the unit's 参学率 (R9);
- study.five_ones: every member's 五个一 done by the end of the concentrated period (R13);
- study.two_books: the 两本一册 are kept (R11): a unit with sessions but no log entries is
  flagged, as are sessions without a record and leader cadres without study notes.

A unit's shortfalls become failing once the phase they belong to has ended; until then
they are in progress and not reported. All data is loaded for every enrolled unit at once
(`vanguard.study.summary`), so the number of queries does not grow with the units.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.campaigns.compliance import (
    ComplianceContext,
    FigureColumn,
    UnitNumber,
    activity,
    activity_ids,
    compliance_rule,
    describe_threshold,
    out_of,
    unit_figures,
    unit_links,
)
from vanguard.campaigns.units import units_by_org
from vanguard.campaigns.verdicts import Finding, Severity
from vanguard.core.dates import format_date
from vanguard.orgs.models import Member
from vanguard.study.hours import with_hours
from vanguard.study.models import (
    ATTENDED,
    Attendance,
    FiveOneRecord,
    LeaderVisit,
    MemberHours,
    StudyNote,
    StudySession,
    UnitMaterial,
)
from vanguard.study.summary import UnitStudy, unit_studies

NAMES_SHOWN = 20
# The notice asks to 保证参学率 without a number. Until the template can say it (a
# `min_participation_rate` threshold), this is the campaign office's usual bar.
DEFAULT_MIN_PARTICIPATION = 0.9


def min_participation(rules) -> float:
    return float(rules.thresholds.get("min_participation_rate", DEFAULT_MIN_PARTICIPATION))


def _studies(context: ComplianceContext) -> dict[int, UnitStudy]:
    cache = context.__dict__
    if "_study_units" not in cache:
        cache["_study_units"] = unit_studies(context.campaign, context.enrollments, context.today)
    return cache["_study_units"]


def _where(study: UnitStudy) -> dict:
    return {"organization": study.enrollment.organization, "enrollment_id": study.enrollment.pk}


def _link(context: ComplianceContext, study: UnitStudy, name: str, label) -> tuple:
    """The unit's page and one of the study module's pages of the unit."""
    url = context.url(name, context.campaign.pk, study.enrollment.pk)
    return unit_links(context, study.enrollment, (str(label), url))


def _sessions_link(context, study):
    return _link(context, study, "study:sessions", _("Study sessions"))


def _hours_link(context, study):
    return _link(context, study, "study:unit-hours", _("Members' hours"))


@activity
def units_with_sessions(context: ComplianceContext) -> set[int]:
    """Units with a study session, a material, a study note, a 五个一 or a 三进 visit of
    their members recorded (for 未开展): one query per kind, whatever the number of units."""
    ids = set(activity_ids(context))
    if not ids:
        return set()
    found: set[int] = set()
    for model in (StudySession, UnitMaterial):
        rows = model.objects.filter(enrollment__in=ids).values_list("enrollment", flat=True)
        found |= set(rows.order_by().distinct())
    units = units_by_org(e for e in context.enrollments if e.pk in ids)
    for model in (StudyNote, FiveOneRecord, LeaderVisit):
        rows = model.objects.filter(
            campaign=context.campaign, member__organization__in=list(units)
        ).values_list("member__organization", flat=True)
        found |= {units[org] for org in rows.order_by().distinct()}
    return found


def _window_ended(study: UnitStudy, today) -> bool:
    window = study.window
    return window is not None and window.ends_on < today


def _last_window_ended(study: UnitStudy, today) -> bool:
    windows = list(study.enrollment.phases.all())
    return bool(windows) and max(w.ends_on for w in windows) < today


@compliance_rule(
    "study.sessions",
    gettext_lazy("Study sessions held in the study phase, roll taken"),
    module="sessions",
)
def sessions(context: ComplianceContext) -> list[Finding]:
    findings = []
    for study in _studies(context).values():
        figures = study.sessions
        where = {**_where(study), "links": _sessions_link(context, study)}
        before = len(findings)
        if not figures.held and _window_ended(study, context.today):
            findings.append(
                Finding(
                    Severity.FAILING,
                    _("No study session was held; the study phase ended on %(end)s")
                    % {"end": format_date(study.window.ends_on)},
                    dates=(study.window.ends_on,),
                    **where,
                )
            )
        if figures.outside_window:
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("%(count)s sessions were held outside the study phase")
                    % {"count": figures.outside_window},
                    **where,
                )
            )
        if figures.without_roll:
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("%(count)s past sessions have no roll-call")
                    % {"count": figures.without_roll},
                    **where,
                )
            )
        if len(findings) == before and figures.held:
            findings.append(
                Finding(
                    Severity.OK,
                    _("%(count)s sessions held in the study phase, each with its roll-call")
                    % {"count": figures.held},
                    **where,
                )
            )
    return findings


def _short_names(context: ComplianceContext, enrollments) -> dict[int, list[str]]:
    """Names of the members short of hours, most missing first, per enrolled unit."""
    if not enrollments:
        return {}
    units = units_by_org(enrollments)
    rows = (
        with_hours(Member.objects.filter(organization__in=list(units)), context.campaign)
        .filter(hours__lt=F("required"))
        .order_by("-shortfall", "code")
        .values_list("organization", "name", "shortfall")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for org, name, shortfall in rows:
        names[units[org]].append(
            _("%(name)s (%(hours)s hours short)") % {"name": name, "hours": shortfall}
        )
    return names


@compliance_rule(
    "study.hours",
    gettext_lazy("Every member's concentrated study hours reach the minimum"),
    module="sessions",
    thresholds=("min_study_hours",),
)
def hours(context: ComplianceContext) -> list[Finding]:
    ended = [
        study
        for study in _studies(context).values()
        if study.hours.short and _window_ended(study, context.today)
    ]
    names = _short_names(context, [study.enrollment for study in ended])
    findings = []
    for study in ended:
        shown = names.get(study.enrollment.pk, [])
        more = len(shown) - NAMES_SHOWN
        shown = shown[:NAMES_SHOWN] + (
            [_("… and %(count)s more") % {"count": more}] if more > 0 else []
        )
        findings.append(
            Finding(
                Severity.FAILING,
                _(
                    "%(short)s of %(members)s members are short of the minimum hours, "
                    "%(hours)s hours in all"
                )
                % {
                    "short": study.hours.short,
                    "members": study.hours.members,
                    "hours": study.hours.shortfall,
                },
                members=tuple(shown),
                dates=(study.window.ends_on,),
                threshold=_hours_threshold(context, study),
                links=_hours_link(context, study),
                **_where(study),
            )
        )
    for study in _studies(context).values():
        figures = study.hours
        if figures.members and not figures.short:
            findings.append(
                Finding(
                    Severity.OK,
                    _("%(members)s members, %(average)s hours on average; none short")
                    % {"members": figures.members, "average": figures.average},
                    threshold=_hours_threshold(context, study),
                    links=_hours_link(context, study),
                    **_where(study),
                )
            )
    return findings


def _hours_threshold(context: ComplianceContext, study: UnitStudy) -> str:
    category = study.enrollment.organization.category or None
    return describe_threshold(context.campaign.rules, "min_study_hours", category=category)


@compliance_rule(
    "study.stored_hours",
    gettext_lazy("Stored study hours equal the hours added up from the marks"),
    module="sessions",
)
def stored_hours(context: ComplianceContext) -> list[Finding]:
    """Red when a member's stored hours (`MemberHours`, what the pages show) differ from
    the sum of their marks: some code path wrote marks without refreshing. Two queries
    over the units' members, whatever their number."""
    units = units_by_org(context.enrollments)
    if not units:
        return []
    members = Member.objects.filter(organization__in=list(units))
    stored = dict(
        MemberHours.objects.filter(campaign=context.campaign, member__in=members).values_list(
            "member", "hours"
        )
    )
    live = {
        member: Decimal(str(total))
        for member, total in Attendance.objects.filter(
            status__in=ATTENDED,
            session__enrollment__campaign=context.campaign,
            member__in=members,
        )
        .order_by()
        .values("member")
        .annotate(total=Sum("session__hours"))
        .values_list("member", "total")
    }
    stored = {member: Decimal(str(hours)) for member, hours in stored.items()}
    wrong = {pk for pk in stored.keys() | live.keys() if stored.get(pk) != live.get(pk)}
    by_unit: dict[int, list[str]] = defaultdict(list)
    counted: dict[int, int] = defaultdict(int)
    for pk, org, name in members.values_list("pk", "organization", "name"):
        counted[units[org]] += 1
        if pk in wrong:
            by_unit[units[org]].append(
                _("%(name)s (stored %(stored)s, marks %(live)s)")
                % {"name": name, "stored": stored.get(pk, 0), "live": live.get(pk, 0)}
            )
    findings = []
    for enrollment in context.enrollments:
        names = by_unit.get(enrollment.pk)
        where = {"organization": enrollment.organization, "enrollment_id": enrollment.pk}
        if names:
            findings.append(
                Finding(
                    Severity.FAILING,
                    _(
                        "%(count)s members' stored hours differ from their marks: run "
                        "manage.py refresh_study_hours"
                    )
                    % {"count": len(names)},
                    members=tuple(names[:NAMES_SHOWN]),
                    **where,
                )
            )
        elif counted.get(enrollment.pk):
            findings.append(
                Finding(
                    Severity.OK,
                    _("%(count)s members' stored hours equal their marks")
                    % {"count": counted[enrollment.pk]},
                    **where,
                )
            )
    return findings


@compliance_rule(
    "study.participation",
    gettext_lazy("Participation rate of each unit"),
    module="sessions",
    thresholds=("min_participation_rate",),
)
def participation(context: ComplianceContext) -> list[Finding]:
    minimum = min_participation(context.campaign.rules)
    findings = []
    for study in _studies(context).values():
        rate = study.participation.rate
        if rate is None:
            continue
        if rate >= minimum:
            findings.append(
                Finding(
                    Severity.OK,
                    _("Participation rate %(rate)s (%(attended)s of %(expected)s)")
                    % {
                        "rate": study.participation.percent,
                        "attended": study.participation.attended,
                        "expected": study.participation.expected,
                    },
                    links=_sessions_link(context, study),
                    **_where(study),
                )
            )
            continue
        level = Severity.FAILING if _window_ended(study, context.today) else Severity.WARNING
        findings.append(
            Finding(
                level,
                _("Participation rate %(rate)s is below %(minimum)s (%(attended)s of %(expected)s)")
                % {
                    "rate": study.participation.percent,
                    "minimum": f"{minimum * 100:.0f}%",
                    "attended": study.participation.attended,
                    "expected": study.participation.expected,
                },
                links=_sessions_link(context, study),
                **_where(study),
            )
        )
    return findings


@compliance_rule(
    "study.five_ones", gettext_lazy("Every member's five ones done"), module="five_ones"
)
def five_ones(context: ComplianceContext) -> list[Finding]:
    findings = []
    for study in _studies(context).values():
        members, complete = study.hours.members, study.five_ones_complete
        basis: dict[str, Any] = {
            "counted": out_of(_("all five done %(done)s / %(total)s"), complete, members),
            "links": _link(context, study, "study:unit-five-ones", _("Five ones")),
            **_where(study),
        }
        if members and complete >= members:
            message = _("All %(members)s members have done the five ones")
            findings.append(Finding(Severity.OK, message % {"members": members}, **basis))
            continue
        if not _last_window_ended(study, context.today):
            continue
        findings.append(
            Finding(
                Severity.FAILING,
                _("%(missing)s of %(members)s members have not done all of the five ones")
                % {"missing": members - complete, "members": members},
                **basis,
            )
        )
    return findings


@compliance_rule(
    "study.two_books", gettext_lazy("Two notebooks and the roster kept"), module="two_books"
)
def two_books(context: ComplianceContext) -> list[Finding]:
    findings = []
    for study in _studies(context).values():
        figures = study.sessions
        where: dict[str, Any] = {
            **_where(study),
            "counted": out_of(_("logged %(done)s / %(total)s"), figures.logged, figures.held),
            "links": _link(context, study, "study:log", _("Collective study log")),
        }
        if figures.held and figures.logged >= figures.held:
            message = _("%(count)s held sessions, each in the collective study log")
            findings.append(Finding(Severity.OK, message % {"count": figures.held}, **where))
        if figures.held and not figures.logged:
            findings.append(
                Finding(
                    Severity.FAILING,
                    _("%(count)s sessions were held but the collective study log is empty")
                    % {"count": figures.held},
                    **where,
                )
            )
        elif figures.held > figures.logged:
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("%(count)s held sessions have no record in the collective study log")
                    % {"count": figures.held - figures.logged},
                    **where,
                )
            )
        missing_notes = study.leaders - study.leaders_with_notes
        if missing_notes and _window_ended(study, context.today):
            findings.append(
                Finding(
                    Severity.WARNING,
                    _("%(count)s leader cadres have no study notes") % {"count": missing_notes},
                    organization=study.enrollment.organization,
                    enrollment_id=study.enrollment.pk,
                    counted=out_of(
                        _("leader cadres with notes %(done)s / %(total)s"),
                        study.leaders_with_notes,
                        study.leaders,
                    ),
                    links=_link(context, study, "study:notes", _("Study notebooks")),
                )
            )
    return findings


@unit_figures(
    FigureColumn("study.sessions", gettext_lazy("Study sessions held")),
    FigureColumn("study.hours", gettext_lazy("Average study hours"), "hours"),
    FigureColumn("study.participation", gettext_lazy("Participation rate"), "rate"),
    module="sessions",
)
def study_figures(context: ComplianceContext) -> dict[int, dict[str, UnitNumber]]:
    """Sessions held, members' average hours and 参学率 of each unit, from the study data
    the rules loaded."""
    return {
        pk: {
            "study.sessions": study.sessions.held,
            "study.hours": float(study.hours.average),
            "study.participation": study.participation.rate,
        }
        for pk, study in _studies(context).items()
    }
