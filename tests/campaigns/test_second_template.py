"""A second shipped template run end to end (issue 16): 党纪学习教育 — two phases, 16 study
hours, "75 days" at least, four survey grades, no 五个一 and no democratic appraisal.

No verdict, page, menu entry or public text of an absent module shows; the campaign's own
words are used everywhere (and nothing says 先进性); a school set up as a 党委 is enrolled
and counted; both campaigns can run at once.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import make_member, make_user
from vanguard.accounts.models import Role
from vanguard.campaigns import compliance, services
from vanguard.campaigns.closure import closure_problems
from vanguard.campaigns.forms import EnrollForm
from vanguard.campaigns.models import StepStatus
from vanguard.campaigns.plan_checks import phase_plan_problems
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.orgs.models import Organization, OrgCategory, OrgKind
from vanguard.surveys.forms import ResponseForm
from vanguard.surveys.questions import questionnaire_for

DANGJI = load_template(shipped_template_path("dangji-2026"))

ABSENT_VERDICTS = {
    "study.five_ones",
    "appraisal.opinions",
    "appraisal.feedback",
    "appraisal.self_analysis",
    "appraisal.talks",
    "appraisal.appraisal",
}
PRESENT_VERDICTS = {
    "coverage.units",
    "coverage.members",
    "plan.phases",
    "plan.steps",
    "plan.remedial",
    "study.sessions",
    "study.hours",
    "study.participation",
    "study.two_books",
    "rectification.owners",
    "rectification.overdue",
    "rectification.published",
    "rectification.reopened",
    "surveys.taken",
    "surveys.satisfied",
    "surveys.remedial",
    "oversight.leading_groups",
    "oversight.liaison_points",
    "oversight.liaison_officers",
    "oversight.suggestions",
}
# Words of the absent modules and of the other campaign, which must not show.
FOREIGN_WORDS = ("先进性", "五个一", "民主评议", "党性分析", "分析评议", "学习动员", "表彰")


@pytest.fixture
def school_committee(tree):
    """A school set up as a 党委, with a branch under it (the issue's case)."""
    school = Organization.objects.add_child(
        tree["root"],
        dict(code="S", name="丙中学党委", kind=OrgKind.COMMITTEE, category=OrgCategory.SCHOOL),
    )
    branch = Organization.objects.add_child(
        school,
        dict(code="S1", name="丙中学第一支部", kind=OrgKind.BRANCH, category=OrgCategory.SCHOOL),
    )
    make_member(branch, "S1-001", "丙党员")
    return school


@pytest.fixture
def dangji(tree, personas, school_committee):
    campaign = services.start_campaign(
        DANGJI,
        organization=tree["root"],
        batches=[("全局", date(2026, 4, 1), date(2026, 7, 31))],
    )
    batch = campaign.batches.get()
    units = {"A": services.enroll(batch, tree["A"])}
    return campaign, units


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def assert_no_foreign_words(text: str) -> None:
    for word in FOREIGN_WORDS:
        assert word not in text, word


# -- the template ------------------------------------------------------------------------


def test_the_second_template_loads_with_its_own_rules():
    assert [p.title for p in DANGJI.phases] == ["学习研讨", "检视整改"]
    assert DANGJI.threshold("min_study_hours") == 16
    assert str(DANGJI.min_concentrated()) == "75 days"
    assert not DANGJI.has_module("five_ones") and not DANGJI.has_module("appraisal")
    assert [o.title for o in DANGJI.satisfaction.options] == ["满意", "比较满意", "一般", "不满意"]
    assert DANGJI.five_ones == () and DANGJI.appraisal_grades == ()


def test_seventy_five_days_at_least():
    batch = {"batch_start": date(2026, 4, 1), "batch_end": date(2026, 7, 31)}

    def plan(last_day):
        return {
            "study": (date(2026, 4, 1), date(2026, 5, 15)),
            "rectification": (date(2026, 5, 16), last_day),
        }

    ok = phase_plan_problems(plan(date(2026, 6, 14)), rules=DANGJI, **batch)  # 75 days
    short = phase_plan_problems(plan(date(2026, 6, 13)), rules=DANGJI, **batch)  # 74 days
    assert not [p for p in ok if p.kind == "too_short"]
    [problem] = [p for p in short if p.kind == "too_short"]
    assert "75天" in problem.message


# -- verdicts and gates ------------------------------------------------------------------


def test_no_verdict_of_an_absent_module(dangji):
    campaign, _units = dangji
    codes = {verdict.code for verdict in compliance.evaluate(campaign).verdicts}
    assert codes >= PRESENT_VERDICTS
    assert not codes & ABSENT_VERDICTS
    assert all(compliance.RULES[code].applies_to(campaign) for code in codes)


def test_a_school_committee_is_in_coverage_and_in_the_enrol_form(dangji, personas):
    from vanguard.accounts.access import Scope

    campaign, _units = dangji
    [verdict] = compliance.evaluate(campaign, codes=["coverage.units"]).verdicts
    assert "丙中学党委" in " ".join(f.message for f in verdict.findings)
    form = EnrollForm(campaign=campaign, scope=Scope.for_user(personas["office"]))
    names = [org.name for org in form.fields["unit"].queryset]
    assert "丙中学党委" in names and "测试局党委" not in names
    enrollment = services.enroll(campaign.batches.get(), Organization.objects.get(code="S"))
    [verdict] = compliance.evaluate(campaign, codes=["coverage.units"]).verdicts
    assert "丙中学党委" not in " ".join(f.message for f in verdict.findings)
    assert enrollment.organization.kind == OrgKind.COMMITTEE


def test_the_shipped_first_template_still_leaves_committees_out(campaign, school_committee):
    with pytest.raises(Exception, match="丙中学党委"):
        services.enroll(campaign.batches.first(), school_committee)


def test_closing_asks_nothing_of_absent_modules(dangji):
    campaign, units = dangji
    enrollment = units["A"]
    for _phase, step in campaign.rules.steps():
        services.record_step(enrollment, step.code, status=StepStatus.DONE, acting=None)
    problems = closure_problems(enrollment)
    # only the survey's gate holds (surveys are a module of this campaign)
    assert len(problems) == 1 and "测评" in problems[0]


# -- pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("appraisal:overview", "c"),
        ("appraisal:opinions", "c"),
        ("appraisal:rounds", "ce"),
        ("appraisal:talks", "ce"),
        ("appraisal:self-analyses", "ce"),
        ("appraisal:meetings", "ce"),
        ("study:unit-five-ones", "ce"),
        ("study:quizzes", "c"),
        ("study:visits", "c"),
        ("oversight:commendations", "c"),
        ("oversight:dispositions", "c"),
    ],
)
def test_pages_of_absent_modules_do_not_exist(dangji, personas, login, name, args):
    campaign, units = dangji
    values = [campaign.pk] if args == "c" else [campaign.pk, units["A"].pk]
    client = login(personas["office"])
    assert client.get(reverse(name, args=values)).status_code == 404


def test_the_overview_speaks_the_campaigns_words(dangji, personas, login):
    campaign, _units = dangji
    text = page(login(personas["office"]), "campaigns:overview", campaign.pk)
    assert "党纪学习教育" in text and "学习研讨" in text and "检视整改" in text
    assert_no_foreign_words(text)
    for name in ("appraisal:overview", "oversight:commendations", "study:quizzes"):
        assert reverse(name, args=[campaign.pk]) not in text
    assert reverse("study:overview", args=[campaign.pk]) in text
    assert reverse("rectification:overview", args=[campaign.pk]) in text


def test_the_unit_page_shows_no_panel_of_an_absent_module(dangji, personas, login):
    campaign, units = dangji
    enrollment = units["A"]
    for user in ("office", "alice", "bob"):
        text = page(login(personas[user]), "campaigns:unit", campaign.pk, enrollment.pk)
        assert 'id="appraisal-panel"' not in text
        assert reverse("study:unit-five-ones", args=[campaign.pk, enrollment.pk]) not in text
        assert "读原文学条例" in text  # its own steps
        assert_no_foreign_words(text)


def test_the_members_pages_speak_the_campaigns_words(dangji, personas, login):
    client = login(personas["bob"])
    for name in ("portal:me", "study:me"):
        text = page(client, name)
        assert "党纪学习教育" in text
        assert_no_foreign_words(text)
    assert "/ 16" in page(client, "study:me")  # 16 hours
    assert reverse("appraisal:me") not in page(client, "portal:me")


def test_the_public_site_speaks_the_campaigns_words(dangji, client):
    _campaign, _units = dangji
    text = page(client, "portal:public-index")
    assert "党纪学习教育的进展在此公布" in text
    assert_no_foreign_words(text)
    assert reverse("appraisal:public-opinion") not in text
    assert reverse("appraisal:public-notices") not in text
    assert reverse("oversight:public-commendations") not in text
    assert reverse("surveys:public-start") in text
    # no campaign takes opinions from the public
    assert 'id="public-opinion-form"' not in page(client, "appraisal:public-opinion")


def test_the_sign_in_page_carries_the_campaigns_tagline(dangji, client):
    text = page(client, "accounts:login")
    assert "党组织党纪学习教育管理" in text
    assert_no_foreign_words(text)


def test_the_survey_asks_in_the_campaigns_words(dangji):
    campaign, _units = dangji
    questionnaire = questionnaire_for(campaign.rules)
    form = ResponseForm(questionnaire=questionnaire)
    assert form.fields["overall"].label == "总体而言，您对该单位开展党纪学习教育的满意程度如何？"
    assert [title for _code, title in form.fields["overall"].choices] == [
        "满意",
        "比较满意",
        "一般",
        "不满意",
    ]
    assert next(q.title for q in questionnaire.questions) == "党员纪律意识和规矩意识的增强情况"
    assert "明显增强" in [g.title for g in questionnaire.grades]


# -- both campaigns at once ----------------------------------------------------------------


def test_two_campaigns_at_once_each_with_its_own_modules(dangji, campaign, personas, login, client):
    xianjinxing = campaign
    dangji_campaign, _units = dangji
    office = login(personas["office"])
    # the sidebar shows the campaign in view (the newest by default: 2026's) …
    text = page(office, "campaigns:overview", xianjinxing.pk)
    assert 'id="campaign-picker"' in text
    assert reverse("study:quizzes", args=[dangji_campaign.pk]) not in text
    # … and the other one once picked
    office.get(reverse("portal:pick-campaign") + f"?campaign={xianjinxing.pk}")
    text = page(office, "campaigns:overview", xianjinxing.pk)
    assert reverse("study:quizzes", args=[xianjinxing.pk]) in text
    assert reverse("appraisal:overview", args=[xianjinxing.pk]) in text
    # the old campaign keeps every verdict; the new one only its own
    assert "study.five_ones" in {v.code for v in compliance.evaluate(xianjinxing).verdicts}
    # the public site: the newest by default, the other one when picked
    assert "党纪学习教育的进展在此公布" in page(client, "portal:public-index")
    text = client.get(
        reverse("portal:public-index") + f"?campaign={xianjinxing.pk}"
    ).content.decode()
    assert "先进性教育活动的进展在此公布" in text
    assert reverse("appraisal:public-opinion") in text
    # the suggestion box takes opinions for the campaign that has them
    text = page(client, "appraisal:public-opinion")
    assert xianjinxing.title in text


def test_a_leader_picks_the_campaign_on_their_page(dangji, campaign, tree, login):
    leader = make_user("boss", Role.LEADER, tree["root"])
    client = login(leader)
    text = client.get(reverse("oversight:leader-home")).content.decode()
    assert 'id="leader-campaign-picker"' in text and "党纪学习教育" in text
    text = client.get(
        reverse("oversight:leader-home") + f"?campaign={campaign.pk}"
    ).content.decode()
    assert campaign.title in text


def _strings_in_code(text: str) -> str:
    """The string literals of a Python module, less its docstrings (comments are not
    strings): what the code could show a user."""
    import ast

    tree = ast.parse(text)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return "\n".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    )


def test_nothing_outside_the_templates_says_xianjinxing():
    """The engine's words are neutral: 先进性 is only in its template (and in the demo's
    data and the migration that keeps old snapshots' words)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "vanguard"
    allowed = {"definitions", "migrations", "demo.py", "generate.py"}
    offending = []
    for path in root.rglob("*"):
        if not path.is_file() or allowed & set(path.parts):
            continue
        if path.suffix in (".po", ".html", ".js", ".txt"):
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".py":
            text = _strings_in_code(path.read_text(encoding="utf-8"))
        else:
            continue
        if "先进性" in text:
            offending.append(str(path.relative_to(root)))
    assert offending == []
