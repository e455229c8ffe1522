"""Issue 19: the phase plan's messages say what happened — a plan saved with problems is
saved with a warning (never a green "saved" beside a red panel), and a refused plan shows
every problem, not only the first."""

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.campaigns.test_views import GOOD_PLAN, unit_url
from vanguard.campaigns.models import PhaseWindow


def levels(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_a_plan_past_the_batch_end_is_saved_with_a_warning(login, personas, enrollments):
    late = {**GOOD_PLAN, "rectification_end": "2025-02-28"}  # the batch ends on 2024-12-31
    response = login(personas["alice"]).post(
        unit_url(enrollments["A"], "campaigns:unit-plan"), late
    )
    assert response.status_code == 302
    assert PhaseWindow.objects.filter(enrollment=enrollments["A"]).count() == 3
    [(level, text)] = levels(response)
    assert level == "warning"
    assert "阶段计划已保存，但尚不符合通知要求" in text and "2024年12月31日" in text


def test_a_good_plan_is_saved_with_a_success_message(login, personas, enrollments):
    response = login(personas["alice"]).post(
        unit_url(enrollments["A"], "campaigns:unit-plan"), GOOD_PLAN
    )
    assert levels(response) == [("success", "阶段计划已保存。")]


def test_a_refused_plan_shows_every_problem(login, personas, enrollments):
    """Overlapping (blocking) and past the batch end (not blocking): both are shown."""
    bad = {**GOOD_PLAN, "analysis_start": "2024-08-10", "rectification_end": "2025-02-28"}
    response = login(personas["alice"]).post(unit_url(enrollments["A"], "campaigns:unit-plan"), bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="plan-warnings"' in body
    assert "超出" in body or "批次" in body
    assert response.context["plan_form"].errors["analysis_start"]
    assert not PhaseWindow.objects.exists()
    assert reverse("campaigns:unit-plan", args=[enrollments["A"].campaign_id, enrollments["A"].pk])


def test_the_enrol_form_is_at_the_top_of_the_overview(login, personas, enrollments):
    """Not at the bottom of a long page after every verdict card (issue 19)."""
    from vanguard.orgs.models import Organization, OrgKind

    campaign = enrollments["A"].campaign
    Organization.objects.add_child(
        campaign.organization, dict(code="C", name="丙中学党支部", kind=OrgKind.BRANCH)
    )
    body = login(personas["office"]).get(reverse("campaigns:overview", args=[campaign.pk]))
    html = body.content.decode()
    assert 'id="enroll-form"' in html
    assert html.index('id="enroll-form"') < html.index("<table")
