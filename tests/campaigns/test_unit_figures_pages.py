"""The unit page and the verdict page follow the stored figures of the units they show:
a write to unit A changes A's figures (and the totals) and leaves unit B's pages served as
they were; a new version of a page's figures is rendered by one request at a time."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.campaigns.test_live_figures import _plan
from vanguard.campaigns import figures, parts
from vanguard.campaigns.views import campaign as views

pytestmark = pytest.mark.django_db

PHASES = "plan.phases"  # the verdict a unit's phase plan settles


@pytest.fixture
def rendered(monkeypatch):
    """What each rendering of a unit's verdicts and each verdict over a reach was for."""
    calls = {"unit": [], "verdict": []}
    unit_part, verdict = views.render_unit_verdicts, views.verdict_page

    def counting_unit(request, enrollment, sees_members):
        calls["unit"].append(enrollment.pk)
        return unit_part(request, enrollment, sees_members)

    def counting_verdict(campaign, scope, code, number):
        calls["verdict"].append(scope.read_paths)
        return verdict(campaign, scope, code, number)

    monkeypatch.setattr(views, "render_unit_verdicts", counting_unit)
    monkeypatch.setattr(views, "verdict_page", counting_verdict)
    return calls


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _verdict_levels(html: str) -> list[tuple[str, str]]:
    """The unit's verdicts as shown: (code, level) of each card in #unit-verdicts."""
    part = html.split('id="unit-verdicts"', 1)[1].split("recent-changes", 1)[0]
    return re.findall(r'data-verdict="([^"]+)" data-level="(\d)"', part)


def _findings_shown(html: str) -> list[str]:
    part = html.split('id="verdict-findings"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", part, re.S)
    ]


def _unit_url(enrollment):
    return reverse("campaigns:unit", args=[enrollment.campaign_id, enrollment.pk])


def _verdict_url(campaign_id, code=PHASES):
    return reverse("campaigns:verdict", args=[campaign_id, code])


def test_a_write_to_unit_a_changes_its_page_and_leaves_unit_bs(personas, enrollments, rendered):
    a, b = enrollments["A"], enrollments["B"]
    office = _as(personas["office"])
    overview = reverse("campaigns:overview", args=[a.campaign_id])
    before = {e: _verdict_levels(office.get(_unit_url(e)).content.decode()) for e in (a, b)}
    totals_before = office.get(overview).content.decode()
    assert sorted(rendered["unit"]) == sorted([a.pk, b.pk])
    assert (PHASES, "2") in before[a]  # no phase plan yet

    _plan(a)  # unit A's phase plan saved

    after = {e: _verdict_levels(office.get(_unit_url(e)).content.decode()) for e in (a, b)}
    # A's figures changed and were rendered again; B's were served as they were.
    assert (PHASES, "2") not in after[a]
    assert after[b] == before[b]
    assert sorted(rendered["unit"]) == sorted([a.pk, b.pk, a.pk])
    # The totals (the overview's figures) follow A's write.
    totals_after = office.get(overview).content.decode()
    assert totals_after != totals_before
    assert "figures-as-of" not in totals_after


def test_a_write_to_unit_a_changes_the_verdict_page_and_leaves_unit_bs_reach(
    personas, enrollments, rendered
):
    a = enrollments["A"]
    office, charlie = _as(personas["office"]), _as(personas["charlie"])  # charlie: unit B
    url = _verdict_url(a.campaign_id)
    everything_before = _findings_shown(office.get(url).content.decode())
    b_before = _findings_shown(charlie.get(url).content.decode())
    assert any(a.organization.name in finding for finding in everything_before)
    assert not any(a.organization.name in finding for finding in b_before)
    assert len(rendered["verdict"]) == 2

    _plan(a)

    everything_after = _findings_shown(office.get(url).content.decode())
    b_after = charlie.get(url).content.decode()
    # The campaign-wide page lost A's finding (the totals); unit B's reach was served as
    # it was, not computed again.
    assert not any(a.organization.name in finding for finding in everything_after)
    assert len(everything_after) == len(everything_before) - 1
    assert _findings_shown(b_after) == b_before
    assert "figures-as-of" not in b_after
    assert len(rendered["verdict"]) == 3


def test_the_unit_page_says_how_old_its_figures_are_only_when_they_are(
    personas, enrollments, monkeypatch
):
    a, b = enrollments["A"], enrollments["B"]
    office = _as(personas["office"])
    for enrollment in (a, b):
        office.get(_unit_url(enrollment))
    monkeypatch.setattr(figures, "schedule", lambda *args: None)  # no worker
    _plan(a)
    assert "figures-as-of" in office.get(_unit_url(a)).content.decode()
    assert "figures-as-of" not in office.get(_unit_url(b)).content.decode()


# -- single flight (PostgreSQL: two requests at once) --------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["unit", "verdict"])
def test_two_requests_for_a_new_version_render_it_once(page, tree, monkeypatch):
    """After unit A's write, two requests for its page at once: one renders the new
    version, the other serves the last one (saying how old) instead of rendering it too."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL")
    from tests.conftest import TEMPLATE, make_user
    from vanguard.accounts.models import Role
    from vanguard.campaigns import services
    from vanguard.campaigns.template import load_template, shipped_template_path

    campaign = services.start_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        organization=tree["root"],
        batches=[("第一批", "2024-01-01", "2024-06-30")],
    )
    enrollment = services.enroll(campaign.batches.get(), tree["A"])
    office = make_user("office", Role.OFFICE, tree["root"])
    url = _unit_url(enrollment) if page == "unit" else _verdict_url(campaign.pk)
    assert _as(office).get(url).status_code == 200  # the first version rendered
    _plan(enrollment)
    figures.state(campaign)  # the worker has caught up: a new version to render

    name = "render_unit_verdicts" if page == "unit" else "verdict_page"
    real, calls = getattr(views, name), []
    rendering, release = threading.Event(), threading.Event()

    def slow(*args):
        calls.append(args)
        rendering.set()
        release.wait(timeout=20)
        return real(*args)

    monkeypatch.setattr(views, name, slow)
    pages, errors = {}, []

    def get(who):
        try:
            pages[who] = _as(office).get(url)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    leader = threading.Thread(target=get, args=["leader"])
    leader.start()
    assert rendering.wait(timeout=30)
    get("follower")  # while the leader renders
    release.set()
    leader.join(timeout=30)
    assert not errors
    assert len(calls) == 1
    assert pages["leader"].status_code == pages["follower"].status_code == 200
    assert "figures-as-of" in pages["follower"].content.decode()
    assert "figures-as-of" not in pages["leader"].content.decode()


def _overview_row(html: str, enrollment) -> str:
    return html.split(f'<tr data-unit="{enrollment.pk}"', 1)[1].split("</tr>", 1)[0]


def test_overview_rows_follow_their_units_figures(personas, enrollments, monkeypatch):
    """The overview's rows are rendered once for what they show: after a write to unit A,
    A's row shows its new phase bars and counts, B's row is the one rendered before."""
    from collections import OrderedDict

    from django.template import loader

    from vanguard.campaigns.templatetags import campaigns_tags

    monkeypatch.setattr(campaigns_tags, "_rows", OrderedDict())  # none from other tests
    a, b = enrollments["A"], enrollments["B"]
    office = _as(personas["office"])
    overview = reverse("campaigns:overview", args=[a.campaign_id])
    before = office.get(overview).content.decode()
    assert "timeline" not in _overview_row(before, a)  # not planned yet

    rows = []
    real = loader.get_template

    def counting(name, *args, **kwargs):
        if name == "campaigns/_overview_row.html":
            rows.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr("vanguard.campaigns.templatetags.campaigns_tags.get_template", counting)
    _plan(a)
    figures.refresh(a.campaign_id, "zh-hans")  # the worker catches up
    after = office.get(overview).content.decode()
    assert 'class="timeline"' in _overview_row(after, a)
    assert _overview_row(after, b) == _overview_row(before, b)
    assert len(rows) == 1  # A's row alone


def test_the_verdict_page_keeps_each_page_of_findings_apart(personas, enrollments, monkeypatch):
    """Each page of a verdict's findings is kept on its own — what a page reads from the
    cache holds that page's findings, not every finding of the verdict — while the heading
    counts them all and the pages list each once."""
    from django.core.cache import cache

    monkeypatch.setattr(views, "FINDINGS_PER_PAGE", 1)
    a = enrollments["A"]
    office = _as(personas["office"])
    url = _verdict_url(a.campaign_id)
    first = office.get(url).content.decode()
    second = office.get(url, {"page": 2}).content.decode()
    assert len(_findings_shown(first)) == len(_findings_shown(second)) == 1
    assert len(set(_findings_shown(first) + _findings_shown(second))) == 2  # no plan: A, B
    assert "2个问题" in first  # the heading counts every finding, not the page's

    keys = []
    kept = parts.cached_part

    def recording(key, compute, **kwargs):
        keys.append(key)
        return kept(key, compute, **kwargs)

    monkeypatch.setattr(parts, "cached_part", recording)
    assert _findings_shown(office.get(url, {"page": 2}).content.decode()) == _findings_shown(second)
    (shown, _made_at) = cache.get(keys[0])
    assert (len(shown.verdict.findings), shown.count, shown.number) == (1, 2, 2)
