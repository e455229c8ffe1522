"""The campaign's effect (R30): the share of the public's problems solved per unit and
overall, and satisfaction through the hook the survey module will fill."""

from datetime import date

import pytest
from django.urls import reverse

from vanguard.rectification import effect
from vanguard.rectification.effect import Satisfaction
from vanguard.rectification.models import RectificationItem, Status


@pytest.fixture
def survey_results(enrollments):
    """A stand-in survey module: unit A surveyed, 80 % satisfied of 50 responses."""

    def provider(campaign, enrollment_ids):
        result = Satisfaction(0.8, 50, date(2024, 10, 20), redo_required=False)
        return {pk: result for pk in enrollment_ids if pk == enrollments["A"].pk}

    effect.register_satisfaction_provider(provider)
    yield provider
    effect.unregister_satisfaction_provider(provider)


def effect_page(login, personas, campaign):
    return login(personas["office"]).get(reverse("rectification:effect", args=[campaign.pk]))


def test_without_a_survey_module_satisfaction_says_no_survey_yet(login, personas, campaign, items):
    response = effect_page(login, personas, campaign)
    assert response.context["satisfaction"] is None
    assert 'data-satisfaction="none"' in response.content.decode()
    assert effect.latest_satisfaction(campaign, [1, 2]) == {}


def test_the_share_of_the_publics_problems_solved(login, personas, campaign, items, enrollments):
    # given A: two problems raised by the public, one solved; B: none raised
    RectificationItem.objects.filter(pk__in=[items["A"].pk, items["A1"].pk]).update(
        from_public=True
    )
    RectificationItem.objects.filter(pk=items["A1"].pk).update(status=Status.DONE, progress=100)

    response = effect_page(login, personas, campaign)

    rows = {row["enrollment"].pk: row["summary"] for row in response.context["rows"]}
    assert rows[enrollments["A"].pk].public_share == 0.5
    assert rows[enrollments["B"].pk].public_share is None
    assert response.context["totals"].public_share == 0.5
    assert "50%" in response.content.decode()


def test_a_reopened_problem_is_not_solved(login, personas, campaign, items, enrollments):
    RectificationItem.objects.filter(pk=items["A"].pk).update(
        from_public=True, status=Status.REOPENED, progress=0
    )
    response = effect_page(login, personas, campaign)
    rows = {row["enrollment"].pk: row["summary"] for row in response.context["rows"]}
    assert rows[enrollments["A"].pk].public_share == 0


def test_a_registered_survey_module_fills_satisfaction_in(
    login, personas, campaign, items, enrollments, survey_results
):
    response = effect_page(login, personas, campaign)
    rows = {row["enrollment"].pk: row["satisfaction"] for row in response.context["rows"]}
    assert rows[enrollments["A"].pk].satisfied_share == 0.8
    assert rows[enrollments["B"].pk] is None
    assert response.context["satisfaction"] == pytest.approx(0.8)
    unit_page = login(personas["alice"]).get(
        reverse("campaigns:unit", args=[campaign.pk, enrollments["A"].pk])
    )
    panel = unit_page.content.decode()
    panel = panel[panel.index('id="rectification-panel"') :]
    assert "80%" in panel[: panel.index("</section>")]


def test_satisfaction_is_pooled_by_responses():
    results = [
        Satisfaction(1.0, 10, date(2024, 10, 1), False),
        Satisfaction(0.5, 30, date(2024, 10, 1), False),
        Satisfaction(0.0, 0, date(2024, 10, 1), False),
    ]
    assert effect.pooled_satisfaction(results) == pytest.approx((10 + 15) / 40)
    assert effect.pooled_satisfaction([]) is None


def test_registering_a_provider_twice_counts_once(survey_results, campaign, enrollments):
    effect.register_satisfaction_provider(survey_results)
    assert list(effect.latest_satisfaction(campaign, [enrollments["A"].pk])) == [
        enrollments["A"].pk
    ]
    assert effect._providers.count(survey_results) == 1


def test_the_overview_panel_for_the_campaign_overview(rf, personas, campaign, items):
    # given the panel the campaign overview can include (see the report), for charlie
    from django.template import Context, Template

    from tests.rectification.conftest import scope_of

    RectificationItem.objects.filter(pk=items["B"].pk).update(
        from_public=True, status=Status.DONE, progress=100
    )
    request = rf.get("/")
    request.scope = scope_of(personas["charlie"])
    template = Template("{% load rectification_tags %}{% rectification_overview_panel campaign %}")

    html = template.render(Context({"request": request, "campaign": campaign}))

    # then it shows his unit's and the bureau's lists: B at 100 %, the bureau at 0 %
    assert 'id="rectification-effect-panel"' in html
    assert "50%" in html  # the mean of the two lists
    assert "100%" in html and "(1/1)" in html
    assert 'data-satisfaction="none"' in html


def test_the_overview_panel_is_kept_until_an_item_or_a_survey_changes(
    rf, personas, campaign, items, enrollments
):
    """The panel counts every item and survey of the campaign: kept while other tables are
    written (a check-in, an opinion), counted again when an item changes."""
    from django.db import connection
    from django.template import Context, Template
    from django.test.utils import CaptureQueriesContext

    from tests.rectification.conftest import scope_of
    from vanguard.campaigns.models import StepRecord, StepStatus

    request = rf.get("/")
    request.scope = scope_of(personas["charlie"])
    template = Template("{% load rectification_tags %}{% rectification_overview_panel campaign %}")

    def render():
        with CaptureQueriesContext(connection) as queries:
            html = template.render(Context({"request": request, "campaign": campaign}))
        return html, [q for q in queries if "rectification_rectificationitem" in q["sql"]]

    first, counted = render()
    assert counted
    StepRecord.objects.create(  # a unit's write elsewhere
        enrollment=enrollments["B"], step_code="make_plan", status=StepStatus.DONE
    )
    again, counted = render()
    assert again == first and not counted
    RectificationItem.objects.filter(pk=items["B"].pk).update(status=Status.DONE, progress=100)
    after, counted = render()
    assert counted and after != first  # B's list now at 100 %
    # the survey module's tables keep it too (its provider says which it reads)
    assert "surveys_response" in effect.provider_tables()
