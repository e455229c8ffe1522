"""Panels of the study module on pages it does not own: the unit's campaign page and the
member's page. Each loads its data in a constant number of queries."""

from django import template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from vanguard.study import online, services, writings
from vanguard.study.hours import member_hours, required_hours
from vanguard.study.models import AttendanceStatus, Lecture, StudySession
from vanguard.study.summary import unit_studies

register = template.Library()


@register.inclusion_tag("study/panel_unit.html", takes_context=True)
def study_unit_panel(context, enrollment):
    """Sessions, 参学率, hours and 两本一册 of one enrolled unit, with links to its pages."""
    scope = context.get("scope")
    campaign = enrollment.campaign
    study = unit_studies(campaign, [enrollment], timezone.localdate())[enrollment.pk]
    rules = campaign.rules
    steps = {
        k.code: rules.step(k.counts_for_step) for k in rules.session_kinds if k.counts_for_step
    }
    evidence = [
        {
            "session_pk": pk,
            "date": day,
            "kind": rules.label("session_kinds", kind),
            "step": steps[kind].title,
        }
        for pk, day, kind in study.sessions.evidence
    ]
    return {
        "campaign": campaign,
        "enrollment": enrollment,
        "study": study,
        "evidence": evidence,
        "is_staff": scope is not None and scope.can_view_org(enrollment.organization),
        "can_manage": scope is not None and scope.can_manage_org(enrollment.organization),
        "five_total": len(rules.five_ones),
        "lectures": _unit_lectures(enrollment),
        "can_open_lecturers": scope is not None
        and scope.can_view_campaign_of(campaign.organization),
    }


def _unit_lectures(enrollment) -> list:
    """The 讲师团's lectures given to the unit (one query; none without a 讲师团)."""
    campaign = enrollment.campaign
    if not online.lecturers_on(campaign):
        return []
    given = (
        Lecture.objects.filter(enrollment=enrollment)
        .select_related("lecturer")
        .order_by("given_on", "pk")
    )
    return online.with_kind_titles(campaign, given)


@register.inclusion_tag("study/panel_me.html", takes_context=True)
def study_me_panel(context, member):
    """The member's hours against the minimum in each campaign, and sessions open now."""
    plans = []
    now = timezone.now()
    for enrollment in context["scope"].enrollments_covering(member):
        campaign = enrollment.campaign
        hours = member_hours(campaign, [member])[member.pk]
        required = required_hours(campaign, member)
        plans.append(
            {
                "campaign": campaign,
                "hours": hours,
                "required": required,
                "remaining": max(required - hours, 0),
                "percent": min(int(hours / required * 100), 100) if required else 100,
            }
        )
    today = timezone.localdate()
    open_now = [
        s
        for s in StudySession.objects.filter(
            date=today,
            organization__path__in=services.ancestor_paths(member.organization),
        ).exclude(
            attendances__member=member,
            attendances__status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE],
        )
        if services.checkin_open(s, now)
    ]
    return {"plans": plans, "open_now": open_now}


@register.filter
def hours(value) -> str:
    """1.0 → "1", 2.5 → "2.5": hours as people write them."""
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def clock(seconds) -> str:
    """Seconds as minutes and seconds, 3:05."""
    return online.clock(int(seconds or 0))


@register.filter
def minutes(seconds) -> int:
    """Seconds as whole minutes (rounded down)."""
    return int(seconds or 0) // 60


@register.filter
def has_study_part(campaign, part: str) -> bool:
    """Whether the campaign's template has one of the study carriers of issue 20:
    `online_study`, `writings`, `lecturers`."""
    checks = {
        "online_study": online.online_study_on,
        "writings": writings.writings_on,
        "lecturers": online.lecturers_on,
    }
    return bool(campaign) and checks[part](campaign)


@register.simple_tag
def unit_options(enrollments, selected) -> str:
    """The `<option>`s of a unit filter, the one whose id is `selected` chosen: built in
    one pass (3,000 units at province: a template loop took 0.2 s)."""
    chosen = str(selected or "")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (e.pk, mark_safe(" selected") if str(e.pk) == chosen else "", e.organization.name)
            for e in enrollments
        ),
    )
