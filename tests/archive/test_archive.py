"""The inspection archive (档案, issue 18): the demo unit's ZIP, built by the background job,
holds every expected document in a folder per phase, listed in the index with its page
count; each PDF names the unit; an anonymous opinion's author appears nowhere; 党性分析 are
left out for a role that may not read them; members and outsiders get 404; the queries of
one unit's archive do not grow with its sessions and opinions.

The demo is loaded and the admin's archive built once for the module, inside an outer
transaction rolled back at the end (as in `tests/test_access_matrix.py`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests.demo_module import demo_loaded
from tests.reports.helpers import content, export, job_of, start
from vanguard.accounts.access import Scope
from vanguard.accounts.models import User
from vanguard.appraisal import services as appraisal_services
from vanguard.appraisal.models import Subject
from vanguard.archive import assemble
from vanguard.campaigns.models import Enrollment

pytestmark = pytest.mark.usefixtures("demo_media")  # the demo's files

UNIT = "市教育考试中心党支部"  # the demo's unit A (KSZX)
AUTHOR_NAME = "隐名举报人甲"
AUTHOR_PHONE = "13912340987"
EXPECTED = [  # the documents the demo unit's archive must hold, by title
    "阶段计划",
    "点名册",
    "集体学习活动记录",
    "学习笔记",
    "学时",
    "意见与反馈",
    "谈心谈话记录",
    "党性分析材料",
    "专题组织生活会记录",
    "整改清单",
    "整改进展记录",
    "简报",
    "突出问题清单",
    "督导检查记录及整改建议",
]
PHASE_FOLDERS = ["00-综合材料", "01-学习动员", "02-分析评议", "03-整改提高"]


@dataclass
class World:
    enrollment: Enrollment
    files: dict[str, bytes]  # path in the ZIP -> content
    job: object


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _unit() -> Enrollment:
    return (
        Enrollment.objects.select_related("campaign__organization", "organization", "batch")
        .prefetch_related("phases")
        .get(organization__code="KSZX")
    )


def _anonymous_opinion(enrollment: Enrollment) -> None:
    """An opinion sent anonymously with a name and a phone typed in all the same."""
    campaign = enrollment.campaign
    appraisal_services.receive_opinion(
        campaign,
        channel=campaign.rules.opinion_channels[0].code,
        subject=Subject.UNIT,
        unit=enrollment.organization,
        content="希望学习安排更贴近业务工作。",
        anonymous=True,
        author_name=AUTHOR_NAME,
        author_contact=AUTHOR_PHONE,
        acting=None,
    )


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, module_media):
    with demo_loaded(django_db_blocker, module_media), translation.override("zh-hans"):
        enrollment = _unit()
        _anonymous_opinion(enrollment)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(_user("admin_kszx"))
        url = reverse("archive:unit-build", args=[enrollment.campaign_id, enrollment.pk])
        job = job_of(start(client, url))
        download = client.get(reverse("reports:job-file", args=[job.pk]))
        yield World(enrollment, _unzip(content(download)), job)


def pdf_text(data: bytes) -> str:
    """A PDF's text without white space (a table cell's text wraps over lines)."""
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def _index(world: World) -> tuple[str, str]:
    [(path, data)] = [(p, d) for p, d in world.files.items() if p.endswith("/00-目录.pdf")]
    return path, pdf_text(data)


# -- what the demo unit's archive holds --------------------------------------------------------


@pytest.mark.django_db
def test_the_job_finishes_with_its_progress_and_expiry(world):
    job = world.job
    job.refresh_from_db()
    assert job.status == job.Status.DONE, job.message
    assert job.done == job.total > 1
    assert job.expires is not None and job.filename.endswith(".zip")


@pytest.mark.django_db
def test_every_expected_document_is_filed_and_listed_in_the_index(world):
    path, index = _index(world)
    assert path == f"{UNIT}-档案/00-目录.pdf"
    titles = [p.rsplit("/", 1)[-1].split("-", 1)[1].rsplit(".", 1)[0] for p in world.files]
    for title in EXPECTED:
        assert title in titles, title
        assert title in index, title
    assert "满意度测评结果" in index  # the demo's closed survey
    assert "阶段总结" in index  # the demo's phase summaries
    assert "页数" in index and "01-01" in index  # numbered, with their page counts


@pytest.mark.django_db
def test_one_folder_per_phase_and_numbered_documents(world):
    root = f"{UNIT}-档案/"
    folders = sorted({p[len(root) :].split("/")[0] for p in world.files if p.count("/") == 2})
    assert folders == PHASE_FOLDERS
    assert f"{root}00-综合材料/01-阶段计划.pdf" in world.files
    assert any(re.match(rf"{root}01-学习动员/\d\d-点名册\.pdf$", p) for p in world.files)
    assert any("/02-分析评议/" in p and p.endswith("党性分析材料.pdf") for p in world.files)


@pytest.mark.django_db
def test_every_pdf_has_the_units_name_and_the_index_counts_its_pages(world):
    pdfs = {p: d for p, d in world.files.items() if p.endswith(".pdf")}
    assert len(pdfs) >= len(EXPECTED)
    for path, data in pdfs.items():
        assert UNIT in pdf_text(data), path
    roster = next(d for p, d in pdfs.items() if p.endswith("-点名册.pdf"))
    pages = len(PdfReader(io.BytesIO(roster)).pages)
    _path, index = _index(world)
    # the index's row: number, title, date, page count
    row = re.search(r"01-\d\d点名册\d{4}年\d{1,2}月\d{1,2}日(\d+)01-\d\d", index)
    assert row is not None and int(row.group(1)) == pages


@pytest.mark.django_db
def test_an_anonymous_opinions_author_appears_in_no_file(world):
    assert any(p.endswith("意见与反馈.pdf") for p in world.files)
    opinions = next(d for p, d in world.files.items() if p.endswith("意见与反馈.pdf"))
    assert "贴近业务工作" in pdf_text(opinions)  # the opinion itself is there …
    assert "匿名" in pdf_text(opinions)  # … as anonymous
    for path, data in world.files.items():
        for secret in (AUTHOR_NAME, AUTHOR_PHONE):
            assert secret.encode() not in data, path
            assert secret.encode("utf-16-be") not in data, path
            if path.endswith(".pdf"):
                assert secret not in pdf_text(data), path
            if path.endswith(".xlsx"):
                for inner in _unzip(data).values():
                    assert secret.encode() not in inner, path


# -- what a role may not read ------------------------------------------------------------------


@pytest.mark.django_db
def test_self_analyses_are_left_out_for_a_role_that_may_not_read_them(world, monkeypatch):
    # given a liaison officer whose role, by the rule, may not read 党性分析
    monkeypatch.setattr(
        Scope, "can_read_self_analyses", lambda self, org: not self.has_role("liaison")
    )
    liaison = _user("liaison").access_scope()
    # when their archive is put together
    with translation.override("zh-hans"):
        archive = assemble.unit_archive(_unit(), liaison)
        [entry] = [e for e in archive.entries if e.path.endswith("党性分析材料.pdf")]
        index = pdf_text(
            assemble.render_pdf(assemble.INDEX_TEMPLATE, {"archive": archive, "made_on": None})
        )
    # then the analyses are not in it, and the index says why
    assert entry.omitted and entry.document.render is None
    assert "未收入本档案" in index and "党性分析材料" in index
    # while the unit's administrator gets them
    admin = assemble.unit_archive(_unit(), _user("admin_kszx").access_scope())
    assert not next(e for e in admin.entries if e.path.endswith("党性分析材料.pdf")).omitted


# -- access ------------------------------------------------------------------------------------


def _answer(username: str, name: str, args, method: str = "post") -> int:
    client = Client()
    client.force_login(_user(username))
    with transaction.atomic():
        response = getattr(client, method)(reverse(name, args=args))
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["archive:unit", "archive:unit-build"])
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin_kszx", {"archive:unit": 200, "archive:unit-build": 302}),
        ("liaison", {"archive:unit": 200, "archive:unit-build": 302}),
        ("guojianmin", {"archive:unit": 200, "archive:unit-build": 302}),  # the office
        ("member", {"archive:unit": 404, "archive:unit-build": 404}),  # a member of the unit
        ("admin_s01", {"archive:unit": 404, "archive:unit-build": 404}),  # another unit
    ],
)
def test_who_may_download_a_units_archive(world, name, username, status):
    enrollment = world.enrollment
    method = "get" if name == "archive:unit" else "post"
    args = [enrollment.campaign_id, enrollment.pk]
    assert _answer(username, name, args, method) == status[name]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "status"),
    [("guojianmin", 302), ("qianjun", 302), ("admin_kszx", 404), ("member", 404)],
)
def test_the_campaign_archive_is_the_offices_and_the_leaders(world, username, status):
    assert _answer(username, "archive:campaign-build", [world.enrollment.campaign_id]) == status


@pytest.mark.django_db
def test_the_job_checks_access_again(world):
    """A job queued for a unit its owner no longer reads fails without a file."""
    from vanguard.reports import jobs
    from vanguard.reports.models import Job

    owner, unit = _user("admin_s01"), world.enrollment
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        name="archive.unit",
        title="x",
        owner=owner,
        params={"args": {"campaign_pk": unit.campaign_id, "enrollment_pk": unit.pk}},
    )
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file


# -- the campaign archive ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_campaign_archive_has_its_plan_and_a_folder_per_unit(world, monkeypatch):
    # Only the plan and the index are rendered: each unit's own documents are tested above.
    monkeypatch.setattr(
        "vanguard.core.registry.archive_parts",
        lambda: [__import__("vanguard.campaigns.archive", fromlist=["x"]).unit_archive],
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(_user("guojianmin"))
    with translation.override("zh-hans"):
        url = reverse("archive:campaign-build", args=[world.enrollment.campaign_id])
        files = _unzip(content(export(client, url)))
    campaign = world.enrollment.campaign
    root = f"{campaign.title}-档案/"
    assert f"{root}00-目录.pdf" in files
    assert f"{root}00-活动材料/01-活动方案.pdf" in files
    units = {p[len(root) :].split("/")[0] for p in files if p.count("/") > 2}
    assert any(name.endswith(UNIT) for name in units)
    enrolled = Enrollment.objects.filter(campaign=campaign).count()
    assert len(units) == enrolled


# -- queries -----------------------------------------------------------------------------------


def _grow(enrollment, extra: int) -> None:
    """`extra` more study sessions and opinions in the unit."""
    from vanguard.study.models import StudySession

    campaign = enrollment.campaign
    start_on = enrollment.batch.starts_on
    for number in range(extra):
        StudySession.objects.create(
            enrollment=enrollment,
            organization=enrollment.organization,
            date=start_on + timedelta(days=number),
            starts_at=time(9),
            ends_at=time(11),
            hours=2,
            topic=f"加学 {number}",
            kind=campaign.rules.session_kinds[0].code,
        )
        appraisal_services.receive_opinion(
            campaign,
            channel=campaign.rules.opinion_channels[0].code,
            subject=Subject.UNIT,
            unit=enrollment.organization,
            content=f"意见 {number}",
            received_on=date(2024, 2, 1),
            acting=None,
        )


def _archive_queries(enrollment, scope, captured) -> int:
    with captured() as queries, translation.override("zh-hans"):
        archive = assemble.unit_archive(enrollment, scope)
        assemble.write(io.BytesIO(), archive)
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_queries_of_a_units_archive_do_not_grow(
    world, monkeypatch, django_assert_max_num_queries
):
    # The layout (WeasyPrint) is left out: the templates are still rendered, so every
    # query a document makes is counted.
    from django.template.loader import render_to_string

    blank = next(d for p, d in world.files.items() if p.endswith("阶段计划.pdf"))

    def render_pdf(template_name, context, request=None):
        render_to_string(template_name, context)
        return blank

    monkeypatch.setattr("vanguard.core.exports.render_pdf", render_pdf)
    monkeypatch.setattr(assemble, "render_pdf", render_pdf)
    scope = _user("admin_kszx").access_scope()

    def captured():
        return django_assert_max_num_queries(1000)

    few = _archive_queries(_unit(), scope, captured)
    _grow(_unit(), 12)
    many = _archive_queries(_unit(), scope, captured)
    assert many == few


# -- the buttons -------------------------------------------------------------------------------


def _page(username: str, name: str, args) -> str:
    client = Client()
    client.force_login(_user(username))
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "shown"), [("admin_kszx", True), ("member", False)])
def test_the_unit_page_offers_the_archive_to_its_staff(world, username, shown):
    enrollment = world.enrollment
    args = [enrollment.campaign_id, enrollment.pk]
    page = _page(username, "campaigns:unit", args)
    assert (reverse("archive:unit", args=args) in page) is shown


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "shown"), [("guojianmin", True), ("admin_kszx", False)])
def test_the_overview_offers_the_campaign_archive_to_the_office(world, username, shown):
    args = [world.enrollment.campaign_id]
    page = _page(username, "campaigns:overview", args)
    assert (reverse("archive:campaign", args=args) in page) is shown


# -- filing ------------------------------------------------------------------------------------


def test_documents_are_filed_by_phase_and_numbered_in_their_order():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from vanguard.core.archive import ArchiveDocument

    phases = [
        SimpleNamespace(code="study", title="学习/动员"),
        SimpleNamespace(code="x", title="空"),
    ]
    enrollment = SimpleNamespace(campaign=SimpleNamespace(rules=SimpleNamespace(phases=phases)))
    documents = [
        ArchiveDocument("十", "pdf", phase="study", order=(10,)),
        ArchiveDocument("九", "pdf", phase="study", order=(9,)),
        ArchiveDocument("证明", "txt", phase="study", order=(69, datetime(2024, 3, 1, tzinfo=UTC))),
        ArchiveDocument("抽样", "pdf", phase="study", order=(70, date(2024, 1, 1))),
        ArchiveDocument("未知阶段", "pdf", phase="gone", order=(1,)),
    ]
    with translation.override("zh-hans"):
        folders = assemble.unit_folders(enrollment, documents, "根/")
    # the general records first (a phase the template lacks is general), empty phases left out
    assert [f.path for f in folders] == ["根/00-综合材料/", "根/01-学习_动员/"]
    assert [e.path for e in folders[1].entries] == [
        "根/01-学习_动员/01-九.pdf",
        "根/01-学习_动员/02-十.pdf",
        "根/01-学习_动员/03-证明.txt",
        "根/01-学习_动员/04-抽样.pdf",
    ]
