"""Steps that differ per member group (三.5 分类指导): a group's own steps, taken member by
member and counted in the verdicts for that group's members at the phase boundaries; steps
a group skips, not asked of a unit none of whose members is held to them; the template
checks (key and line of a bad group step); the member's page and the unit's page; access;
a template without group steps shows nothing of them."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_member
from vanguard.accounts.access import Scope
from vanguard.campaigns import group_steps
from vanguard.campaigns.compliance import (
    ComplianceContext,
    group_step_completion,
    step_completion,
)
from vanguard.campaigns.models import GroupStepRecord, PhaseWindow
from vanguard.campaigns.template import (
    TemplateError,
    parse_template,
    shipped_template_path,
)
from vanguard.campaigns.template_lines import key_lines, problem_line
from vanguard.orgs.models import Member

STEP = "cadre_as_member"
TITLE = "以普通党员身份参加所在支部的专题组织生活会"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _replace(campaign, **changes):
    campaign.template_data = dataclasses.replace(campaign.rules, **changes).to_dict()
    campaign.save()
    campaign.__dict__.pop("template", None)
    return campaign


def _plan(enrollment, analysis=(date(2024, 8, 15), date(2024, 9, 14))):
    for code, (starts, ends) in {
        "study": (date(2024, 7, 1), date(2024, 8, 14)),
        "analysis": analysis,
        "rectification": (date(2024, 9, 15), date(2024, 10, 31)),
    }.items():
        PhaseWindow.objects.create(
            enrollment=enrollment, phase_code=code, starts_on=starts, ends_on=ends
        )
    return enrollment


@pytest.fixture
def cadre(personas):
    bob = Member.objects.get(user=personas["bob"])
    bob.is_leader_cadre = True
    bob.save()
    return bob


@pytest.fixture
def planned(enrollments):
    return _plan(enrollments["A"])


def _group_findings(campaign, day):
    return group_step_completion(ComplianceContext(campaign, today=day))


# -- the template ------------------------------------------------------------------------


def test_the_shipped_leader_cadres_take_a_step_of_their_own(campaign, cadre, personas):
    steps = group_steps.steps_for(campaign, cadre)
    assert [s.code for s in steps.own] == [STEP] and steps.own[0].phase == "analysis"
    other = Member.objects.get(code="B-001")
    assert group_steps.steps_for(campaign, other).own == ()


def test_a_bad_group_step_is_reported_with_its_key_and_line():
    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    bad = text.replace(
        'phase = "analysis"\nnotice_ref = "三.4"', 'phase = "xyzzy"\nnotice_ref = "三.4"'
    )
    bad = bad.replace(f'code = "{STEP}"', 'code = "make_plan"')  # a step of the template
    bad = bad.replace(
        'code = "retired_members"', 'code = "retired_members"\nskip_steps = ["no_such_step"]'
    )
    with pytest.raises(TemplateError) as error:
        parse_template(bad, "t.toml")
    problems = {p.key: p for p in error.value.problems}
    assert set(problems) == {
        "member_groups[5].steps[1].phase",
        "member_groups[5].steps[1].code",
        "member_groups[4].skip_steps[1]",
    }
    lines = key_lines(bad)
    phase_line = bad.splitlines().index('phase = "xyzzy"') + 1
    assert problem_line(problems["member_groups[5].steps[1].phase"], lines) == phase_line


def test_a_group_step_without_a_title_or_twice_is_refused():
    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    step = text[text.index("[[member_groups.steps]]") :]
    step = step[: step.index("\n\n")]
    bad = text.replace(step, step + "\n\n" + step.replace(f'title = "{TITLE}"\n', ""))
    with pytest.raises(TemplateError) as error:
        parse_template(bad, "t.toml")
    keys = {p.key for p in error.value.problems}
    assert keys == {"member_groups[5].steps[2].title", "member_groups[5].steps[2].code"}


# -- the verdicts ---------------------------------------------------------------------------


def test_a_cadres_step_is_judged_at_the_phase_boundaries(campaign, planned, cadre):
    assert _group_findings(campaign, date(2024, 8, 14)) == []  # before the phase
    [running] = _group_findings(campaign, date(2024, 8, 15))
    assert running.level.name == "WARNING" and running.members == (cadre.name,)
    assert _group_findings(campaign, date(2024, 9, 14))[0].level.name == "WARNING"
    [late] = _group_findings(campaign, date(2024, 9, 15))  # the day after it ended
    assert late.level.name == "FAILING" and late.enrollment_id == planned.pk
    group_steps.record_step(campaign, cadre, STEP, done_on=date(2024, 8, 30), acting=None)
    assert _group_findings(campaign, date(2024, 9, 15)) == []


def test_members_of_other_groups_are_not_held_to_it(campaign, planned, personas):
    assert _group_findings(campaign, date(2024, 9, 15)) == []  # bob is no cadre


def test_a_unit_not_planned_yet_is_not_judged(campaign, enrollments, cadre):
    assert _group_findings(campaign, date(2024, 9, 15)) == []


def test_a_step_every_member_skips_is_not_asked_of_the_unit(campaign, enrollments, tree, personas):
    groups = tuple(
        dataclasses.replace(g, skip_steps=("talks_analysis",)) if g.code == "retired_members" else g
        for g in campaign.rules.member_groups
    )
    campaign = _replace(campaign, member_groups=groups)
    unit_b = _plan(enrollments["B"], analysis=(date(2024, 2, 1), date(2024, 2, 28)))
    Member.objects.filter(organization=tree["B"]).update(retired=True)
    title = campaign.rules.step("talks_analysis").title

    def asked(day=date(2024, 12, 1)):
        findings = step_completion(ComplianceContext(campaign, today=day, enrollment=unit_b))
        return any(title in f.message for f in findings)

    assert not asked()
    make_member(tree["B"], "B-009", "在职党员")  # one member held to it: asked again
    assert asked()


# -- recording, and who may --------------------------------------------------------------


def test_who_records_a_step(campaign, cadre, personas):
    for who in ("leader", "liaison", "charlie"):
        with pytest.raises(PermissionDenied):
            group_steps.record_step(
                campaign,
                cadre,
                STEP,
                done_on=date(2024, 8, 30),
                acting=Scope.for_user(personas[who]),
            )
    for who in ("bob", "alice"):
        group_steps.record_step(
            campaign, cadre, STEP, done_on=date(2024, 8, 30), acting=Scope.for_user(personas[who])
        )
    assert GroupStepRecord.objects.filter(withdrawn_on__isnull=True).count() == 1  # corrected


def test_a_step_not_of_the_group_or_in_the_future_is_refused(campaign, cadre, personas):
    with pytest.raises(ValidationError):
        group_steps.record_step(
            campaign, cadre, "make_plan", done_on=date(2024, 8, 30), acting=None
        )
    with pytest.raises(ValidationError):
        group_steps.record_step(campaign, cadre, STEP, done_on=date(2999, 1, 1), acting=None)
    other = Member.objects.get(code="B-001")
    with pytest.raises(ValidationError):
        group_steps.record_step(campaign, other, STEP, done_on=date(2024, 8, 30), acting=None)
    assert not GroupStepRecord.objects.exists()


def test_a_withdrawn_record_is_kept_and_the_step_is_open_again(campaign, planned, cadre):
    group_steps.record_step(campaign, cadre, STEP, done_on=date(2024, 8, 30), acting=None)
    group_steps.withdraw_step(campaign, cadre, STEP, acting=None)
    assert GroupStepRecord.objects.get().withdrawn_on is not None
    assert _group_findings(campaign, date(2024, 9, 15))[0].level.name == "FAILING"


# -- the pages ----------------------------------------------------------------------------


def test_the_cadre_sees_and_records_their_step_on_their_page(
    campaign, enrollments, cadre, personas, client
):
    client.force_login(personas["bob"])
    me = reverse("portal:me")
    page = client.get(me).content.decode()
    assert TITLE in page and f'data-group-step="{STEP}"' in page
    url = reverse("campaigns:group-step", args=[campaign.pk, cadre.pk, STEP])
    answer = client.post(url, {"done_on": "2999-01-01", "next": me})
    assert answer.status_code == 302 and not GroupStepRecord.objects.exists()
    answer = client.post(url, {"done_on": "2024-08-30", "next": me})
    assert answer["Location"] == me
    assert GroupStepRecord.objects.get().done_on == date(2024, 8, 30)
    assert "2024" in client.get(me).content.decode()
    client.post(url, {"undo": "1", "next": me})
    assert GroupStepRecord.objects.get().withdrawn_on is not None


def test_the_step_page_for_every_persona(campaign, enrollments, cadre, personas, client, tree):
    url = reverse("campaigns:group-step", args=[campaign.pk, cadre.pk, STEP])
    data = {"done_on": "2024-08-30"}
    colleague = make_member(tree["A"], "A-077", "同事", user=None)
    for who, status in [("leader", 403), ("liaison", 403), ("charlie", 404)]:
        client.force_login(personas[who])
        assert client.post(url, data).status_code == status, who
    other = reverse("campaigns:group-step", args=[campaign.pk, colleague.pk, STEP])
    client.force_login(personas["bob"])
    assert client.post(other, data).status_code == 404  # another member
    assert client.get(url).status_code == 405
    assert not GroupStepRecord.objects.exists()


def test_the_unit_records_for_its_members_on_the_groups_page(
    campaign, enrollments, cadre, personas, client
):
    page_url = reverse("campaigns:unit-groups", args=[campaign.pk, enrollments["A"].pk])
    client.force_login(personas["alice"])
    page = client.get(page_url).content.decode()
    assert TITLE in page and f'data-group-steps="{cadre.pk}"' in page
    url = reverse("campaigns:group-step", args=[campaign.pk, cadre.pk, STEP])
    answer = client.post(url, {"done_on": "2024-08-30", "next": page_url})
    assert answer["Location"] == page_url
    assert GroupStepRecord.objects.get().recorded_by == personas["alice"]


def test_the_groups_page_queries_do_not_grow_with_the_members(
    campaign, enrollments, cadre, personas, client, tree, django_assert_max_num_queries
):
    url = reverse("campaigns:unit-groups", args=[campaign.pk, enrollments["A"].pk])
    client.force_login(personas["alice"])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for index in range(8):
        member = make_member(tree["A1"], f"C{index}", f"干部{index}", is_leader_cadre=True)
        group_steps.record_step(campaign, member, STEP, done_on=date(2024, 8, 30), acting=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "干部7" in client.get(url).content.decode()


def test_a_template_without_group_steps_shows_nothing_of_them(
    campaign, planned, cadre, personas, client
):
    groups = tuple(dataclasses.replace(g, steps=()) for g in campaign.rules.member_groups)
    campaign = _replace(campaign, member_groups=groups)
    client.force_login(personas["bob"])
    assert TITLE not in client.get(reverse("portal:me")).content.decode()
    url = reverse("campaigns:group-step", args=[campaign.pk, cadre.pk, STEP])
    assert client.post(url, {"done_on": "2024-08-30"}).status_code == 404
    client.force_login(personas["alice"])
    page_url = reverse("campaigns:unit-groups", args=[campaign.pk, planned.pk])
    assert "data-group-steps" not in client.get(page_url).content.decode()
    assert _group_findings(campaign, date(2024, 9, 15)) == []
