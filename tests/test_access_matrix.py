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
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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
EXEMPT_MODULES = ("django.", "simple_history.", "treebeard.")


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern


def project_url_names() -> set[str]:
    return {
        p.name
        for p in _patterns(get_resolver())
        if not p.callback.__module__.startswith(EXEMPT_MODULES)
    }


# -- the world: the demo campaign, and one object of each kind in unit A ------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            yield _objects()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _objects() -> dict:
    from vanguard.appraisal.models import AppraisalRound, Opinion, OrgLifeMeeting
    from vanguard.campaigns.models import Campaign, Enrollment, StepEvidence
    from vanguard.orgs.models import Member, Organization
    from vanguard.oversight.models import (
        Article,
        Commendation,
        DispositionCase,
        GroupMembership,
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
    from vanguard.study.models import (
        LeaderVisit,
        Quiz,
        QuizAttempt,
        StudyNote,
        StudySession,
        UnitMaterial,
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
    return {
        "campaign": Campaign.objects.get(),
        "unit": unit,
        "enrollment": enrollment,
        "step": _step_code(enrollment),
        "evidence": StepEvidence.objects.filter(step_record__enrollment=enrollment).first(),
        "member": member,
        "colleague": Member.objects.filter(organization=unit).exclude(pk=member.pk).first(),
        "session": StudySession.objects.filter(**under).first(),
        "material": UnitMaterial.objects.filter(enrollment=enrollment).first()
        or UnitMaterial.objects.create(
            enrollment=enrollment, title="材料", file=ContentFile(b"x", name="m.txt")
        ),
        "visit": LeaderVisit.objects.filter(**under).first() or LeaderVisit.objects.first(),
        "note": StudyNote.objects.filter(member=member).first(),
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
        "person": Cultivation.objects.filter(**under).first(),
        "deed": PracticalDeed.objects.filter(organization=unit).first(),
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
    }


def _step_code(enrollment) -> str:
    from vanguard.campaigns.models import StepRecord

    return StepRecord.objects.filter(enrollment=enrollment).first().step_code


# -- the cases ---------------------------------------------------------------------------------
# name: (method, lambda objects -> reverse() args, expected answers per persona in the
# order of PERSONAS, anonymous). Public pages expect "2" from anonymous.

ALL_OK = "2222222"
STAFF_OF_A = "2222344"  # readers of A; the member sees the unit but not its staff pages
VIEWERS_OF_A = "2222244"  # readers of A and its members
MANAGERS_OF_A = "2323344"  # office and A's admin; read-only roles 403, the member 403
MANAGE_ONLY = "2323444"  # as above, but the member does not see the object at all
CAMPAIGN_STAFF = "2222424"  # campaign-wide staff pages: every staff reader (B's admin sees B)

CASES: dict[str, tuple] = {}


def case(name, method, args, expected, anonymous="L"):
    CASES[name] = (method, args, expected, anonymous)


c = lambda o: [o["campaign"].pk]  # noqa: E731
ce = lambda o: [o["campaign"].pk, o["enrollment"].pk]  # noqa: E731
none = lambda o: []  # noqa: E731


def pk(key):
    return lambda o: [o[key].pk]


# portal, orgs, accounts
case("home", "GET", none, "2222222")
case("me", "GET", none, "2222222")
case("org-tree", "GET", none, "TBD")
case("member-list", "GET", none, "TBD")
case("member-detail", "GET", pk("colleague"), "TBD")
case("org-import", "GET", none, "TBD")
case("org-import-template", "GET", none, "TBD")
case("org-export", "GET", none, "TBD")
# campaigns
case("campaign-overview", "GET", c, "TBD")
case("campaign-enroll", "POST", c, "TBD")
case("campaign-verdict", "GET", lambda o: [o["campaign"].pk, "study.hours"], "TBD")
case("campaign-unit", "GET", ce, "TBD")
case("campaign-unit-plan", "POST", ce, "TBD")
case("campaign-unit-step", "POST", lambda o: [*ce(o), o["step"]], "TBD")
case("campaign-unit-evidence", "POST", lambda o: [*ce(o), o["step"]], "TBD")
case("campaign-unit-close", "POST", ce, "TBD")
case("campaign-unit-remedial", "POST", ce, "TBD")
case("campaign-unit-remedial-dates", "POST", ce, "TBD")
case("campaign-evidence", "GET", pk("evidence"), "TBD")
# study
case("study-home", "GET", none, "TBD")
case("study-me", "GET", none, "TBD")
case("study-overview", "GET", c, "TBD")
case("study-shortfalls", "GET", c, "TBD")
case("study-shortfalls-xlsx", "GET", c, "TBD")
case("study-visits", "GET", c, "TBD")
case("study-visit-edit", "GET", pk("visit"), "TBD")
case("study-visit-delete", "POST", pk("visit"), "TBD")
case("study-my-notes", "GET", c, "TBD")
case("study-note-edit", "GET", pk("note"), "TBD")
case("study-note-delete", "POST", pk("note"), "TBD")
case("study-my-five-one", "GET", c, "TBD")
for _name in [
    "study-sessions",
    "study-unit-hours",
    "study-unit-hours-xlsx",
    "study-roster",
    "study-roster-pdf",
    "study-roster-xlsx",
    "study-log",
    "study-log-pdf",
    "study-log-xlsx",
    "study-notes",
    "study-notes-pdf",
    "study-notes-xlsx",
    "study-materials",
    "study-unit-five-ones",
]:
    case(_name, "GET", ce, "TBD")
case("study-session-new", "POST", ce, "TBD")
case("study-unit-five-one-clear", "POST", ce, "TBD")
case("study-material-delete", "POST", pk("material"), "TBD")
case("study-material-file", "GET", pk("material"), "TBD")
case("study-session", "GET", pk("session"), "TBD")
case("study-session-edit", "POST", pk("session"), "TBD")
case("study-roll-call", "POST", pk("session"), "TBD")
case("study-session-log", "POST", pk("session"), "TBD")
case("study-checkin-display", "GET", pk("session"), "TBD")
case("study-checkin-renew", "POST", pk("session"), "TBD")
case("study-checkin", "POST", pk("session"), "TBD")
case("study-quizzes", "GET", c, "TBD")
case("study-quiz-template", "GET", none, "TBD")
case("study-quiz", "GET", pk("quiz"), "TBD")
case("study-quiz-import", "POST", pk("quiz"), "TBD")
case("study-quiz-start", "POST", pk("quiz"), "TBD")
case("study-attempt", "GET", pk("attempt"), "TBD")
# appraisal
case("appraisal-me", "GET", none, "TBD")
case("appraisal-overview", "GET", c, "TBD")
case("appraisal-opinions", "GET", c, "TBD")
case("appraisal-opinions-export", "GET", c, "TBD")
case("appraisal-opinion-new", "POST", c, "TBD")
case("appraisal-opinion", "GET", pk("opinion"), "TBD")
for _name in ["answer", "feedback", "close", "pass", "member"]:
    case(f"appraisal-opinion-{_name}", "POST", pk("opinion"), "TBD")
case("appraisal-talks", "POST", ce, "TBD")
case("appraisal-self-analyses", "GET", ce, "TBD")
_cm = lambda o: [o["campaign"].pk, o["colleague"].pk]  # noqa: E731
case("appraisal-self-analysis", "GET", _cm, "TBD")
case("appraisal-self-analysis-review", "POST", _cm, "TBD")
case("appraisal-self-analysis-enter", "POST", _cm, "TBD")
case("appraisal-my-self-analysis", "GET", c, "TBD")
case("appraisal-meetings", "POST", ce, "TBD")
case("appraisal-meeting", "GET", pk("meeting"), "TBD")
case("appraisal-meeting-edit", "POST", pk("meeting"), "TBD")
case("appraisal-meeting-item", "POST", pk("meeting"), "TBD")
case("appraisal-rounds", "POST", ce, "TBD")
case("appraisal-round", "GET", pk("round"), "TBD")
case("appraisal-vote", "GET", pk("round"), "TBD")
case("appraisal-ballots", "GET", pk("round"), "TBD")
case("appraisal-round-codes", "POST", pk("round"), "TBD")
case("appraisal-round-close", "POST", pk("round"), "TBD")
case("appraisal-conclusions", "POST", pk("round"), "TBD")
case("appraisal-round-publish", "POST", pk("round"), "TBD")
case("appraisal-round-export", "GET", pk("round"), "TBD")
case("appraisal-round-pdf", "GET", pk("round"), "TBD")
# rectification
case("rectification-overview", "GET", c, "TBD")
case("rectification-effect", "GET", c, "TBD")
case("rectification-bureau", "GET", c, "TBD")
case("rectification-bureau-new", "POST", c, "TBD")
case("rectification-bureau-publish", "POST", c, "TBD")
case("rectification-campaign-export", "GET", lambda o: [o["campaign"].pk, "xlsx"], "TBD")
case(
    "rectification-from-source",
    "GET",
    lambda o: [o["campaign"].pk, o["opinion_type"], o["opinion"].pk],
    "TBD",
)
case("rectification-unit", "GET", ce, "TBD")
case("rectification-unit-new", "POST", ce, "TBD")
case("rectification-unit-publish", "POST", ce, "TBD")
case("rectification-unit-export", "GET", lambda o: [*ce(o), "xlsx"], "TBD")
case("rectification-longterm", "GET", ce, "TBD")
case("rectification-mechanism-add", "POST", ce, "TBD")
case("rectification-cultivation-add", "POST", ce, "TBD")
case("rectification-cultivation-advance", "POST", lambda o: [*ce(o), o["person"].pk], "TBD")
case("rectification-pairing-add", "POST", ce, "TBD")
case("rectification-occurrence-add", "POST", pk("mechanism"), "TBD")
case("rectification-deeds", "GET", c, "TBD")
case("rectification-deed-add", "POST", c, "TBD")
case("rectification-deed-evidence", "POST", pk("deed"), "TBD")
case("rectification-comments", "GET", c, "TBD")
case("rectification-comment-moderate", "POST", pk("comment"), "TBD")
case("rectification-item", "GET", pk("item"), "TBD")
for _name in ["edit", "delete", "note", "evidence", "publish", "explain"]:
    case(f"rectification-item-{_name}", "POST", pk("item"), "TBD")
case("rectification-item-action", "POST", lambda o: [o["item"].pk, "verify"], "TBD")
case("rectification-evidence", "GET", pk("item_evidence"), "TBD")
# surveys
case("surveys-index", "GET", c, "TBD")
case("surveys-create", "POST", lambda o: [o["enrollment"].pk], "TBD")
case("surveys-frame-template", "GET", none, "TBD")
case("surveys-frame", "GET", pk("frame"), "TBD")
case("surveys-detail", "GET", pk("survey"), "TBD")
for _name in ["dates", "announce", "draw", "codes", "open", "close", "publish"]:
    case(f"surveys-{_name}", "POST", pk("survey"), "TBD")
case("surveys-frame-import", "POST", lambda o: [o["survey"].pk, "random_sample"], "TBD")
case("surveys-results", "GET", pk("survey"), "TBD")
case("surveys-results-pdf", "GET", pk("survey"), "TBD")
# oversight
case("oversight-leader-home", "GET", none, "TBD")
case("oversight-groups", "GET", c, "TBD")
case("oversight-group-create", "POST", c, "TBD")
case("oversight-group", "GET", pk("group"), "TBD")
case("oversight-group-add-member", "POST", pk("group"), "TBD")
case("oversight-membership-remove", "POST", pk("membership"), "TBD")
case("oversight-membership-responsible", "POST", pk("membership"), "TBD")
case("oversight-points", "GET", c, "TBD")
case("oversight-points-set", "POST", c, "TBD")
case("oversight-officers", "GET", c, "TBD")
case("oversight-officers-dispatch", "POST", c, "TBD")
case("oversight-assignment-withdraw", "POST", pk("assignment"), "TBD")
case("oversight-my-assignments", "GET", none, "TBD")
case("oversight-visit-new", "GET", pk("assignment"), "TBD")
case("oversight-visit", "GET", pk("supervision"), "TBD")
case("oversight-suggestions", "GET", c, "TBD")
case("oversight-suggestions-export", "GET", c, "TBD")
case("oversight-suggestion", "GET", pk("suggestion"), "TBD")
for _name in ["answer", "accept", "return", "rectify"]:
    case(f"oversight-suggestion-{_name}", "POST", pk("suggestion"), "TBD")
case("oversight-articles", "GET", c, "TBD")
case("oversight-article-new", "POST", c, "TBD")
case("oversight-article", "GET", pk("article"), "TBD")
case("oversight-article-action", "POST", lambda o: [o["article"].pk, "submit"], "TBD")
case("oversight-commendations", "GET", c, "TBD")
case("oversight-commendations-nominate", "POST", c, "TBD")
case("oversight-commendations-export", "GET", c, "TBD")
case("oversight-commendation-action", "POST", lambda o: [o["commendation"].pk, "approve"], "TBD")
case("oversight-dispositions", "GET", c, "TBD")
case("oversight-dispositions-export", "GET", c, "TBD")
case("oversight-disposition-new", "POST", c, "TBD")
case("oversight-disposition", "GET", pk("case"), "TBD")
for _name in ["talk", "deadline", "outcome"]:
    case(f"oversight-disposition-{_name}", "POST", pk("case"), "TBD")
# the public site: no login, the same answer for everyone
PUBLIC = [
    ("public-index", "GET", none),
    ("appraisal-public-opinion", "GET", none),
    ("appraisal-public-receipt", "GET", none),
    ("appraisal-public-notices", "GET", none),
    ("appraisal-public-notice", "GET", pk("notice_round")),
    ("appraisal-public-ballot", "GET", none),
    ("appraisal-public-ballot-check", "GET", none),
    ("public-rectification-index", "GET", none),
    ("public-rectification-item", "GET", lambda o: [o["published_item"].public_id]),
    ("public-rectification-comment", "POST", lambda o: [o["published_item"].public_id]),
    ("public-rectification-campaign", "GET", lambda o: [o["campaign"].code]),
    ("public-rectification-unit", "GET", lambda o: [o["campaign"].code, o["unit"].code]),
    (
        "public-rectification-unit-export",
        "GET",
        lambda o: [o["campaign"].code, o["unit"].code, "xlsx"],
    ),
    ("public-survey-start", "GET", none),
    ("public-survey-respond", "GET", lambda o: ["NOSUCHCODE"]),
    ("public-survey-thanks", "GET", none),
    ("public-survey-draws", "GET", none),
    ("public-survey-draw", "GET", pk("draw")),
    ("public-survey-draw-file", "GET", pk("draw")),
    ("oversight-public-news", "GET", none),
    ("oversight-public-article", "GET", pk("article")),
    ("oversight-public-commendations", "GET", none),
]
for _name, _method, _args in PUBLIC:
    case(_name, _method, _args, "TBD", anonymous="TBD")


# -- running a case --------------------------------------------------------------------------


def answer(response) -> str:
    code = response.status_code
    if code in (301, 302):
        return "L" if "/accounts/login/" in response["Location"] else "2"
    if code < 300:
        return "2"
    return {403: "3", 404: "4", 400: "0", 405: "0"}.get(code, str(code))


def observe(world, name) -> str:
    method, args, _expected, _anonymous = CASES[name]
    url = reverse(name, args=args(world))
    users = get_user_model().objects.in_bulk(USERNAMES.values(), field_name="username")
    seen = ""
    for persona in [*PERSONAS, "anonymous"]:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(users[USERNAMES[persona]])
        with transaction.atomic():
            response = client.post(url) if method == "POST" else client.get(url)
            seen += answer(response)
            if hasattr(response, "close"):
                response.close()
            transaction.set_rollback(True)
    return seen


def test_every_url_has_a_case():
    assert project_url_names() - set(CASES) == set()
    assert set(CASES) - project_url_names() == set()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_access(world, name):
    method, _args, expected, anonymous = CASES[name]
    seen = observe(world, name)
    if os.environ.get("VANGUARD_PRINT_MATRIX"):
        print(f"\nMATRIX {name} {method} {seen}")
    public = anonymous != "L"
    assert "5" not in seen, f"server error: {seen}"
    if not public:
        assert seen[-1] == "L", "a private page asks anonymous users to log in"
    if expected != "TBD":
        assert seen == expected + anonymous
