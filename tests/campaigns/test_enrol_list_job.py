"""The set-up's enrolment from an Excel list (组织编码) runs in the background worker
(`campaigns.enrol_list`): the page checks the form and access and starts the job; the
worker reads the list, checks access again and enrols all or nothing, each problem with its
row and column, in Chinese; the job page shows the progress and the outcome."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tests.campaigns.test_setup import workbook
from tests.reports import helpers as background
from vanguard.campaigns import services
from vanguard.campaigns.models import Enrollment
from vanguard.campaigns.template import load_template, shipped_template_path
from vanguard.campaigns.views.setup import ENROL_LIST_JOB
from vanguard.orgs.models import Organization, OrgCategory, OrgKind
from vanguard.reports.models import Job

TODAY = timezone.localdate()


@pytest.fixture
def batch(tree):
    from tests.conftest import TEMPLATE

    campaign = services.create_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        code="next",
        title="下一次活动",
        organization=tree["root"],
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=365),
        acting=None,
    )
    return services.create_batch(
        campaign, title="第一批", starts_on=TODAY, ends_on=TODAY + timedelta(days=180), acting=None
    )


def url(batch):
    return reverse("campaigns:setup-enroll-xlsx", args=[batch.campaign_id, batch.pk])


def upload(client, batch, file):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url(batch), {"file": file}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_a_good_list_is_enrolled_by_the_worker(login, personas, tree, batch):
    client = login(personas["office"])

    response = upload(client, batch, workbook(("A", "甲中学党总支"), ("B",)))

    job = background.job_of(response)  # the page started a job and sent the user to it
    assert job.name == ENROL_LIST_JOB and job.kind == Job.Kind.IMPORT
    assert job.status == Job.Status.DONE
    assert "已纳入第一批 2 个单位" in job.message
    assert job.result["next_url"] == reverse(
        "campaigns:setup-batch", args=[batch.campaign_id, batch.pk]
    )
    assert set(Enrollment.objects.values_list("organization__code", flat=True)) == {"A", "B"}
    assert not job.upload  # the list is not kept once read
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已纳入第一批 2 个单位" in page


def test_a_list_with_problems_enrols_nothing_and_names_row_and_column(login, personas, tree, batch):
    client = login(personas["office"])
    rows = (("A", "甲中学党总支"), ("NOPE", ""), ("B", "错的名字"), ("A", ""))

    job = background.job_of(upload(client, batch, workbook(*rows)))

    assert job.status == Job.Status.FAILED
    assert job.message.startswith("未纳入任何单位：名单有 3 处问题")
    problems = {(p["row"], p["column"]) for p in job.result["problems"]}
    assert problems == {(3, "组织编码"), (4, "组织名称"), (5, "组织编码")}
    assert all(p["message"] for p in job.result["problems"])
    assert Enrollment.objects.count() == 0  # all or nothing: A, although good, is not enrolled
    page = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert "组织名称" in page and "未纳入任何单位" in page


def test_a_refused_unit_is_a_problem_of_its_row(login, personas, tree, batch):
    outside = Organization.objects.add_root(
        dict(code="X", name="外系统党支部", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN)
    )
    services.enroll_units(batch, [tree["B"]], acting=None)
    client = login(personas["office"])

    job = background.job_of(upload(client, batch, workbook(("A",), ("B",), (outside.code,))))

    assert job.status == Job.Status.FAILED
    rows = [(p["row"], p["column"]) for p in job.result["problems"]]
    assert rows == [(3, "组织编码"), (4, "组织编码")]  # B enrolled already, X outside
    assert list(Enrollment.objects.values_list("organization__code", flat=True)) == ["B"]


def test_the_enrolment_reports_its_progress(tree, batch):
    steps = []
    services.enroll_from_list(
        batch, workbook(("A",)), acting=None, progress=lambda done, of: steps.append((done, of))
    )
    assert steps == [(0, 3), (1, 3), (2, 3), (3, 3)]  # reading, checks, enrolment


def test_a_form_without_a_file_keeps_the_page_and_says_why(login, personas, batch):
    client = login(personas["office"])
    not_a_list = SimpleUploadedFile("list.txt", b"not a workbook")

    response = upload(client, batch, not_a_list)

    assert response.status_code == 400
    assert 'id="workbook-form"' in response.content.decode()
    assert Job.objects.count() == 0


@pytest.mark.parametrize("persona", ["leader", "alice", "bob", "liaison", "charlie"])
def test_only_the_office_starts_it(login, personas, tree, batch, persona):
    response = upload(login(personas[persona]), batch, workbook(("A",)))

    assert response.status_code == 404
    assert Job.objects.count() == 0 and Enrollment.objects.count() == 0


def test_the_worker_checks_access_again(login, personas, tree, batch):
    """A job whose owner lost the office's rights before it ran enrols nothing."""
    client = login(personas["office"])
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(url(batch), {"file": workbook(("A",))})
    job = background.job_of(response)
    personas["office"].grants.all().delete()
    personas["office"].is_superuser = False
    personas["office"].save()
    for callback in queued:
        callback()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert Enrollment.objects.count() == 0
