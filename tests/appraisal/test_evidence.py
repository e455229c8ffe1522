"""The findings of 分析评议 show their evidence (issue 16): at each rule's boundary the
finding states the figure counted ("answered 0 / 1") and links the records behind it — the
unit's opinions (the overdue ones when it fails), talks, self-analyses, appraisal rounds —
and the verdict page's queries do not grow with the number of units."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.appraisal.conftest import PLAN
from tests.appraisal.test_compliance import AFTER, DURING, _add_busy_units, verdict
from vanguard.appraisal import services
from vanguard.campaigns import services as campaign_services
from vanguard.campaigns.verdicts import Severity


@pytest.fixture
def planned(enrollments, members):
    campaign_services.save_phase_plan(enrollments["A"], PLAN, acting=None)
    return enrollments["A"]


def urls(finding) -> list[str]:
    return [url for _label, url in finding.links]


def test_an_opinion_at_its_deadline_and_the_day_after(planned, opinion, tree):
    unit_page = reverse("campaigns:unit", args=[planned.campaign_id, planned.pk])
    opinions = reverse("appraisal:opinions", args=[planned.campaign_id])

    (counted,) = verdict(planned, "appraisal.opinions", opinion.due_on).evidence
    assert counted.counted == "answered 0 / 1"
    assert urls(counted) == [unit_page, f"{opinions}?unit={tree['A'].pk}"]
    assert "thresholds.opinion_answer_days" in counted.threshold

    (failing,) = verdict(planned, "appraisal.opinions", opinion.due_on + timedelta(1)).findings
    assert failing.level == Severity.FAILING and failing.counted == "answered 0 / 1"
    assert urls(failing) == [unit_page, f"{opinions}?unit={tree['A'].pk}&overdue=1"]

    services.answer_opinion(opinion, text="已答复", user=None, today=opinion.due_on, acting=None)
    (counted,) = verdict(planned, "appraisal.opinions", opinion.due_on + timedelta(1)).evidence
    assert counted.counted == "answered 1 / 1"


def test_the_overdue_link_lists_the_overdue_opinion(planned, opinion, login, personas):
    (failing,) = verdict(planned, "appraisal.opinions", opinion.due_on + timedelta(1)).findings
    page = login(personas["alice"]).get(urls(failing)[1])
    assert page.status_code == 200 and opinion.content in page.content.decode()


def test_talks_count_the_members_talked_with(planned, members):
    services.record_talk(
        planned,
        talked_on=DURING,
        initiator=members["dora"],
        partner=members["bob"],
        topic="谈心",
        acting=None,
    )
    (failing,) = verdict(planned, "appraisal.talks", AFTER).findings
    assert failing.counted == "talked with 2 / 3"
    talks = reverse("appraisal:talks", args=[planned.campaign_id, planned.pk])
    assert talks in urls(failing)
    services.record_talk(
        planned,
        talked_on=DURING,
        initiator=members["dora"],
        partner=members["eve"],
        topic="谈心",
        acting=None,
    )
    result = verdict(planned, "appraisal.talks", AFTER)
    assert result.findings == [] and result.evidence[0].counted == "talked with 3 / 3"


def test_self_analyses_count_those_handed_in(planned, members, campaign_a):
    services.save_self_analysis(campaign_a, members["bob"], text="稿", submit=True, acting=None)
    (warning,) = verdict(planned, "appraisal.self_analysis", DURING).findings
    assert warning.level == Severity.WARNING and warning.counted == "handed in 1 / 3"
    page = reverse("appraisal:self-analyses", args=[planned.campaign_id, planned.pk])
    assert page in urls(warning)


def test_the_appraisal_links_its_rounds(planned):
    (failing,) = verdict(planned, "appraisal.appraisal", AFTER).findings
    rounds = reverse("appraisal:rounds", args=[planned.campaign_id, planned.pk])
    assert failing.message == "No democratic appraisal round yet" and rounds in urls(failing)


def test_the_verdict_page_queries_do_not_grow_with_units(
    tree, batches, enrollments, login, personas
):
    campaign = batches[0].campaign
    campaign_services.save_phase_plan(enrollments["A"], PLAN, acting=None)
    client = login(personas["office"])
    url = reverse("campaigns:verdict", args=[campaign.pk, "appraisal.talks"])

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200 and "finding-counted" in page.content.decode()
        return len(captured)

    _add_busy_units(tree, batches[1], "X", 2)
    few = count()
    _add_busy_units(tree, batches[1], "Y", 6)
    assert count() == few
