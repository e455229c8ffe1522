"""The access matrix: every URL pattern of the project × every persona, on the demo campaign.

The cases are generated from the URL resolver: a URL pattern without a case here fails
`test_every_url_has_a_case`, so a new page cannot ship without saying who may open it.
Each case names the object of unit A (市教育考试中心党支部, KSZX) it opens and the answer
each persona gets:

    office · leader · liaison of A · admin of A · member of A · admin of unrelated B
    (市第一中学党总支) · liaison outside its batch (grants on other units, ended) · anonymous

`2` success (2xx, or a redirect that is not to the login page), `3` 403, `4` 404,
`0` 400 or 405 (a malformed request to a page the user reaches), `L` the login page.
Besides the table, the rules themselves are asserted for every URL: outsiders get 404 on
A's objects, nobody gets a server error, anonymous users reach only public pages, and a
read-only leader never changes anything (POST: 403 or 404).

The demo is loaded once for the module inside an outer transaction that is rolled back at
the end; each request runs in a savepoint of its own, so no persona sees another's change.
Set `VANGUARD_PRINT_MATRIX=1` to print the observed table (when adding cases).
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.demo_module import demo_loaded

pytestmark = pytest.mark.usefixtures("demo_media")  # the demo's files

PERSONAS = ["office", "leader", "liaison", "admin_a", "member_a", "admin_b", "liaison_out"]
USERNAMES = {
    "office": "guojianmin",
    "leader": "qianjun",
    "liaison": "liaison",
    "admin_a": "admin_kszx",
    "member_a": "member",
    "admin_b": "admin_s01",
    "liaison_out": "liaison3",
}
OUTSIDERS = ("admin_b", "liaison_out")

# Django's own pages, with their own access rules (admin: staff only; auth; i18n).
# django_otp's pages are admin pages (staff only).
EXEMPT_MODULES = ("django.", "simple_history.", "treebeard.", "django_otp.")


def _patterns(resolver: URLResolver, namespace: str = ""):
    """(namespace prefix such as "reporting:", pattern) of every URL pattern."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


def project_url_names() -> set[str]:
    return {
        namespace + p.name
        for namespace, p in _patterns(get_resolver())
        if not p.callback.__module__.startswith(EXEMPT_MODULES)
    }


# -- the world: the demo campaign, and one object of each kind in unit A ------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, module_media):
    with demo_loaded(django_db_blocker, module_media):
        yield _objects()


def _objects() -> dict:
    from vanguard.appraisal.models import AppraisalRound, Opinion, OrgLifeMeeting
    from vanguard.campaigns.models import Campaign, Enrollment, StepEvidence
    from vanguard.orgs.models import Member, Organization
    from vanguard.oversight.models import (
        Article,
        Commendation,
        DispositionCase,
        GroupMembership,
        LeaderDutyRecord,
        LeadingGroup,
        LiaisonAssignment,
        Suggestion,
        SupervisionVisit,
    )
    from vanguard.rectification.models import (
        Cultivation,
        EvidenceFile,
        Mechanism,
        PracticalDeed,
        PublicComment,
        RectificationItem,
    )
    from vanguard.reports.models import Job
    from vanguard.schools.models import RoleCommitment, TrainingRecord, VanguardPost
    from vanguard.situation.models import Problem, ProblemLink
    from vanguard.study.models import (
        LeaderVisit,
        Lecturer,
        OnlineMaterial,
        Quiz,
        QuizAttempt,
        StudyNote,
        StudySession,
        UnitMaterial,
        Writing,
    )
    from vanguard.surveys.models import Draw, Frame, Survey

    unit = Organization.objects.get(code="KSZX")
    under = {"organization__path__startswith": unit.path}
    member = Member.objects.get(user__username="member")
    enrollment = Enrollment.objects.get(organization=unit)
    item = RectificationItem.objects.filter(enrollment=enrollment, level="organization").first()
    evidence = EvidenceFile.objects.create(
        item=item, title="证明材料", file=ContentFile(b"x", name="e.txt")
    )
    opinion = Opinion.objects.filter(responsible_unit=unit).first()
    survey = Survey.objects.get(enrollment=enrollment)
    group = LeadingGroup.objects.get(organization=unit)
    assignment = LiaisonAssignment.objects.filter(organization=unit).first()
    published = RectificationItem.objects.filter(published_at__isnull=False, **under).first()
    cadre = Member.objects.filter(organization=unit, is_leader_cadre=True).first()
    problem = Problem.objects.filter(enrollment=enrollment).first()
    meeting = OrgLifeMeeting.objects.get(organization=unit)
    post = VanguardPost.objects.create(
        enrollment=enrollment,
        title="先锋岗",
        starts_on=enrollment.batch.starts_on,
        ends_on=enrollment.batch.ends_on,
    )
    post.holders.set([member])
    return {
        # 三.4: a leader cadre of A and a record of theirs with an evidence file.
        "cadre": cadre,
        "duty_record": LeaderDutyRecord.objects.create(
            campaign=enrollment.campaign,
            member=cadre,
            duty=enrollment.campaign.rules.leader_duties[0].code,
            done_on=enrollment.batch.starts_on,
            description="带头学习",
            evidence=ContentFile(b"x", name="d.txt"),
        ),
        # 五.1(1): one of A's 突出问题, linked to its meeting.
        "problem": problem,
        "problem_link": ProblemLink.objects.create(
            problem=problem, kind="meeting", object_id=meeting.pk, linked_on=meeting.held_on
        ),
        "campaign": Campaign.objects.get(),
        "unit": unit,
        "enrollment": enrollment,
        "step": _step_code(enrollment),
        "evidence": StepEvidence.objects.filter(step_record__enrollment=enrollment).first(),
        "member": member,
        "colleague": Member.objects.filter(organization=unit).exclude(pk=member.pk).first(),
        "session": StudySession.objects.filter(**under).first(),
        "material": UnitMaterial.objects.create(
            enrollment=enrollment, title="材料", file=ContentFile(b"x", name="m.txt")
        ),
        "visit": LeaderVisit.objects.filter(**under).first() or LeaderVisit.objects.first(),
        "note": StudyNote.objects.filter(member=member).first()
        or StudyNote.objects.create(
            campaign=enrollment.campaign,
            member=member,
            written_on=enrollment.batch.starts_on,
            title="笔记",
            content="学习体会",
        ),
        # issue 20: 网络党校, writings (published: also in the public column), 讲师团, schools
        "online_material": OnlineMaterial.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            title="网上材料",
            kind="document",
            minutes=10,
            file=ContentFile(b"x", name="o.txt"),
        ),
        "writing": Writing.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            member=member,
            kind="experience",
            title="体会",
            body="正文",
            status="published",
            submitted_at="2024-07-10T10:00:00+08:00",
            published_at="2024-07-12T10:00:00+08:00",
        ),
        "lecturer": Lecturer.objects.create(campaign=enrollment.campaign, name="讲师"),
        "training": TrainingRecord.objects.create(
            enrollment=enrollment,
            track="member_to_teacher",
            name=member.name,
            member=member,
            started_on=enrollment.batch.starts_on,
        ),
        "post": post,
        "commitment": RoleCommitment.objects.create(
            enrollment=enrollment,
            member=member,
            role="mentor",
            pledge="结对",
            made_on=enrollment.batch.starts_on,
        ),
        "quiz": Quiz.objects.first(),
        "attempt": QuizAttempt.objects.filter(member=member).first(),
        "opinion": opinion,
        "opinion_type": ContentType.objects.get_for_model(Opinion).pk,
        "meeting": OrgLifeMeeting.objects.get(organization=unit),
        "round": AppraisalRound.objects.get(organization=unit),
        "item": item,
        "item_evidence": evidence,
        "comment": PublicComment.objects.filter(item__enrollment=enrollment).first(),
        "mechanism": Mechanism.objects.filter(enrollment=enrollment).first(),
        "person": Cultivation.objects.create(
            organization=unit, name="积极分子", activist_on=enrollment.batch.starts_on
        ),
        "deed": PracticalDeed.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            organization=unit,
            title="办实事",
            done_on=enrollment.batch.starts_on,
            beneficiary_school="社区",
            beneficiaries="群众",
        ),
        "published_item": published,
        "survey": survey,
        "frame": Frame.objects.filter(survey=survey).first(),
        "draw": Draw.objects.filter(frame__survey=survey).first(),
        "group": group,
        "membership": GroupMembership.objects.filter(group=group).first(),
        "assignment": assignment,
        "supervision": SupervisionVisit.objects.filter(organization=unit).first(),
        "suggestion": Suggestion.objects.filter(visit__organization=unit).first(),
        "article": Article.objects.get(organization=unit),
        "commendation": Commendation.objects.filter(organization=unit).first()
        or Commendation.objects.filter(member__organization=unit).first(),
        "case": DispositionCase.objects.get(member__organization=unit),
        "notice_round": AppraisalRound.objects.filter(published_on__isnull=False).first(),
        **_notification_objects(unit),
        **_reporting_objects(enrollment),
        # A finished export started by A's admin: only its owner sees it.
        "job": Job.objects.create(
            kind=Job.Kind.EXPORT,
            name="study.roster_xlsx",
            title="花名册",
            owner=get_user_model().objects.get(username=USERNAMES["admin_a"]),
            status=Job.Status.DONE,
            file=ContentFile(b"x", name="roster.xlsx"),
            filename="roster.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    }


def _notification_objects(unit) -> dict:
    """A notification of A's admin (only its recipient opens it), a failed delivery of it
    (the office's delivery log) and unit A's group robot (its managers)."""
    from django.utils import timezone

    from vanguard.notifications.models import Delivery, GroupRobot, Notification

    notification = Notification.objects.create(
        recipient=get_user_model().objects.get(username=USERNAMES["admin_a"]),
        event="item_overdue",
        key="matrix:1",
        title="整改事项已超期",
        url="/me/",
        organization=unit,
    )
    return {
        "notification": notification,
        "delivery": Delivery.objects.create(
            notification=notification,
            channel="email",
            address="a@example.org",
            status="failed",
            next_attempt_at=timezone.now(),
        ),
        "robot": GroupRobot.objects.create(
            organization=unit,
            channel="dingtalk_robot",
            webhook="https://oapi.dingtalk.com/robot/send?access_token=x",
        ),
    }


def _reporting_objects(enrollment) -> dict:
    """A's summary awaiting sign-off with an evidence file, a brief awaiting review, and a
    picture of A's published brief (the public site shows it)."""
    from vanguard.reporting.models import (
        Brief,
        BriefPicture,
        PhaseSummary,
        SummaryEvidence,
    )

    summary = PhaseSummary.objects.get(enrollment=enrollment, phase_code="analysis")
    published = Brief.objects.filter(enrollment=enrollment, status="published").first()
    return {
        "summary": summary,
        "summary_evidence": SummaryEvidence.objects.create(
            summary=summary, title="总结附件", file=ContentFile(b"x", name="s.txt")
        ),
        "brief": Brief.objects.filter(enrollment=enrollment, status="submitted").first(),
        "published_brief": published,
        "picture": BriefPicture.objects.create(
            brief=published, caption="图片", image=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png")
        ),
    }


def _step_code(enrollment) -> str:
    from vanguard.campaigns.models import StepRecord

    return StepRecord.objects.filter(enrollment=enrollment).first().step_code


# -- the cases ---------------------------------------------------------------------------------
# name: (method, lambda objects -> reverse() args, anonymous answer: "L" for a private page,
# "2" for the public site).

CASES: dict[str, tuple] = {}


def case(name, method, args, anonymous="L"):
    CASES[name] = (method, args, anonymous)


c = lambda o: [o["campaign"].pk]  # noqa: E731
ce = lambda o: [o["campaign"].pk, o["enrollment"].pk]  # noqa: E731
none = lambda o: []  # noqa: E731


def pk(key):
    return lambda o: [o[key].pk]


# portal, orgs, accounts
case("portal:home", "GET", none)
# The root answers the public site to a visitor who is not signed in (issue 19); signed-in
# users are sent where their work is, as the table says.
PUBLIC_FOR_ANONYMOUS = {"portal:home"}
case("portal:me", "GET", none)
case("portal:pick-campaign", "GET", none)
case("orgs:tree", "GET", none)
case("orgs:member-list", "GET", none)
case("orgs:member-detail", "GET", pk("colleague"))
case("orgs:member-leave", "POST", pk("colleague"))
case("orgs:member-move", "POST", pk("colleague"))
case("orgs:import", "GET", none)
case("orgs:import-template", "GET", none)
case("orgs:export", "POST", none)
case("accounts:login-events", "GET", none)
case("accounts:two-factor-verify", "GET", none)
case("accounts:two-factor-setup", "GET", none)
# my downloads: the background jobs
case("reports:downloads", "GET", none)
case("reports:job-detail", "GET", pk("job"))
case("reports:job-file", "GET", pk("job"))
# notifications: one's own, the office's delivery log, the managers' group robots
case("notifications:index", "GET", none)
case("notifications:open", "POST", pk("notification"))
case("notifications:read-all", "POST", none)
case("notifications:preferences", "GET", none)
case("notifications:log", "GET", none)
case("notifications:retry", "POST", pk("delivery"))
case("notifications:robots", "GET", none)
case("notifications:robot-toggle", "POST", pk("robot"))
# campaigns
case("campaigns:overview", "GET", c)
case("campaigns:enroll", "POST", c)
case("campaigns:verdict", "GET", lambda o: [o["campaign"].pk, "study.hours"])
case("campaigns:unit", "GET", ce)
case("campaigns:unit-groups", "GET", ce)
case("campaigns:unit-group-set", "POST", lambda o: [*ce(o), o["colleague"].pk])
# 三.5: a leader cadre's own step of their group (the member or the unit records it)
case("campaigns:group-step", "POST", lambda o: [o["campaign"].pk, o["cadre"].pk, "cadre_as_member"])
case("campaigns:unit-plan", "POST", ce)
case("campaigns:unit-step", "POST", lambda o: [*ce(o), o["step"]])
case("campaigns:unit-evidence", "POST", lambda o: [*ce(o), o["step"]])
case("campaigns:unit-close", "POST", ce)
case("campaigns:unit-remedial", "POST", ce)
case("campaigns:unit-remedial-dates", "POST", ce)
case("campaigns:evidence", "GET", pk("evidence"))
# setting campaigns up (issue 16): the office only, 404 for everyone else
cb = lambda o: [o["campaign"].pk, o["enrollment"].batch_id]  # noqa: E731
case("campaigns:setup", "GET", none)
case("campaigns:setup-template", "GET", none)
case("campaigns:setup-start", "GET", none)
case("campaigns:setup-detail", "GET", c)
case("campaigns:setup-end", "POST", c)
case("campaigns:setup-archive", "POST", c)
case("campaigns:setup-batch-new", "POST", c)
case("campaigns:setup-batch", "GET", cb)
case("campaigns:setup-enroll", "POST", cb)
case("campaigns:setup-enroll-xlsx", "POST", cb)
# study
case("study:home", "GET", none)
case("study:me", "GET", none)
case("study:overview", "GET", c)
case("study:shortfalls", "GET", c)
case("study:shortfalls-xlsx", "POST", c)
case("study:visits", "GET", c)
case("study:visit-edit", "GET", pk("visit"))
case("study:visit-delete", "POST", pk("visit"))
case("study:my-notes", "GET", c)
case("study:note-edit", "GET", pk("note"))
case("study:note-delete", "POST", pk("note"))
case("study:my-five-one", "POST", c)
for _name in [
    "study:sessions",
    "study:unit-hours",
    "study:roster",
    "study:log",
    "study:notes",
    "study:materials",
    "study:unit-five-ones",
]:
    case(_name, "GET", ce)
# Exports start a background job (POST): a read, open to whoever reads the page.
for _name in [
    "study:unit-hours-xlsx",
    "study:roster-pdf",
    "study:roster-xlsx",
    "study:log-pdf",
    "study:log-xlsx",
    "study:notes-pdf",
    "study:notes-xlsx",
]:
    case(_name, "POST", ce)
case("study:session-new", "POST", ce)
case("study:unit-five-one-clear", "POST", ce)
case("study:material-delete", "POST", pk("material"))
case("study:material-file", "GET", pk("material"))
case("study:session", "GET", pk("session"))
case("study:session-edit", "POST", pk("session"))
case("study:roll-call", "POST", pk("session"))
case("study:session-log", "POST", pk("session"))
case("study:checkin-display", "GET", pk("session"))
case("study:checkin-renew", "POST", pk("session"))
case("study:checkin", "POST", pk("session"))
case("study:quizzes", "GET", c)
case("study:quiz-template", "GET", none)
case("study:quiz", "GET", pk("quiz"))
case("study:quiz-import", "POST", pk("quiz"))
case("study:quiz-start", "POST", pk("quiz"))
case("study:attempt", "GET", pk("attempt"))
# 网络党校, 学习体会/调研文章, 讲师团 (issue 20)
case("study:online-mine", "GET", c)
case("study:online-office", "GET", c)
case("study:online-unit", "GET", ce)
case("study:online-material", "GET", pk("online_material"))
case("study:online-beat", "POST", pk("online_material"))
case("study:online-file", "GET", pk("online_material"))
case("study:online-withdraw", "POST", pk("online_material"))
case("study:writings-mine", "GET", c)
case("study:writings-campaign", "GET", c)
case("study:writings-unit", "GET", ce)
case("study:writing", "GET", pk("writing"))
case("study:writing-act", "POST", pk("writing"))
case("study:lecturers", "GET", c)
case("study:lecturer", "GET", pk("lecturer"))
# schools: 三培养, 党员先锋岗, the four roles (issue 20)
case("schools:trainings", "GET", ce)
case("schools:training", "GET", pk("training"))
case("schools:posts", "GET", ce)
case("schools:post", "GET", pk("post"))
case("schools:roles", "GET", ce)
case("schools:my-roles", "GET", c)
case("schools:role-record", "POST", pk("commitment"))
# appraisal
case("appraisal:me", "GET", none)
case("appraisal:overview", "GET", c)
case("appraisal:opinions", "GET", c)
case("appraisal:opinions-export", "POST", c)
case("appraisal:opinion-new", "POST", c)
case("appraisal:opinion", "GET", pk("opinion"))
for _name in ["answer", "feedback", "close", "pass", "member"]:
    case(f"appraisal:opinion-{_name}", "POST", pk("opinion"))
case("appraisal:talks", "POST", ce)
case("appraisal:self-analyses", "GET", ce)
_cm = lambda o: [o["campaign"].pk, o["colleague"].pk]  # noqa: E731
case("appraisal:self-analysis", "GET", _cm)
case("appraisal:self-analysis-review", "POST", _cm)
case("appraisal:self-analysis-enter", "POST", _cm)
case("appraisal:my-self-analysis", "GET", c)
case("appraisal:meetings", "POST", ce)
case("appraisal:meeting", "GET", pk("meeting"))
case("appraisal:meeting-edit", "POST", pk("meeting"))
case("appraisal:meeting-item", "POST", pk("meeting"))
case("appraisal:rounds", "POST", ce)
case("appraisal:round", "GET", pk("round"))
case("appraisal:vote", "GET", pk("round"))
case("appraisal:ballots", "GET", pk("round"))
case("appraisal:round-codes", "POST", pk("round"))
case("appraisal:round-close", "POST", pk("round"))
case("appraisal:conclusions", "POST", pk("round"))
case("appraisal:round-publish", "POST", pk("round"))
case("appraisal:round-export", "POST", pk("round"))
case("appraisal:round-pdf", "POST", pk("round"))
case("appraisal:round-tellers", "POST", pk("round"))
case("appraisal:round-count", "POST", pk("round"))
# rectification
case("rectification:overview", "GET", c)
case("rectification:effect", "GET", c)
case("rectification:bureau", "GET", c)
case("rectification:bureau-new", "POST", c)
case("rectification:bureau-publish", "POST", c)
case("rectification:campaign-export", "POST", lambda o: [o["campaign"].pk, "xlsx"])
case(
    "rectification:from-source",
    "GET",
    lambda o: [o["campaign"].pk, o["opinion_type"], o["opinion"].pk],
)
case("rectification:unit", "GET", ce)
case("rectification:unit-new", "POST", ce)
case("rectification:unit-publish", "POST", ce)
case("rectification:unit-export", "POST", lambda o: [*ce(o), "xlsx"])
case("rectification:longterm", "GET", ce)
case("rectification:mechanism-add", "POST", ce)
case("rectification:cultivation-add", "POST", ce)
case("rectification:cultivation-advance", "POST", lambda o: [*ce(o), o["person"].pk])
case("rectification:pairing-add", "POST", ce)
case("rectification:occurrence-add", "POST", pk("mechanism"))
case("rectification:deeds", "GET", c)
case("rectification:deed-add", "POST", c)
case("rectification:deed-evidence", "POST", pk("deed"))
case("rectification:comments", "GET", c)
case("rectification:comment-moderate", "POST", pk("comment"))
case("rectification:item", "GET", pk("item"))
for _name in ["edit", "delete", "note", "evidence", "publish", "explain"]:
    case(f"rectification:item-{_name}", "POST", pk("item"))
case("rectification:item-action", "POST", lambda o: [o["item"].pk, "verify"])
case("rectification:evidence", "GET", pk("item_evidence"))
# surveys
case("surveys:index", "GET", c)
case("surveys:create", "POST", lambda o: [o["enrollment"].pk])
case("surveys:frame-template", "GET", none)
case("surveys:frame", "GET", pk("frame"))
case("surveys:detail", "GET", pk("survey"))
for _name in ["dates", "announce", "draw", "codes", "tellers", "open", "close", "publish"]:
    case(f"surveys:{_name}", "POST", pk("survey"))
case("surveys:frame-import", "POST", lambda o: [o["survey"].pk, "random_sample"])
case("surveys:results", "GET", pk("survey"))
case("surveys:results-pdf", "POST", pk("survey"))
# oversight
case("oversight:leader-home", "GET", none)
case("oversight:cadre-duties", "GET", lambda o: [o["campaign"].pk, o["cadre"].pk])
case("oversight:unit-duties", "GET", ce)
case("oversight:duty-evidence", "GET", pk("duty_record"))
case("oversight:duty-withdraw", "POST", pk("duty_record"))
# situation (五.1(1) 摸清问题)
case("situation:unit", "GET", ce)
case("situation:profile", "POST", ce)
case("situation:problem-add", "POST", ce)
case("situation:problem-withdraw", "POST", pk("problem"))
case("situation:problem-link", "POST", pk("problem"))
case("situation:link-remove", "POST", pk("problem_link"))
case("oversight:groups", "GET", c)
case("oversight:group-create", "POST", c)
case("oversight:group", "GET", pk("group"))
case("oversight:group-add-member", "POST", pk("group"))
case("oversight:membership-remove", "POST", pk("membership"))
case("oversight:membership-responsible", "POST", pk("membership"))
case("oversight:points", "GET", c)
case("oversight:points-set", "POST", c)
case("oversight:officers", "GET", c)
case("oversight:officers-dispatch", "POST", c)
case("oversight:assignment-withdraw", "POST", pk("assignment"))
case("oversight:batch-dispatch", "POST", lambda o: [o["enrollment"].batch_id])
case("oversight:my-assignments", "GET", none)
case("oversight:visit-new", "GET", pk("assignment"))
case("oversight:visit", "GET", pk("supervision"))
case("oversight:suggestions", "GET", c)
case("oversight:suggestions-export", "POST", c)
case("oversight:suggestion", "GET", pk("suggestion"))
for _name in ["answer", "accept", "return", "rectify"]:
    case(f"oversight:suggestion-{_name}", "POST", pk("suggestion"))
case("oversight:articles", "GET", c)
case("oversight:article-new", "POST", c)
case("oversight:article", "GET", pk("article"))
case("oversight:article-action", "POST", lambda o: [o["article"].pk, "submit"])
case("oversight:commendations", "GET", c)
case("oversight:commendations-nominate", "POST", c)
case("oversight:commendations-export", "POST", c)
case("oversight:commendation-action", "POST", lambda o: [o["commendation"].pk, "approve"])
case("oversight:dispositions", "GET", c)
case("oversight:dispositions-export", "POST", c)
case("oversight:disposition-new", "POST", c)
case("oversight:disposition", "GET", pk("case"))
for _name in ["talk", "deadline", "outcome"]:
    case(f"oversight:disposition-{_name}", "POST", pk("case"))
# the public site: no login, the same answer for everyone
# reporting: phase summaries and their sign-off, briefs
case("reporting:summaries", "GET", c)
case("reporting:unit-summaries", "GET", ce)
case("reporting:summary-submit", "POST", lambda o: [*ce(o), "rectification"])
case("reporting:summary", "GET", pk("summary"))
case("reporting:summary-pdf", "POST", pk("summary"))
case("reporting:summary-review", "POST", lambda o: [o["summary"].pk, "approve"])
case("reporting:summary-evidence", "GET", pk("summary_evidence"))
case("reporting:briefs", "GET", c)
case("reporting:unit-briefs", "GET", ce)
case("reporting:brief-new", "POST", ce)
case("reporting:brief", "GET", pk("brief"))
case("reporting:brief-action", "POST", lambda o: [o["brief"].pk, "accept"])
case("reporting:brief-picture", "GET", pk("picture"))
# the campaign report and the data screen: the leading group only (office and leaders)
case("reporting:campaign-report", "GET", c)
case("reporting:campaign-report-start", "POST", lambda o: [o["campaign"].pk, "pdf"])
case("reporting:screen", "GET", c)
case("reporting:screen-data", "GET", c)
# the inspection archive (档案): a unit's for its staff readers, the campaign's for the
# office and the leaders
case("archive:unit", "GET", ce)
case("archive:unit-build", "POST", ce)
case("archive:campaign", "GET", c)
case("archive:campaign-build", "POST", c)

PUBLIC = [
    ("health", "GET", none),
    ("portal:public-index", "GET", none),
    ("appraisal:public-opinion", "GET", none),
    ("appraisal:public-receipt", "GET", none),
    ("appraisal:public-notices", "GET", none),
    ("appraisal:public-notice", "GET", pk("notice_round")),
    ("appraisal:public-ballot", "GET", none),
    ("appraisal:public-ballot-check", "GET", none),
    ("rectification:public-index", "GET", none),
    ("rectification:public-item", "GET", lambda o: [o["published_item"].public_id]),
    ("rectification:public-comment", "POST", lambda o: [o["published_item"].public_id]),
    ("rectification:public-campaign", "GET", lambda o: [o["campaign"].code]),
    ("rectification:public-unit", "GET", lambda o: [o["campaign"].code, o["unit"].code]),
    (
        "rectification:public-unit-export",
        "GET",
        lambda o: [o["campaign"].code, o["unit"].code, "xlsx"],
    ),
    ("surveys:public-start", "GET", none),
    ("surveys:public-respond", "GET", lambda o: ["NOSUCHCODE"]),
    ("surveys:public-thanks", "GET", none),
    ("surveys:public-draws", "GET", none),
    ("surveys:public-draw", "GET", pk("draw")),
    ("surveys:public-draw-file", "GET", pk("draw")),
    ("oversight:public-news", "GET", none),
    ("oversight:public-article", "GET", pk("article")),
    ("oversight:public-commendations", "GET", none),
    ("study:public-writings", "GET", none),
    ("study:public-writing", "GET", pk("writing")),
    ("reporting:public-briefs", "GET", none),
    ("reporting:public-brief", "GET", pk("published_brief")),
    ("reporting:public-picture", "GET", pk("picture")),
]
for _name, _method, _args in PUBLIC:
    case(_name, _method, _args, anonymous="2")


# Pages where an outsider (B's admin, a liaison of other units) is not refused: pages of the
# whole campaign, filtered to the user's own units, and the user's own pages. Everywhere
# else an outsider gets 404 on unit A's objects.
OPEN_TO_OUTSIDERS = {
    name for name, (_method, args, _anonymous) in CASES.items() if args in (c, none)
} | {
    "campaigns:verdict",
    "rectification:campaign-export",
    "study:quiz",  # the bureau's quiz, open to every member of the campaign
    "study:quiz-start",
    "study:quiz-import",  # … and seen, not changed (403), by the units' admins
    "study:lecturer",  # the campaign's 讲师团 roster; the lectures listed are the user's units'
}
# POSTs a leader may make as a member: their own quiz attempt and 五个一.
# … and their own notifications, marked as read.
LEADERS_ACT = {"study:quiz-start", "study:my-five-one", "notifications:read-all"}
# POSTs that change nothing of the campaign: an export starts a background job making a
# file of what the user may read (my downloads), so a read-only leader may start one.
EXPORTS = {
    "reporting:campaign-report-start",
    "archive:unit-build",
    "archive:campaign-build",
    "reporting:summary-pdf",
    "appraisal:opinions-export",
    "appraisal:round-export",
    "appraisal:round-pdf",
    "orgs:export",
    "oversight:commendations-export",
    "oversight:dispositions-export",
    "oversight:suggestions-export",
    "rectification:campaign-export",
    "rectification:unit-export",
    "study:log-pdf",
    "study:log-xlsx",
    "study:notes-pdf",
    "study:notes-xlsx",
    "study:roster-pdf",
    "study:roster-xlsx",
    "study:shortfalls-xlsx",
    "study:unit-hours-xlsx",
    "surveys:results-pdf",
}

# The answers, persona by persona (PERSONAS order), reviewed against the access rules.
EXPECTED: dict[str, str] = {
    "archive:campaign": "2244444",
    "archive:campaign-build": "2244444",
    "archive:unit": "2222444",
    "archive:unit-build": "2222444",
    # issue 20: study carriers and schools' Party work
    "schools:my-roles": "4444444",  # the demo's member is not in a school
    "schools:post": "2222244",
    "schools:posts": "2222344",
    "schools:role-record": "4444244",
    "schools:roles": "2222344",
    "schools:training": "2222444",
    "schools:trainings": "2222344",
    "study:lecturer": "2222424",
    "study:lecturers": "2222424",
    "study:online-beat": "3333244",
    "study:online-file": "2222244",
    "study:online-material": "2222244",
    "study:online-mine": "2244242",
    "study:online-office": "2222424",
    "study:online-unit": "2222344",
    "study:online-withdraw": "2332344",
    "study:writing": "2222244",
    "study:writing-act": "2332344",
    "study:writings-campaign": "2222424",
    "study:writings-mine": "2244242",
    "study:writings-unit": "2222344",
    "appraisal:ballots": "2222244",
    "appraisal:conclusions": "2332444",
    "appraisal:me": "2244242",
    "appraisal:meeting": "2222444",
    "appraisal:meeting-edit": "0330444",
    "appraisal:meeting-item": "0330444",
    "appraisal:meetings": "0330444",
    "appraisal:my-self-analysis": "2244242",
    "appraisal:opinion": "2222444",
    "appraisal:opinion-answer": "0330444",
    "appraisal:opinion-close": "2332444",
    "appraisal:opinion-feedback": "0330444",
    "appraisal:opinion-member": "0330444",
    "appraisal:opinion-new": "0330404",
    "appraisal:opinion-pass": "0330444",
    "appraisal:opinions": "2222424",
    "appraisal:opinions-export": "2222424",
    "appraisal:overview": "2222424",
    "appraisal:round": "2222244",
    "appraisal:round-close": "2332344",
    "appraisal:round-codes": "2332344",
    "appraisal:round-count": "2332344",
    "appraisal:round-export": "3333444",
    "appraisal:round-pdf": "3333444",
    "appraisal:round-publish": "0330444",
    "appraisal:round-tellers": "2332344",
    "appraisal:rounds": "0330444",
    "appraisal:self-analyses": "2222444",
    "appraisal:self-analysis": "2222444",
    "appraisal:self-analysis-enter": "0330444",
    "appraisal:self-analysis-review": "0330444",
    "appraisal:talks": "0330444",
    "appraisal:vote": "2233244",
    "campaigns:enroll": "2333434",
    "campaigns:evidence": "2222444",
    "campaigns:setup": "2444444",
    "campaigns:setup-archive": "2444444",
    "campaigns:setup-batch": "2444444",
    "campaigns:setup-batch-new": "0444444",
    "campaigns:setup-detail": "2444444",
    "campaigns:setup-end": "2444444",
    "campaigns:setup-enroll": "0444444",
    "campaigns:setup-enroll-xlsx": "0444444",
    "campaigns:setup-start": "2444444",
    "campaigns:setup-template": "2444444",
    "campaigns:overview": "2222424",
    "campaigns:unit": "2222244",
    "campaigns:unit-close": "2333344",
    "campaigns:unit-evidence": "2332344",
    "campaigns:unit-plan": "0330344",
    "campaigns:unit-remedial": "2333344",
    "campaigns:unit-remedial-dates": "4333344",
    "campaigns:unit-step": "2332344",
    "campaigns:unit-groups": "2222444",
    "campaigns:unit-group-set": "2332444",
    "campaigns:group-step": "2332444",
    "oversight:cadre-duties": "2222444",
    "oversight:unit-duties": "2222444",
    "oversight:duty-evidence": "2222444",
    "oversight:duty-withdraw": "2332444",
    "situation:unit": "2222444",
    "situation:profile": "2332444",
    "situation:problem-add": "0330444",
    "situation:problem-withdraw": "2332444",
    "situation:problem-link": "2332444",
    "situation:link-remove": "2332444",
    "campaigns:verdict": "2222424",
    "reports:downloads": "2222222",
    "portal:home": "2222222",
    "reports:job-detail": "4442444",
    "reports:job-file": "4442444",
    "accounts:login-events": "2444444",
    "notifications:log": "2444444",
    "notifications:open": "4442444",
    "notifications:preferences": "2222222",
    "notifications:retry": "2444444",
    "notifications:robot-toggle": "2442444",
    "notifications:robots": "2442424",
    "notifications:index": "2222222",
    "notifications:read-all": "2222222",
    "portal:me": "2244242",
    "portal:pick-campaign": "2222222",
    "orgs:member-detail": "2222444",
    "orgs:member-leave": "2332444",
    "orgs:member-list": "2222424",
    "orgs:member-move": "2332444",
    "orgs:export": "2222424",
    "orgs:import": "2442424",
    "orgs:import-template": "2442424",
    "orgs:tree": "2222424",
    "oversight:article": "2222444",
    "oversight:article-action": "2332444",
    "oversight:article-new": "0330404",
    "oversight:articles": "2222424",
    "oversight:assignment-withdraw": "2344444",
    "oversight:batch-dispatch": "2444444",
    "oversight:commendation-action": "2333444",
    "oversight:commendations": "2222424",
    "oversight:commendations-export": "2222424",
    "oversight:commendations-nominate": "0330404",
    "oversight:disposition": "2442444",
    "oversight:disposition-deadline": "0440444",
    "oversight:disposition-new": "0440404",
    "oversight:disposition-outcome": "0440444",
    "oversight:disposition-talk": "0440444",
    "oversight:dispositions": "2442424",
    "oversight:dispositions-export": "2442424",
    "oversight:group": "2222244",
    "oversight:group-add-member": "0330344",
    "oversight:group-create": "0330404",
    "oversight:groups": "2222424",
    "oversight:leader-home": "4244444",
    "oversight:membership-remove": "2332344",
    "oversight:membership-responsible": "2332344",
    "oversight:my-assignments": "4424442",
    "oversight:officers": "2244444",
    "oversight:officers-dispatch": "0344444",
    "oversight:points": "2244444",
    "oversight:points-set": "0344444",
    "oversight:suggestion": "2222444",
    "oversight:suggestion-accept": "2323444",
    "oversight:suggestion-answer": "0330444",
    "oversight:suggestion-rectify": "2332444",
    "oversight:suggestion-return": "0303444",
    "oversight:suggestions": "2222424",
    "oversight:suggestions-export": "2222424",
    "oversight:visit": "2222444",
    "oversight:visit-new": "3323444",
    "rectification:bureau": "2222424",
    "rectification:bureau-new": "0333434",
    "rectification:bureau-publish": "2333434",
    "rectification:campaign-export": "2222424",
    "rectification:comment-moderate": "2332444",
    "rectification:comments": "2222424",
    "rectification:cultivation-add": "0330444",
    "rectification:cultivation-advance": "2332444",
    "rectification:deed-add": "0330404",
    "rectification:deed-evidence": "2332344",
    "rectification:deeds": "2222424",
    "rectification:effect": "2222424",
    "rectification:evidence": "2222244",
    "rectification:from-source": "2332444",
    "rectification:item": "2222244",
    "rectification:item-action": "2333344",
    "rectification:item-delete": "2332344",
    "rectification:item-edit": "0330344",
    "rectification:item-evidence": "0330344",
    "rectification:item-explain": "0330344",
    "rectification:item-note": "0330344",
    "rectification:item-publish": "2332344",
    "rectification:longterm": "2222444",
    "rectification:mechanism-add": "0330444",
    "rectification:occurrence-add": "0330444",
    "rectification:overview": "2222424",
    "rectification:pairing-add": "0330444",
    "reporting:brief": "2222444",
    "reporting:brief-action": "2333444",
    "reporting:brief-new": "0330444",
    "reporting:brief-picture": "2222444",
    "reporting:briefs": "2222424",
    "reporting:campaign-report": "2244444",
    "reporting:campaign-report-start": "2244444",
    "reporting:screen": "2244444",
    "reporting:screen-data": "2244444",
    "reporting:summaries": "2222424",
    "reporting:summary": "2222444",
    "reporting:summary-evidence": "2222444",
    "reporting:summary-pdf": "2222444",
    "reporting:summary-review": "2323444",
    "reporting:summary-submit": "0330444",
    "reporting:unit-briefs": "2222444",
    "reporting:unit-summaries": "2222444",
    "rectification:unit": "2222244",
    "rectification:unit-export": "2222244",
    "rectification:unit-new": "0330344",
    "rectification:unit-publish": "2332344",
    "study:attempt": "4444244",
    "study:checkin": "4444244",
    "study:checkin-display": "2332344",
    "study:checkin-renew": "2332344",
    "study:home": "2222222",
    "study:log": "2222344",
    "study:log-pdf": "2222344",
    "study:log-xlsx": "2222344",
    "study:material-delete": "2332344",
    "study:material-file": "2222244",
    "study:materials": "2222244",
    "study:me": "2244242",
    "study:my-five-one": "2244242",
    "study:my-notes": "2244242",
    "study:note-delete": "4444244",
    "study:note-edit": "4444244",
    "study:notes": "2222344",
    "study:notes-pdf": "2222344",
    "study:notes-xlsx": "2222344",
    "study:overview": "2222424",
    "study:quiz": "2222222",
    "study:quiz-import": "2333333",
    "study:quiz-start": "2233232",
    "study:quiz-template": "2442424",
    "study:quizzes": "2222222",
    "study:roll-call": "2332344",
    "study:roster": "2222344",
    "study:roster-pdf": "2222344",
    "study:roster-xlsx": "2222344",
    "study:session": "2222244",
    "study:session-edit": "2332344",
    "study:session-log": "2332344",
    "study:session-new": "2332344",
    "study:sessions": "2222244",
    "study:shortfalls": "2222424",
    "study:shortfalls-xlsx": "2222424",
    "study:unit-five-one-clear": "4334344",
    "study:unit-five-ones": "2222344",
    "study:unit-hours": "2222344",
    "study:unit-hours-xlsx": "2222344",
    "study:visit-delete": "2344444",
    "study:visit-edit": "2344444",
    "study:visits": "2222222",
    "surveys:announce": "0333344",
    "surveys:close": "2333344",
    "surveys:tellers": "2333344",
    "surveys:codes": "2333344",
    "surveys:create": "2333344",
    "surveys:dates": "0333344",
    "surveys:detail": "2233344",
    "surveys:draw": "2333344",
    "surveys:frame": "2233344",
    "surveys:frame-import": "0333344",
    "surveys:frame-template": "2442424",
    "surveys:index": "2222424",
    "surveys:open": "2333344",
    "surveys:publish": "2333344",
    "surveys:results": "2222244",
    "surveys:results-pdf": "2222244",
    "accounts:two-factor-setup": "2222222",
    "accounts:two-factor-verify": "2222222",
}


# -- running a case --------------------------------------------------------------------------


def answer(response) -> str:
    code = response.status_code
    if code in (301, 302):
        return "L" if "/accounts/login/" in response["Location"] else "2"
    if code < 300:
        return "2"
    return {403: "3", 404: "4", 400: "0", 405: "0"}.get(code, str(code))


def _close(response) -> None:
    """Close a file response's file, as the test client does: without `request_finished`'s
    `close_old_connections`, which drops a connection found inside a transaction (on
    PostgreSQL that closed the module's demo transaction: "the connection is closed")."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def observe(world, name) -> str:
    method, args, _anonymous = CASES[name]
    url = reverse(name, args=args(world))
    users = get_user_model().objects.in_bulk(USERNAMES.values(), field_name="username")
    seen = ""
    for persona in [*PERSONAS, "anonymous"]:
        cache.clear()  # figures and rate-limit counters of the previous persona
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(users[USERNAMES[persona]])
        with transaction.atomic():
            response = client.post(url) if method == "POST" else client.get(url)
            seen += answer(response)
            _close(response)
            transaction.set_rollback(True)
    return seen


def test_every_url_has_a_case():
    assert project_url_names() - set(CASES) == set()
    assert set(CASES) - project_url_names() == set()
    assert set(EXPECTED) == {name for name, (*_, anonymous) in CASES.items() if anonymous == "L"}
    assert {CASES[name][0] for name in EXPORTS} == {"POST"}


def test_the_answers_follow_the_rules():
    """The table itself keeps the rules, so a wrong entry cannot slip in as "expected"."""
    for name, expected in EXPECTED.items():
        method = CASES[name][0]
        answers = dict(zip(PERSONAS, expected, strict=True))
        if name not in OPEN_TO_OUTSIDERS:
            assert answers["admin_b"] == answers["liaison_out"] == "4", name
        if method == "POST" and name not in LEADERS_ACT | EXPORTS:
            assert answers["leader"] in "34", name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_access(world, name):
    method, _args, anonymous = CASES[name]
    seen = observe(world, name)
    if os.environ.get("VANGUARD_PRINT_MATRIX"):
        print(f"\nMATRIX {name} {method} {seen}")
    assert "5" not in seen, f"server error: {seen}"
    if name in PUBLIC_FOR_ANONYMOUS:
        assert seen == EXPECTED.get(name, "?") + "2"
    elif anonymous == "L":
        assert seen == EXPECTED.get(name, "?") + "L"
    else:  # the public site: the same answer for everyone
        assert seen == seen[0] * len(seen)
