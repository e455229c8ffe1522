"""The module contract (issue 16): a campaign's template decides which modules exist;
an absent module gives no verdict, no closure gate, no nav entry, no panel, no public
link, and its pages answer 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse

from vanguard.campaigns import closure, compliance, services
from vanguard.campaigns.template import (
    CampaignTemplate,
    TemplateError,
    load_template,
    shipped_template_path,
)
from vanguard.core import registry

SHIPPED = load_template(shipped_template_path("xianjinxing-2024"))


def with_modules(enabled, template=SHIPPED) -> CampaignTemplate:
    return CampaignTemplate.from_dict({**template.to_dict(), "modules": {"enabled": enabled}})


def everything_but(*codes) -> list[str]:
    return [code for code in registry.default_module_codes() if code not in codes]


def start(tree, template, code="other"):
    data = template.to_dict()
    data["campaign"]["code"] = code
    return services.start_campaign(
        CampaignTemplate.from_dict(data),
        organization=tree["root"],
        batches=[("第一批", date(2024, 7, 1), date(2024, 12, 31))],
    )


# -- the registry and the template -----------------------------------------------------


def test_every_app_declares_its_modules_and_codes_are_unique():
    codes = registry.module_codes()
    assert len(codes) == len(set(codes))
    for code in ("five_ones", "two_books", "appraisal", "self_analysis", "talks", "opinions"):
        assert code in codes
    for code in ("surveys", "rectification", "leader_visits", "liaison", "commendations"):
        assert code in codes
    assert "remedial" in codes  # the shell's own


def test_a_template_without_modules_has_the_original_set():
    assert SHIPPED.modules is None
    assert set(SHIPPED.enabled_modules) == set(registry.default_module_codes())
    assert SHIPPED.has_module("five_ones")
    assert "modules" not in SHIPPED.to_dict()  # an old snapshot stays as it was


def test_enabled_modules_round_trip_through_the_snapshot():
    template = with_modules(["sessions", "surveys"])
    assert template.has_module("sessions") and not template.has_module("five_ones")
    again = CampaignTemplate.from_dict(template.to_dict())
    assert again.modules == ("sessions", "surveys")


def test_an_empty_list_turns_every_module_off():
    template = with_modules([])
    assert template.enabled_modules == ()
    assert not template.has_module("sessions")


def test_an_unknown_module_is_refused_with_its_key():
    with pytest.raises(TemplateError) as caught:
        with_modules(["sessions", "five_one"])
    [problem] = caught.value.problems
    assert problem.key == "modules.enabled[2]"
    assert "five_one" in problem.message and "five_ones" in problem.message  # a suggestion


def test_a_repeated_module_is_refused():
    with pytest.raises(TemplateError) as caught:
        with_modules(["sessions", "sessions"])
    assert caught.value.problems[0].key == "modules.enabled[2]"


def test_a_module_without_its_vocabulary_is_refused():
    data = SHIPPED.to_dict()
    data["five_ones"] = []
    data["modules"] = {"enabled": ["sessions", "five_ones"]}
    with pytest.raises(TemplateError) as caught:
        CampaignTemplate.from_dict(data)
    [problem] = caught.value.problems
    assert problem.key == "modules.enabled[2]" and "five_ones" in problem.message


def test_modules_must_be_a_table_with_a_list():
    data = {**SHIPPED.to_dict(), "modules": {"enabled": "sessions", "extra": 1}}
    with pytest.raises(TemplateError) as caught:
        CampaignTemplate.from_dict(data)
    keys = {p.key for p in caught.value.problems}
    assert keys == {"modules.enabled", "modules.extra"}


def test_campaign_has_module(tree):
    campaign = start(tree, with_modules(everything_but("five_ones")))
    assert campaign.has_module("sessions")
    assert not campaign.has_module("five_ones")


# -- verdicts and closure gates --------------------------------------------------------


def test_a_rule_of_an_absent_module_gives_no_verdict(tree):
    campaign = start(tree, with_modules(everything_but("five_ones", "appraisal")))
    codes = {v.code for v in compliance.evaluate(campaign).verdicts}
    assert "study.five_ones" not in codes and "appraisal.appraisal" not in codes
    assert {"study.hours", "plan.steps", "coverage.units"} <= codes
    assert compliance.RULES["study.five_ones"].module == "five_ones"


def test_the_original_template_keeps_every_verdict(campaign):
    codes = {v.code for v in compliance.evaluate(campaign).verdicts}
    assert codes == set(compliance.RULES)


def test_every_rule_names_a_known_module():
    modules = set(registry.module_codes())
    for code in ("study.five_ones", "appraisal.appraisal", "surveys.taken", "plan.remedial"):
        assert compliance.RULES[code].module in modules, code
    for code, found in compliance.RULES.items():
        assert found.module == "" or found.module in modules, code


def test_a_closure_gate_of_an_absent_module_does_not_hold(tree, monkeypatch):
    calls = []

    def gate(enrollment):
        calls.append(enrollment)
        return ["不行"]

    monkeypatch.setattr(closure, "CLOSURE_GATES", [(closure.every_step_done, "")])
    closure.closure_gate(module="five_ones")(gate)
    with_gate = start(tree, SHIPPED, code="with")
    without = start(tree, with_modules(everything_but("five_ones")), code="without")
    unit_with = services.enroll(with_gate.batches.get(), tree["A"])
    unit_without = services.enroll(without.batches.get(), tree["A"])
    assert "不行" in closure.closure_problems(unit_with)
    assert "不行" not in closure.closure_problems(unit_without)
    assert calls == [unit_with]


def test_the_verdict_page_of_an_absent_module_is_404(tree, personas, login):
    campaign = start(tree, with_modules(everything_but("five_ones")))
    client = login(personas["office"])
    assert (
        client.get(reverse("campaigns:verdict", args=[campaign.pk, "study.hours"])).status_code
        == 200
    )
    url = reverse("campaigns:verdict", args=[campaign.pk, "study.five_ones"])
    assert client.get(url).status_code == 404


# -- the shell hides what is absent ----------------------------------------------------


def render(text, **context):
    return Template("{% load campaigns_tags %}" + text).render(Context(context))


def test_has_module_filter(tree):
    campaign = start(tree, with_modules(["sessions"]))
    text = (
        '{% if c|has_module:"sessions" %}S{% endif %}{% if c|has_module:"five_ones" %}F{% endif %}'
    )
    assert render(text, c=campaign) == "S"
    assert render(text, c=None) == "SF"  # no campaign in view hides nothing


def test_shows_filter_follows_the_registry_entry(tree):
    campaign = start(tree, with_modules(["sessions"]))
    apps = {app.label: app for app in registry.phase_apps()}
    text = "{% if c|shows:app %}yes{% endif %}"
    assert render(text, c=campaign, app=apps["study"]) == "yes"
    assert render(text, c=campaign, app=apps["appraisal"]) == ""
    assert render(text, c=campaign, app=apps["rectification"]) == ""


def test_lookups_with_a_module_answer_404(tree, personas, rf):
    from django.http import Http404

    from vanguard.accounts.access import Scope

    campaign = start(tree, with_modules(["sessions"]))
    scope = Scope.for_user(personas["office"])
    assert scope.get_campaign_or_404(campaign.pk, module="sessions") == campaign
    with pytest.raises(Http404):
        scope.get_campaign_or_404(campaign.pk, module="five_ones")
    assert scope.module_or_404(campaign, ("five_ones", "sessions")) == campaign


def test_the_public_front_page_shows_only_links_of_present_modules(tree, client):
    start(tree, with_modules(["sessions", "surveys"]))
    page = client.get(reverse("portal:public-index")).content.decode()
    assert reverse("surveys:public-start") in page
    assert reverse("appraisal:public-opinion") not in page
    assert reverse("rectification:public-index") not in page
    assert reverse("oversight:public-commendations") not in page


# -- pages of an absent module ---------------------------------------------------------


@pytest.fixture
def lean(tree, personas):
    """A campaign without 五个一, appraisal, commendations and quizzes, unit A enrolled."""
    campaign = start(
        tree,
        with_modules(everything_but("five_ones", "appraisal", "commendations", "quizzes")),
    )
    enrollment = services.enroll(campaign.batches.get(), tree["A"])
    return campaign, enrollment


def test_pages_of_an_absent_module_answer_404(lean, personas, login):
    campaign, enrollment = lean
    client = login(personas["office"])
    ce = [campaign.pk, enrollment.pk]
    assert client.get(reverse("study:unit-five-ones", args=ce)).status_code == 404
    assert client.get(reverse("appraisal:rounds", args=ce)).status_code == 404
    assert client.get(reverse("oversight:commendations", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("study:quizzes", args=[campaign.pk])).status_code == 404
    # present modules answer as before
    assert client.get(reverse("study:sessions", args=ce)).status_code == 200
    assert client.get(reverse("appraisal:talks", args=ce)).status_code == 200


def test_the_sidebar_and_the_unit_page_hide_absent_modules(lean, personas, login):
    campaign, enrollment = lean
    client = login(personas["office"])
    client.get(reverse("portal:pick-campaign") + f"?campaign={campaign.pk}")
    page = client.get(reverse("campaigns:unit", args=[campaign.pk, enrollment.pk])).content.decode()
    ce = [campaign.pk, enrollment.pk]
    assert reverse("study:unit-five-ones", args=ce) not in page
    assert reverse("appraisal:rounds", args=ce) not in page
    assert reverse("oversight:commendations", args=[campaign.pk]) not in page
    assert reverse("study:quizzes", args=[campaign.pk]) not in page
    assert reverse("study:sessions", args=ce) in page
    assert reverse("appraisal:talks", args=ce) in page


def test_the_campaign_picker_keeps_the_choice(tree, campaign, personas, login):
    other = start(tree, with_modules(["sessions"]))
    client = login(personas["office"])
    page = client.get(reverse("campaigns:overview", args=[campaign.pk])).content.decode()
    assert 'id="campaign-picker"' in page
    assert reverse("study:quizzes", args=[other.pk]) not in page
    response = client.get(reverse("portal:pick-campaign") + f"?campaign={other.pk}&next=/me/")
    assert response.status_code == 302 and response["Location"] == "/me/"
    page = client.get(reverse("campaigns:overview", args=[campaign.pk])).content.decode()
    assert reverse("study:overview", args=[other.pk]) in page
    assert reverse("appraisal:overview", args=[other.pk]) not in page
    # an unsafe target is not followed; a campaign out of reach is 404
    response = client.get(
        reverse("portal:pick-campaign") + f"?campaign={other.pk}&next=https://x.example/"
    )
    assert response["Location"] == reverse("campaigns:overview", args=[other.pk])
    outsider = login(personas["bob"])  # a member reads no campaign as staff
    assert (
        outsider.get(reverse("portal:pick-campaign") + f"?campaign={other.pk}").status_code == 404
    )
