"""The upper level's survey pages: access for every persona on every view, what each page
shows, forms that fail keeping what was typed, exports, and query budgets."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.helpers import content, export, job_of, start
from tests.surveys.conftest import CLOSES, DURING, OPENS, answers, frame_bytes, people
from tests.surveys.factories import TELLER_CODES, appoint, close, open_
from vanguard.campaigns import services as campaign_services
from vanguard.orgs.models import Organization
from vanguard.surveys import services
from vanguard.surveys.models import (
    Channel,
    Draw,
    Frame,
    Invitation,
    Method,
    Survey,
    SurveyStatus,
    ValidCode,
)

PERSONAS = ["office", "leader", "alice", "bob", "liaison", "charlie"]


def status_of(login, personas, persona, method, url, data=None):
    client = login(personas[persona])
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


@pytest.fixture
def closed_survey(open_survey, codes):
    for code in codes[:4]:
        services.submit_response(code, answers("satisfied", comment="<b>好</b>"), today=DURING)
    return close(open_survey, today=CLOSES)


def xlsx_upload(rows=None):
    return SimpleUploadedFile("名单.xlsx", frame_bytes(rows or people(12)))


# -- access ------------------------------------------------------------------------------

# The upper level (the office manages the root, the leader reads it) runs and reads a
# unit's survey; the unit's own readers get 403; charlie, outside A, gets 404.
READ_MATRIX = {
    "office": 200,
    "leader": 200,
    "alice": 403,
    "bob": 403,
    "liaison": 403,
    "charlie": 404,
}
RUN_MATRIX = {
    "office": None,
    "leader": 403,
    "alice": 403,
    "bob": 403,
    "liaison": 403,
    "charlie": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_survey_page_access(login, personas, survey, persona):
    url = reverse("surveys:detail", args=[survey.pk])
    assert status_of(login, personas, persona, "get", url) == READ_MATRIX[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_frame_rows_access(login, personas, survey, persona):
    frame = services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(5), filename="l.xlsx", acting=None
    )
    url = reverse("surveys:frame", args=[frame.pk])
    assert status_of(login, personas, persona, "get", url) == READ_MATRIX[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_survey_is_for_the_upper_level(login, personas, enrollments, persona):
    url = reverse("surveys:create", args=[enrollments["A"].pk])
    data = {"opens_on": "2024-11-20", "closes_on": "2024-11-30"}
    expected = {**RUN_MATRIX, "office": 302}[persona]
    assert status_of(login, personas, persona, "post", url, data) == expected
    assert Survey.objects.exists() is (expected == 302)
    if persona == "office":
        assert login(personas["office"]).get(url).status_code == 200


def test_a_unit_administrator_never_runs_the_units_own_survey(login, personas, tree, batches):
    """Charlie administers B: he sees B's pages but only B's upper level runs its survey."""
    enrollment = campaign_services.enroll(batches[0], tree["B"])
    url = reverse("surveys:create", args=[enrollment.pk])
    assert login(personas["charlie"]).get(url).status_code == 403
    assert login(personas["office"]).get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "setup"),
    [
        ("surveys:dates", {"opens_on": "2024-11-21", "closes_on": "2024-11-30"}, None),
        (
            "surveys:announce",
            {"seed": "1-2", "seed_source": "骰子", "witnesses": "甲\n乙", "size": "3"},
            "frame",
        ),
        ("surveys:draw", {}, "announced"),
        ("surveys:open", {}, "invited"),
        ("surveys:close", {}, "opened"),
        ("surveys:codes", {"channel": "sms"}, "invited"),
        ("surveys:tellers", {"teller_1": "甲", "teller_2": "乙", "teller_3": "丙"}, "invited"),
    ],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_changes_are_for_those_who_run_the_survey(
    login, personas, survey, persona, name, data, setup
):
    if setup:
        frame = services.store_frame(
            survey, Method.RANDOM_SAMPLE, people(10), filename="l.xlsx", acting=None
        )
    if setup in ("announced", "invited", "opened"):
        draw = services.announce_draw(
            frame,
            services.Announcement(
                seed="1", seed_source="骰子", witnesses=["甲", "乙"], size=3, strata={}
            ),
            acting=None,
        )
    if setup in ("invited", "opened"):
        services.make_draw(draw, acting=None)
    if setup == "invited" and name == "surveys:open":
        appoint(survey)
    if setup == "opened":
        teller_codes = open_(survey) and TELLER_CODES[survey.pk]
        data = {"code_1": teller_codes[0], "code_3": teller_codes[2]}
    before = _state(survey)
    status = status_of(login, personas, persona, "post", reverse(name, args=[survey.pk]), data)
    shown = name in ("surveys:codes", "surveys:tellers")
    expected = RUN_MATRIX[persona] or (200 if shown else 302)
    assert status == expected
    assert (_state(survey) != before) is (persona == "office")


def _state(survey):
    survey.refresh_from_db()
    return (
        survey.status,
        survey.opens_on,
        Draw.objects.filter(drawn_on__isnull=False).count(),
        Draw.objects.count(),
        Invitation.objects.filter(issued_on__isnull=False).count(),
        survey.public_key,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_importing_a_list_is_for_those_who_run_the_survey(login, personas, survey, persona):
    url = reverse("surveys:frame-import", args=[survey.pk, Method.RANDOM_SAMPLE])
    client = login(personas[persona])
    response = start(client, url, {f"{Method.RANDOM_SAMPLE}-file": xlsx_upload()})
    assert response.status_code == {**RUN_MATRIX, "office": 302}[persona]
    assert Frame.objects.exists() is (persona == "office")  # imported by the worker


@pytest.mark.parametrize("persona", PERSONAS)
def test_publishing_is_for_those_who_run_the_survey(login, personas, closed_survey, persona):
    url = reverse("surveys:publish", args=[closed_survey.pk])
    assert (
        status_of(login, personas, persona, "post", url) == {**RUN_MATRIX, "office": 302}[persona]
    )
    closed_survey.refresh_from_db()
    assert (closed_survey.published_on is not None) is (persona == "office")


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_are_for_the_upper_level_until_published(login, personas, closed_survey, persona):
    url = reverse("surveys:results", args=[closed_survey.pk])
    assert status_of(login, personas, persona, "get", url) == READ_MATRIX[persona]
    services.publish_results(closed_survey, acting=None)
    published = {**READ_MATRIX, "alice": 200, "bob": 200, "liaison": 200}
    assert status_of(login, personas, persona, "get", url) == published[persona]


def test_results_of_an_unfinished_survey_do_not_exist(login, personas, open_survey):
    url = reverse("surveys:results", args=[open_survey.pk])
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
def test_the_index_shows_units_in_scope(
    login, personas, tree, enrollments, persona, status, sees_a, sees_b
):
    response = login(personas[persona]).get(
        reverse("surveys:index", args=[enrollments["A"].campaign_id])
    )
    assert response.status_code == status
    body = response.content.decode()
    assert (tree["A"].name in body) is sees_a
    assert (tree["B"].name in body) is sees_b


def test_the_index_offers_new_surveys_only_to_the_upper_level(login, personas, enrollments):
    url = reverse("surveys:index", args=[enrollments["A"].campaign_id])
    create_a = reverse("surveys:create", args=[enrollments["A"].pk])
    assert create_a in login(personas["office"]).get(url).content.decode()
    assert create_a not in login(personas["alice"]).get(url).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("office", 200), ("alice", 200), ("leader", 404), ("bob", 404)]
)
def test_the_blank_template_is_for_managers(login, personas, persona, status):
    response = login(personas[persona]).get(reverse("surveys:frame-template"))
    assert response.status_code == status
    if status == 200:
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert [cell.value for cell in sheet[1]] == ["姓名", "类别", "手机号码", "送达地址"]


@pytest.mark.parametrize(
    "name",
    [
        "surveys:index",
        "surveys:detail",
        "surveys:results",
        "surveys:frame-template",
        "surveys:create",
    ],
)
def test_every_page_needs_a_login(client, survey, name):
    args = {
        "surveys:index": [survey.enrollment.campaign_id],
        "surveys:create": [survey.enrollment_id],
        "surveys:frame-template": [],
    }.get(name, [survey.pk])
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# -- what the pages do -------------------------------------------------------------------


def test_a_bad_list_shows_every_problem_and_keeps_nothing(login, personas, survey):
    url = reverse("surveys:frame-import", args=[survey.pk, Method.RANDOM_SAMPLE])
    bad = SimpleUploadedFile("名单.xlsx", frame_bytes([*people(3), *people(1, start=2)]))
    client = login(personas["office"])
    job = job_of(start(client, url, {f"{Method.RANDOM_SAMPLE}-file": bad}))
    assert job.status == job.Status.FAILED
    body = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert "import-problems" in body and ">5<" in body  # the repeated person, on row 5
    assert "名单.xlsx" in body  # the file's name is kept
    assert not Frame.objects.exists()


def test_a_failed_announcement_keeps_what_was_typed(login, personas, survey):
    services.store_frame(survey, Method.RANDOM_SAMPLE, people(10), filename="l.xlsx", acting=None)
    data = {
        "seed": "6-6-6",
        "seed_source": "骰子",
        "witnesses": "王芳",
        "size": "3",
        "strata": "教师=1",
    }
    response = login(personas["office"]).post(reverse("surveys:announce", args=[survey.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="6-6-6"' in body and "王芳" in body and "教师=1" in body
    assert not Draw.objects.exists()


def test_a_failed_date_change_keeps_the_survey(login, personas, survey):
    data = {"opens_on": "2024-11-30", "closes_on": "2024-11-01"}
    response = login(personas["office"]).post(reverse("surveys:dates", args=[survey.pk]), data)
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.opens_on == OPENS


def test_the_sms_list_carries_each_code_once_and_only_hashes_stay(login, personas, open_survey):
    response = login(personas["office"]).post(
        reverse("surveys:codes", args=[open_survey.pk]), {"channel": Channel.SMS, "method": ""}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 15
    for _name, group, phone, code, link, *_rest in rows:
        assert phone.startswith("1380000") and code.replace("-", "") in link.replace("-", "")
        assert services.find_code(code, today=DURING).group == group
    assert sorted(ValidCode.objects.values_list("digest", flat=True)) == sorted(
        services.hash_code(row[3]) for row in rows
    )
    again = login(personas["office"]).post(
        reverse("surveys:codes", args=[open_survey.pk]), {"channel": Channel.SMS}
    )
    assert again.status_code == 302  # nobody left without a code


def _weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        if os.environ.get("VANGUARD_CI"):
            raise
        pytest.skip(f"WeasyPrint cannot load (pango missing?): {error}")


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content(response))).pages)


def test_slips_print_each_code_with_its_qr(login, personas, open_survey):
    _weasyprint_or_skip()
    response = login(personas["office"]).post(
        reverse("surveys:codes", args=[open_survey.pk]),
        {"channel": Channel.SLIP, "method": Method.REPRESENTATIVES},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response).replace(" ", "")
    issued = Invitation.objects.filter(method=Method.REPRESENTATIVES, issued_on__isnull=False)
    assert issued.count() == 5
    for invitation in issued.select_related("frame_row"):
        assert invitation.frame_row.name in text
    assert (
        Invitation.objects.filter(method=Method.RANDOM_SAMPLE, issued_on__isnull=False).count() == 0
    )


def test_the_results_pdf(login, personas, closed_survey):
    _weasyprint_or_skip()
    response = export(
        login(personas["office"]), reverse("surveys:results-pdf", args=[closed_survey.pk])
    )
    assert response.status_code == 200
    text = _pdf_text(response)
    assert closed_survey.enrollment.organization.name in text and "满意" in text


def test_the_results_page_escapes_comments_and_hides_small_groups(login, personas, closed_survey):
    from vanguard.surveys import results

    url = reverse("surveys:results", args=[closed_survey.pk])
    body = login(personas["office"]).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;b&gt;好&lt;/b&gt;" in body and "<b>好</b>" not in body
    result = results.compute(closed_survey)
    hidden = [p for p in [*result.by_method, *result.by_group] if not p.shown]
    assert hidden  # 4 answers spread over methods and groups: some are too small to show
    assert body.count("fewer than 3 responses: not shown") == len(hidden)


def test_the_unit_page_shows_the_survey_panel_to_the_upper_level(login, personas, closed_survey):
    url = reverse(
        "campaigns:unit", args=[closed_survey.enrollment.campaign_id, closed_survey.enrollment_id]
    )
    assert 'id="survey-panel"' in login(personas["office"]).get(url).content.decode()
    assert 'id="survey-panel"' not in login(personas["alice"]).get(url).content.decode()
    services.publish_results(closed_survey, acting=None)
    assert 'id="survey-panel"' in login(personas["alice"]).get(url).content.decode()


# -- query budgets ------------------------------------------------------------------------


def _queries(client, url) -> int:
    cache.clear()  # count the figures computed, not served from the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _surveyed_unit(tree, batch, code):
    unit = Organization.objects.add_child(tree["root"], dict(code=code, name=code, kind="branch"))
    enrollment = campaign_services.enroll(batch, unit)
    survey = services.create_survey(
        enrollment, opens_on=date(2024, 11, 1), closes_on=CLOSES, acting=None
    )
    services.store_frame(survey, Method.REPRESENTATIVES, people(4), filename="r", acting=None)
    issued = services.issue_codes(survey, channel=Channel.SLIP, acting=None)
    open_(survey)
    for _invitation, code_ in issued:
        services.submit_response(code_, answers(), today=DURING)
    close(survey, today=CLOSES)
    return survey


def test_the_index_queries_do_not_grow_with_units(login, personas, tree, batches, enrollments):
    client = login(personas["office"])
    url = reverse("surveys:index", args=[batches[0].campaign_id])
    _surveyed_unit(tree, batches[1], "X1")
    few = _queries(client, url)
    for index in range(5):
        _surveyed_unit(tree, batches[1], f"Y{index}")
    assert _queries(client, url) == few


def test_the_survey_and_results_pages_do_not_grow_with_people(login, personas, survey):
    client = login(personas["office"])
    services.store_frame(
        survey, Method.REPRESENTATIVES, people(3, groups=("群众代表",)), filename="r", acting=None
    )
    issued = services.issue_codes(survey, channel=Channel.SLIP, acting=None)
    open_(survey)
    detail = reverse("surveys:detail", args=[survey.pk])
    few = _queries(client, detail)
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.DRAFT)
    survey.refresh_from_db()
    services.store_frame(survey, Method.RANDOM_SAMPLE, people(300), filename="l", acting=None)
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.OPEN)
    survey.refresh_from_db()
    assert _queries(client, detail) == few
    services.submit_response(issued[0][1], answers(comment="一"), today=DURING)
    close(survey, today=CLOSES)
    page = reverse("surveys:results", args=[survey.pk])
    few_results = _queries(client, page)
    Response_ = survey.responses.model
    Response_.objects.bulk_create(
        [
            Response_(
                survey=survey,
                method="random_sample",
                group="教师",
                overall="satisfied",
                comment="二",
            )
            for _ in range(50)
        ]
    )
    assert _queries(client, page) == few_results


def test_the_unit_panel_takes_at_most_three_queries(closed_survey, personas):
    from django.template import Context, Template

    from vanguard.accounts.access import Scope
    from vanguard.campaigns.models import Enrollment

    template = Template("{% load surveys_tags %}{% survey_panel enrollment %}")
    # As the unit page has them: the scope resolved, the enrolment with its unit and campaign.
    scope = Scope.for_user(personas["office"])
    scope.read_paths  # noqa: B018
    enrollment = Enrollment.objects.select_related("campaign", "organization", "batch").get(
        pk=closed_survey.enrollment_id
    )
    with CaptureQueriesContext(connection) as captured:
        html = template.render(Context({"scope": scope, "enrollment": enrollment}))
    # 1 the unit's surveys, 2 the latest one's answers counted, 3 its invitations counted
    assert "survey-panel" in html and len(captured) == 3


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("office", "leader")])
def test_the_results_pdf_is_refused_like_the_results(login, personas, closed_survey, persona):
    url = reverse("surveys:results-pdf", args=[closed_survey.pk])
    assert export(login(personas[persona]), url).status_code == READ_MATRIX[persona]


@pytest.mark.parametrize(
    "name",
    [
        "surveys:dates",
        "surveys:announce",
        "surveys:draw",
        "surveys:codes",
        "surveys:open",
        "surveys:close",
        "surveys:publish",
    ],
)
def test_every_change_needs_a_login(client, survey, name):
    response = client.post(reverse(name, args=[survey.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_importing_and_the_list_page_need_a_login(client, survey):
    frame = services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(3), filename="l.xlsx", acting=None
    )
    for url in (
        reverse("surveys:frame-import", args=[survey.pk, Method.RANDOM_SAMPLE]),
        reverse("surveys:frame", args=[frame.pk]),
        reverse("surveys:results-pdf", args=[survey.pk]),
    ):
        response = client.post(url) if "lists" in url or "results" in url else client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_list_page_masks_phone_numbers(login, personas, survey):
    frame = services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(3), filename="l.xlsx", acting=None
    )
    body = login(personas["office"]).get(reverse("surveys:frame", args=[frame.pk])).content.decode()
    assert "138****0002" in body and "13800000002" not in body


def test_no_code_is_issued_when_the_slips_cannot_be_made(login, personas, open_survey):
    from unittest import mock

    client = login(personas["office"])
    client.raise_request_exception = False
    with mock.patch("vanguard.surveys.views.surveys.pdf_response", side_effect=OSError("no pango")):
        response = client.post(reverse("surveys:codes", args=[open_survey.pk]), {"channel": "slip"})
    assert response.status_code == 500
    assert not Invitation.objects.filter(issued_on__isnull=False).exists()
