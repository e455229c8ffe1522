"""The campaign overview and the unit page: access for every persona, the plan form,
the step checklist, evidence files and query budgets."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_member
from vanguard.campaigns import services
from vanguard.campaigns.models import (
    Enrollment,
    PhaseWindow,
    StepEvidence,
    StepRecord,
    StepStatus,
)
from vanguard.orgs.models import Organization

VIEWERS_OF_A = ["office", "leader", "alice", "bob", "liaison"]
GOOD_PLAN = {
    "study_start": "2024-07-01",
    "study_end": "2024-08-14",
    "analysis_start": "2024-08-15",
    "analysis_end": "2024-09-13",
    "rectification_start": "2024-09-14",
    "rectification_end": "2024-10-13",
}


def unit_url(enrollment, name="campaigns:unit", **kwargs):
    return reverse(name, args=[enrollment.campaign_id, enrollment.pk], kwargs=kwargs or None)


@pytest.fixture
def evidence(enrollments, personas):
    record = services.record_step(
        enrollments["A"], "make_plan", status=StepStatus.DONE, acting=None
    )
    upload = SimpleUploadedFile("方案.txt", "实施方案".encode())
    return services.add_evidence(
        record, title="实施方案", file=upload, user=personas["alice"], acting=None
    )


# -- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [*[(p, 200) for p in VIEWERS_OF_A], ("charlie", 404)],
)
def test_unit_page_access(login, personas, enrollments, persona, status):
    response = login(personas[persona]).get(unit_url(enrollments["A"]))
    assert response.status_code == status


def test_unit_page_needs_login(client, enrollments):
    response = client.get(unit_url(enrollments["A"]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_unit_page_of_another_campaign_path_is_404(login, personas, enrollments):
    url = reverse("campaigns:unit", args=[enrollments["A"].campaign_id + 1, enrollments["A"].pk])
    assert login(personas["office"]).get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status", "sees_a", "sees_b"),
    [
        ("office", 200, True, True),
        ("leader", 200, True, True),
        ("alice", 200, True, False),
        ("liaison", 200, True, False),
        ("charlie", 200, False, True),
        ("bob", 404, False, False),
    ],
)
def test_overview_shows_only_units_in_scope(
    login, personas, tree, enrollments, persona, status, sees_a, sees_b
):
    response = login(personas[persona]).get(
        reverse("campaigns:overview", args=[enrollments["A"].campaign_id])
    )
    assert response.status_code == status
    body = response.content.decode()
    assert (tree["A"].name in body) is sees_a
    assert (unit_url(enrollments["B"]) in body) is sees_b


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 302),
        ("alice", 302),
        ("leader", 403),
        ("liaison", 403),
        ("bob", 403),
        ("charlie", 404),
    ],
)
def test_only_managers_edit_the_plan(login, personas, enrollments, persona, status):
    response = login(personas[persona]).post(
        unit_url(enrollments["A"], "campaigns:unit-plan"), GOOD_PLAN
    )
    assert response.status_code == status
    saved = PhaseWindow.objects.filter(enrollment=enrollments["A"]).count()
    assert saved == (3 if status == 302 else 0)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)],
)
def test_only_managers_record_steps(login, personas, enrollments, persona, status):
    url = reverse(
        "campaigns:unit-step", args=[enrollments["A"].campaign_id, enrollments["A"].pk, "mobilize"]
    )
    response = login(personas[persona]).post(url, {"mobilize-status": "done"})
    assert response.status_code == status
    assert StepRecord.objects.filter(step_code="mobilize").exists() is (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("alice", 200),
        ("liaison", 200),
        ("bob", 404),
        ("charlie", 404),
    ],
)
def test_evidence_download_access(login, personas, evidence, persona, status):
    response = login(personas[persona]).get(reverse("campaigns:evidence", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == "实施方案".encode()


def test_member_sees_evidence_titles_without_links(login, personas, evidence):
    """A member sees that the unit's step has its document, not the document itself."""
    link = reverse("campaigns:evidence", args=[evidence.pk])
    member_page = login(personas["bob"]).get(unit_url(evidence.step_record.enrollment))
    assert evidence.title in member_page.content.decode()
    assert link not in member_page.content.decode()
    reader_page = login(personas["leader"]).get(unit_url(evidence.step_record.enrollment))
    assert link in reader_page.content.decode()


# -- the plan form ------------------------------------------------------------------------


def test_saving_a_good_plan_turns_the_verdict_green(login, personas, enrollments):
    client = login(personas["alice"])
    response = client.post(unit_url(enrollments["A"], "campaigns:unit-plan"), GOOD_PLAN)
    assert response.status_code == 302

    page = client.get(unit_url(enrollments["A"]))
    plan_verdict = next(v for v in page.context["report"].verdicts if v.code == "plan.phases")
    assert plan_verdict.level == 0


def test_overlapping_plan_is_refused_and_keeps_what_was_typed(login, personas, enrollments):
    overlapping = {**GOOD_PLAN, "analysis_start": "2024-08-10"}

    response = login(personas["alice"]).post(
        unit_url(enrollments["A"], "campaigns:unit-plan"), overlapping
    )

    assert response.status_code == 400
    assert not PhaseWindow.objects.exists()
    form = response.context["plan_form"]
    assert form.errors["analysis_start"]
    assert 'value="2024-08-10"' in response.content.decode()


def test_bad_date_is_reported_on_its_field(login, personas, enrollments):
    response = login(personas["alice"]).post(
        unit_url(enrollments["A"], "campaigns:unit-plan"), {**GOOD_PLAN, "study_end": "2024-13-45"}
    )
    assert response.status_code == 400
    assert response.context["plan_form"].errors["study_end"]
    assert 'value="2024-13-45"' in response.content.decode()


def test_a_short_plan_is_saved_but_failing(login, personas, enrollments):
    short = {**GOOD_PLAN, "rectification_end": "2024-09-27"}  # 89 days in all
    client = login(personas["alice"])
    assert client.post(unit_url(enrollments["A"], "campaigns:unit-plan"), short).status_code == 302
    page = client.get(unit_url(enrollments["A"]))
    plan_verdict = next(v for v in page.context["report"].verdicts if v.code == "plan.phases")
    assert plan_verdict.level == 2


# -- steps and evidence -------------------------------------------------------------------


def test_htmx_step_update_returns_the_row_and_the_verdicts(login, personas, enrollments):
    url = reverse(
        "campaigns:unit-step", args=[enrollments["A"].campaign_id, enrollments["A"].pk, "mobilize"]
    )
    response = login(personas["alice"]).post(
        url,
        {"mobilize-status": "done", "mobilize-done_on": "2024-07-05", "mobilize-notes": "全体到会"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="step-mobilize"' in body and 'hx-swap-oob="true"' in body
    record = StepRecord.objects.get(step_code="mobilize")
    assert (record.status, record.done_on, record.notes) == ("done", date(2024, 7, 5), "全体到会")


def test_unknown_step_is_404(login, personas, enrollments):
    url = reverse(
        "campaigns:unit-step", args=[enrollments["A"].campaign_id, enrollments["A"].pk, "nope"]
    )
    assert login(personas["alice"]).post(url, {"nope-status": "done"}).status_code == 404


def test_bad_step_status_saves_nothing(login, personas, enrollments):
    url = reverse(
        "campaigns:unit-step", args=[enrollments["A"].campaign_id, enrollments["A"].pk, "mobilize"]
    )
    response = login(personas["alice"]).post(
        url, {"mobilize-status": "finished"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()
    assert not StepRecord.objects.exists()


def test_evidence_upload_and_size_limit(login, personas, enrollments, settings):
    settings.VANGUARD_MAX_UPLOAD_MB = 1
    url = reverse(
        "campaigns:unit-evidence",
        args=[enrollments["A"].campaign_id, enrollments["A"].pk, "make_plan"],
    )
    client = login(personas["alice"])
    big = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1))
    client.post(url, {"make_plan-evidence-title": "方案", "make_plan-evidence-file": big})
    assert not StepEvidence.objects.exists()

    small = SimpleUploadedFile("plan.pdf", b"%PDF-1.4")
    client.post(url, {"make_plan-evidence-title": "方案", "make_plan-evidence-file": small})
    evidence = StepEvidence.objects.get()
    assert evidence.uploaded_by == personas["alice"]


# -- query budgets ------------------------------------------------------------------------


def _add_units(tree, batch, prefix, count, members_each=3):
    for index in range(count):
        code = f"{prefix}{index}"
        unit = Organization.objects.add_child(
            tree["root"], dict(code=code, name=f"单位{code}", kind="branch")
        )
        for number in range(members_each):
            make_member(unit, f"{code}-{number}", f"成员{number}")
        enrollment = services.enroll(batch, unit)
        services.save_phase_plan(
            enrollment,
            {
                "study": (date(2024, 7, 1), date(2024, 8, 14)),
                "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
                "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
            },
            acting=None,
        )
        services.record_step(enrollment, "mobilize", status=StepStatus.DONE, acting=None)


def _count_queries(client, url):
    cache.clear()  # count the figures computed, not served from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_overview_queries_do_not_grow_with_units(login, personas, tree, batches, enrollments):
    client = login(personas["office"])
    url = reverse("campaigns:overview", args=[batches[0].campaign_id])
    _add_units(tree, batches[1], "X", 2)
    few = _count_queries(client, url)
    _add_units(tree, batches[1], "Y", 10)
    many = _count_queries(client, url)
    assert few == many


def test_unit_page_queries_do_not_grow_with_steps_done(login, personas, enrollments, evidence):
    client = login(personas["alice"])
    url = unit_url(enrollments["A"])
    few = _count_queries(client, url)
    for _phase, step in enrollments["A"].campaign.rules.steps():
        record = services.record_step(
            enrollments["A"], step.code, status=StepStatus.DONE, acting=None
        )
        services.add_evidence(
            record,
            title="材料",
            file=SimpleUploadedFile("a.txt", b"a"),
            user=personas["alice"],
            acting=None,
        )
    many = _count_queries(client, url)
    assert few == many


# -- enrolling units ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "enrolled"),
    [("office", 302, True), ("alice", 403, False), ("leader", 403, False), ("bob", 404, False)],
)
def test_only_the_office_enrols_units(login, personas, tree, batches, persona, status, enrolled):
    url = reverse("campaigns:enroll", args=[batches[0].campaign_id])
    response = login(personas[persona]).post(url, {"unit": tree["B"].pk, "batch": batches[0].pk})
    assert response.status_code == status
    assert Enrollment.objects.filter(organization=tree["B"]).exists() is enrolled


def test_enrolling_a_covered_unit_is_refused_with_a_message(login, personas, tree, enrollments):
    client = login(personas["office"])
    url = reverse("campaigns:enroll", args=[enrollments["A"].campaign_id])
    response = client.post(
        url, {"unit": tree["A1"].pk, "batch": enrollments["B"].batch_id}, follow=True
    )
    assert response.status_code == 200
    assert Enrollment.objects.filter(organization=tree["A1"]).count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_enrol_form_offers_only_units_not_covered(login, personas, tree, batches):
    from vanguard.campaigns import services as campaign_services

    campaign_services.enroll(batches[1], tree["A"])
    response = login(personas["office"]).get(
        reverse("campaigns:overview", args=[batches[0].campaign_id])
    )
    offered = set(response.context["enroll_form"].fields["unit"].queryset)
    assert offered == {tree["B"]}


def test_unit_page_shows_who_changed_the_plan(login, personas, enrollments):
    client = login(personas["alice"])
    client.post(unit_url(enrollments["A"], "campaigns:unit-plan"), GOOD_PLAN)

    changes = client.get(unit_url(enrollments["A"])).context["changes"]

    assert len(changes) == 3
    assert {change["who"] for change in changes} == {personas["alice"]}
    assert {change["what"] for change in changes} == {"学习动员", "分析评议", "整改提高"}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 302), ("leader", 403), ("bob", 403), ("charlie", 404)],
)
def test_only_managers_upload_evidence(login, personas, enrollments, persona, status):
    url = reverse(
        "campaigns:unit-evidence",
        args=[enrollments["A"].campaign_id, enrollments["A"].pk, "make_plan"],
    )
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4")
    response = login(personas[persona]).post(
        url, {"make_plan-evidence-title": "方案", "make_plan-evidence-file": upload}
    )
    assert response.status_code == status
    assert StepEvidence.objects.exists() is (status == 302)
