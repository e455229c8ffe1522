"""Setting a campaign up in the browser (issue 16): templates, starting a campaign, batches,
bulk enrolment with its refusals, ending and archiving (read-only afterwards).

The services refuse anyone but the office (and superusers) without a view in between; the
pages answer 404 to everyone else."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.conftest import TEMPLATE, make_user
from vanguard.accounts.access import Scope
from vanguard.accounts.models import User
from vanguard.campaigns import services
from vanguard.campaigns.models import (
    Batch,
    Campaign,
    CampaignReadOnly,
    CampaignState,
    Enrollment,
    StepStatus,
    StoredTemplate,
)
from vanguard.campaigns.template import TemplateError, load_template, shipped_template_path
from vanguard.campaigns.template_lines import key_lines, problem_line
from vanguard.orgs.excel import WorkbookError
from vanguard.orgs.models import Organization, OrgCategory, OrgKind

TODAY = timezone.localdate()


def scope_of(user):
    return Scope.for_user(user)


def shipped_text() -> str:
    return shipped_template_path(TEMPLATE).read_text(encoding="utf-8")


@pytest.fixture
def running(tree):
    """A campaign running now, with one batch of the coming months."""
    campaign = services.create_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        code="next",
        title="下一次活动",
        organization=tree["root"],
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=365),
        acting=None,
    )
    services.create_batch(
        campaign,
        title="第一批",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=180),
        acting=None,
    )
    return campaign


@pytest.fixture
def batch(running):
    return running.batches.get()


# -- template lines ------------------------------------------------------------------------


def test_every_problem_of_an_uploaded_template_has_its_key_and_line(db):
    text = shipped_text().replace('code = "study"', 'code = "Study"', 1)
    text = text.replace("min_study_hours = ", "min_study_hourz = ", 1)
    with pytest.raises(TemplateError) as raised:
        services.store_template(text, filename="t.toml", acting=None)
    lines = key_lines(text)
    placed = {p.key: problem_line(p, lines) for p in raised.value.problems}
    source = text.splitlines()
    assert 'code = "Study"' in source[placed["phases[1].code"] - 1]
    assert "min_study_hourz" in source[placed["thresholds.min_study_hourz"] - 1]
    # a missing key is placed at its table
    assert source[placed["thresholds.min_study_hours"] - 1].strip() == "[thresholds]"
    assert StoredTemplate.objects.count() == 0


def test_a_syntax_error_is_placed_at_its_line(db):
    text = shipped_text().replace('title = "学习动员"', 'title = "学习动员', 1)
    with pytest.raises(TemplateError) as raised:
        services.store_template(text, filename="t.toml", acting=None)
    (problem,) = raised.value.problems
    line = problem_line(problem, key_lines(text))
    assert 'title = "学习动员' in text.splitlines()[line - 1]


def test_nested_tables_are_numbered_like_the_checker():
    text = '[[phases]]\ncode = "a"\n[[phases.steps]]\ncode = "x"\n[[phases]]\ncode = "b"\n'
    text += '[[phases.steps]]\ncode = "y"\n[[phases.steps]]\ntitle = "z"\n'
    lines = key_lines(text)
    assert lines["phases[2].steps[2].title"] == 10
    assert lines["phases[2].steps[1].code"] == 8
    assert lines["phases[1]"] == 1


# -- services refuse outsiders ---------------------------------------------------------------


def set_up_actions(campaign, batch, organization):
    return {
        "store_template": lambda acting: services.store_template(
            shipped_text(), filename="t.toml", acting=acting
        ),
        "create_campaign": lambda acting: services.create_campaign(
            campaign.rules,
            code="other",
            title="t",
            organization=organization,
            starts_on=TODAY,
            ends_on=TODAY,
            acting=acting,
        ),
        "create_batch": lambda acting: services.create_batch(
            campaign, title="b", starts_on=TODAY, ends_on=TODAY, acting=acting
        ),
        "update_batch": lambda acting: services.update_batch(
            batch, title="b", starts_on=TODAY, ends_on=TODAY, acting=acting
        ),
        "enroll_units": lambda acting: services.enroll_units(batch, [organization], acting=acting),
        "end_campaign": lambda acting: services.end_campaign(campaign, acting=acting),
    }


@pytest.mark.parametrize(
    "action",
    ["store_template", "create_campaign", "create_batch", "update_batch", "enroll_units",
     "end_campaign"],
)  # fmt: skip
@pytest.mark.parametrize("persona", ["leader", "alice", "bob", "liaison", "charlie"])
def test_set_up_services_refuse_everyone_but_the_office(
    personas, tree, running, batch, action, persona
):
    call = set_up_actions(running, batch, tree["A"])[action]
    with pytest.raises(PermissionDenied):
        call(scope_of(personas[persona]))
    assert Enrollment.objects.count() == 0
    running.refresh_from_db()
    assert running.state == CampaignState.ACTIVE


def test_an_office_of_a_unit_below_cannot_set_up_a_campaign_led_above(tree, running, batch):
    office_b = scope_of(make_user("office_b", "office", tree["B"]))
    with pytest.raises(PermissionDenied):
        services.create_batch(running, title="b", starts_on=TODAY, ends_on=TODAY, acting=office_b)
    with pytest.raises(PermissionDenied):  # nor lead one from above its node
        set_up_actions(running, batch, tree["root"])["create_campaign"](office_b)


def test_the_office_and_a_superuser_set_up(personas, tree, running, batch):
    office = scope_of(personas["office"])
    services.create_batch(running, title="第二批", starts_on=TODAY, ends_on=TODAY, acting=office)
    admin = User.objects.create_superuser("root", password="x")
    outcome = services.enroll_units(batch, [tree["A"]], acting=scope_of(admin))
    assert [e.organization for e in outcome.enrolled] == [tree["A"]]
    assert list(running.batches.values_list("number", flat=True)) == [1, 2]


# -- batches -----------------------------------------------------------------------------------


def test_a_batch_outside_the_campaign_or_backwards_is_refused(running):
    with pytest.raises(ValidationError) as raised:
        services.create_batch(
            running,
            title="b",
            starts_on=TODAY + timedelta(days=10),
            ends_on=TODAY + timedelta(days=5),
            categories=["nosuch"],
            acting=None,
        )
    assert len(raised.value.messages) == 2
    with pytest.raises(ValidationError):
        services.create_batch(
            running,
            title="b",
            starts_on=TODAY - timedelta(days=1),
            ends_on=TODAY,
            acting=None,
        )
    assert running.batches.count() == 1


def test_editing_a_batch_keeps_the_units_plans_inside(tree, running, batch):
    (enrollment,) = services.enroll_units(batch, [tree["A"]], acting=None).enrolled
    phase = running.rules.phases[0].code
    services.save_phase_plan(
        enrollment, {phase: (TODAY + timedelta(days=10), TODAY + timedelta(days=60))}, acting=None
    )
    with pytest.raises(ValidationError, match="甲中学党总支"):
        services.update_batch(
            batch, title="改", starts_on=TODAY, ends_on=TODAY + timedelta(days=30), acting=None
        )
    services.update_batch(
        batch,
        title="改名",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=90),
        categories=["school"],
        acting=None,
    )
    batch.refresh_from_db()
    assert (batch.title, batch.categories) == ("改名", ["school"])


# -- bulk enrolment and its refusals ------------------------------------------------------------


@pytest.fixture
def outside(tree):
    return Organization.objects.add_root(
        dict(code="X", name="外系统党支部", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN)
    )


def test_each_refusal_is_explained(tree, running, batch, outside):
    services.enroll_units(batch, [tree["B"]], acting=None)
    outcome = services.enroll_units(
        batch, [tree["root"], tree["A"], tree["A1"], tree["B"], outside], acting=None
    )
    assert [e.organization for e in outcome.enrolled] == [tree["A"]]
    reasons = {org.code: reason for org, reason in outcome.refused}
    assert "不能参加" in reasons["R"] or "党委" in reasons["R"]
    assert "甲中学党总支" in reasons["A1"]  # covered by A, enrolled with it
    assert "已参加" in reasons["B"] or "第一批" in reasons["B"]
    assert "牵头" in reasons["X"]


def test_a_batch_that_has_ended_enrols_nothing(tree, running):
    past = Batch.objects.create(
        campaign=running, number=9, title="旧批", starts_on=TODAY, ends_on=TODAY
    )
    outcome = services.enroll_units(past, [tree["A"]], acting=None, today=TODAY + timedelta(days=1))
    assert outcome.enrolled == []
    assert "结束" in outcome.refused[0][1]


def test_enrol_by_category_takes_the_upper_unit(tree, running, batch):
    units = services.units_of_categories(batch, ["school"])
    assert units == [tree["A"]]  # A1 is a school branch under A


def workbook(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "参加单位"
    sheet.append(["组织编码", "组织名称"])
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def test_an_excel_list_is_all_or_nothing_with_row_and_column(tree, running, batch, outside):
    with pytest.raises(WorkbookError) as raised:
        services.enroll_from_list(
            batch,
            workbook(("A", "甲中学党总支"), ("NOPE", ""), ("B", "错的名字"), ("A", "")),
            acting=None,
        )
    problems = {(p.row, p.column) for p in raised.value.problems}
    assert problems == {(3, "组织编码"), (4, "组织名称"), (5, "组织编码")}
    assert Enrollment.objects.count() == 0
    with pytest.raises(WorkbookError) as raised:  # a refusal is a problem of its row too
        services.enroll_from_list(batch, workbook(("A",), ("X",)), acting=None)
    assert [(p.row, p.column) for p in raised.value.problems] == [(3, "组织编码")]
    assert Enrollment.objects.count() == 0
    outcome = services.enroll_from_list(batch, workbook(("A",), ("B",)), acting=None)
    assert len(outcome.enrolled) == 2


# -- ending and archiving: read-only everywhere ---------------------------------------------


def test_an_ended_campaign_refuses_every_write_with_a_message(personas, tree, running, batch):
    (enrollment,) = services.enroll_units(batch, [tree["A"]], acting=None).enrolled
    office = scope_of(personas["office"])
    services.end_campaign(running, acting=office)
    running.refresh_from_db()
    enrollment.refresh_from_db()
    step = running.rules.phases[0].steps[0].code
    writes = [
        lambda: services.record_step(enrollment, step, status=StepStatus.DONE, acting=None),
        lambda: services.save_phase_plan(enrollment, {}, acting=None),
        lambda: services.enroll_units(batch, [tree["B"]], acting=office),
        lambda: services.create_batch(
            running, title="b", starts_on=TODAY, ends_on=TODAY, acting=office
        ),
        lambda: services.enroll(batch, tree["B"]),
        lambda: services.start_remedial(enrollment, reason="r", acting=None),
    ]
    for write in writes:
        with pytest.raises(CampaignReadOnly, match="只读"):
            write()
    with pytest.raises(ValidationError):
        services.end_campaign(running, acting=office)
    services.archive_campaign(running, acting=office)
    running.refresh_from_db()
    assert running.state == CampaignState.ARCHIVED
    with pytest.raises(CampaignReadOnly, match="归档"):
        running.check_writable()


def test_only_an_ended_campaign_is_archived(running):
    with pytest.raises(ValidationError):
        services.archive_campaign(running, acting=None)


# -- pages -------------------------------------------------------------------------------------


SETUP_PAGES = ["campaigns:setup", "campaigns:setup-template", "campaigns:setup-start"]


@pytest.mark.parametrize("persona", ["leader", "alice", "bob", "liaison", "charlie"])
def test_set_up_pages_are_404_for_everyone_but_the_office(login, personas, running, batch, persona):
    client = login(personas[persona])
    urls = [reverse(name) for name in SETUP_PAGES] + [
        reverse("campaigns:setup-detail", args=[running.pk]),
        reverse("campaigns:setup-batch", args=[running.pk, batch.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("campaigns:setup-end", args=[running.pk])).status_code == 404
    running.refresh_from_db()
    assert running.state == CampaignState.ACTIVE


def test_the_office_sees_the_set_up_entry_in_its_navigation(login, personas, running):
    assert "活动设置" in login(personas["office"]).get(reverse("orgs:tree")).content.decode()
    assert "活动设置" not in login(personas["alice"]).get(reverse("orgs:tree")).content.decode()


def test_an_upload_with_a_mistake_keeps_the_text_and_lists_key_and_line(login, personas):
    client = login(personas["office"])
    text = shipped_text().replace("min_study_hours = ", "min_study_hourz = ", 1)
    upload = SimpleUploadedFile("next.toml", text.encode(), content_type="text/plain")
    response = client.post(reverse("campaigns:setup-template"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "thresholds.min_study_hourz" in page
    line = text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("min_study_hourz"))
    )
    assert f'<td class="problem-line">{line + 1}</td>' in page
    assert "min_study_hourz = " in response.context["form"]["text"].value()
    assert StoredTemplate.objects.count() == 0
    # fixed in the editor and sent again
    response = client.post(reverse("campaigns:setup-template"), {"text": shipped_text()})
    stored = StoredTemplate.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?template=uploaded:{stored.pk}")


def test_the_office_starts_a_campaign_and_adds_a_batch(login, personas, tree):
    client = login(personas["office"])
    response = client.post(
        reverse("campaigns:setup-start"),
        {
            "template": f"shipped:{TEMPLATE}",
            "code": "djxx-2026",
            "title": "党纪学习教育",
            "organization": tree["root"].pk,
            "starts_on": "2026-04-01",
            "ends_on": "2026-12-31",
        },
    )
    campaign = Campaign.objects.get(code="djxx-2026")
    assert response.status_code == 302
    response = client.post(
        reverse("campaigns:setup-batch-new", args=[campaign.pk]),
        {"title": "第一批", "starts_on": "2026-03-01", "ends_on": "2026-06-30"},
    )
    assert response.status_code == 400  # before the campaign starts: typed values kept
    assert response.context["batch_form"]["title"].value() == "第一批"
    response = client.post(
        reverse("campaigns:setup-batch-new", args=[campaign.pk]),
        {"title": "第一批", "starts_on": "2026-04-01", "ends_on": "2026-06-30"},
    )
    assert response.status_code == 302
    assert campaign.batches.get().title == "第一批"


def test_enrolling_from_the_tree_lists_the_refusals(login, personas, tree, running, batch):
    client = login(personas["office"])
    url = reverse("campaigns:setup-enroll", args=[running.pk, batch.pk])
    response = client.post(url, {"mode": "tree", "units": [tree["A"].pk, tree["A1"].pk]})
    assert response.status_code == 200
    assert list(Enrollment.objects.values_list("organization__code", flat=True)) == ["A"]
    assert "甲中学第一支部" in response.content.decode()  # refused: covered by A


def test_an_ended_campaign_hides_its_forms(login, personas, tree, running, batch):
    services.end_campaign(running, acting=None)
    client = login(personas["office"])
    page = client.get(reverse("campaigns:setup-batch", args=[running.pk, batch.pk]))
    assert b'id="tree-form"' not in page.content
    assert b'id="read-only-notice"' in page.content
    page = client.get(reverse("campaigns:setup-detail", args=[running.pk]))
    assert b'id="batch-form"' not in page.content


def test_the_batch_page_runs_a_constant_number_of_queries(
    login, personas, tree, running, batch, django_assert_max_num_queries
):
    client = login(personas["office"])
    url = reverse("campaigns:setup-batch", args=[running.pk, batch.pk])
    client.get(url)
    for number in range(20):
        Organization.objects.add_child(
            tree["root"],
            dict(code=f"N{number}", name=f"新单位{number}", kind=OrgKind.BRANCH, category="school"),
        )
    services.enroll_units(batch, list(Organization.objects.filter(code__startswith="N")),
                          acting=None)  # fmt: skip
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_the_office_dispatches_an_officer_to_units_of_a_batch(login, personas, tree, batch):
    services.enroll_units(batch, [tree["A"], tree["B"]], acting=None)
    officer = make_user("officer9")
    client = login(personas["office"])
    response = client.post(
        reverse("oversight:batch-dispatch", args=[batch.pk]),
        {"officer": officer.pk, "units": [tree["A"].pk, tree["B"].pk]},
    )
    assert response.status_code == 302
    assert officer.grants.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "officer9" in page
    assert (
        login(personas["alice"])
        .post(reverse("oversight:batch-dispatch", args=[batch.pk]), {"officer": officer.pk})
        .status_code
        == 404
    )


def test_an_ended_campaign_shows_its_unit_pages_without_forms(login, personas, enrollments):
    enrollment = enrollments["A"]
    services.end_campaign(enrollment.campaign, acting=None)
    client = login(personas["alice"])
    url = reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk])
    page = client.get(url).content.decode()
    assert 'id="campaign-read-only"' in page
    assert 'id="plan-form"' not in page
    plan_url = reverse("campaigns:unit-plan", args=[enrollment.campaign_id, enrollment.pk])
    assert client.post(plan_url).status_code == 403
    overview = login(personas["office"]).get(
        reverse("campaigns:overview", args=[enrollment.campaign_id])
    )
    assert "只读" in overview.content.decode()


def test_a_write_refused_anywhere_answers_409_with_the_reason(rf, personas, running):
    from vanguard.campaigns.middleware import CampaignReadOnlyMiddleware

    services.end_campaign(running, acting=None)
    request = rf.post("/anything/")
    request.user = personas["office"]
    request.scope = scope_of(personas["office"])
    request.htmx = False
    with pytest.raises(CampaignReadOnly) as raised:
        running.check_writable()
    response = CampaignReadOnlyMiddleware(lambda r: None).process_exception(request, raised.value)
    assert response.status_code == 409
    assert "只读" in response.content.decode()


def test_an_ended_campaign_refuses_the_phase_apps_writes_too(personas, tree, enrollments):
    """The phase apps' services ask the same check first (`Campaign.check_writable`)."""
    from vanguard.appraisal import services as appraisal
    from vanguard.rectification import services as rectification
    from vanguard.study import services as study
    from vanguard.surveys import services as surveys

    enrollment = enrollments["A"]
    campaign = enrollment.campaign
    services.end_campaign(campaign, acting=None)
    campaign.refresh_from_db()
    enrollment.refresh_from_db()
    member = tree["A1"].members.first()
    writes = [
        lambda: study.mark_five_one(campaign, member, "x", done_on=TODAY, acting=None),
        lambda: appraisal.save_self_analysis(campaign, member, text="t", submit=True, acting=None),
        lambda: rectification.record_deed(campaign, organization=tree["A"], title="t", acting=None),
        lambda: surveys.create_survey(enrollment, opens_on=TODAY, closes_on=TODAY, acting=None),
    ]
    for write in writes:
        with pytest.raises(CampaignReadOnly):
            write()
