"""Live figures (`campaigns.figures`): a write to one unit recomputes that unit only, the
totals follow, other units' figures stay served; after any writes the figures put together
from stored unit figures equal a full evaluation; a stale campaign is computed once."""

import threading
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.campaigns.revisions import only_unit_moves
from tests.conftest import make_member
from vanguard.campaigns import compliance, figures, parts, revision
from vanguard.campaigns.models import PhaseWindow, StepRecord, StepStatus
from vanguard.rectification.models import RectificationItem

pytestmark = pytest.mark.django_db

PLAN = [("2024-07-01", "2024-08-14"), ("2024-08-15", "2024-09-13"), ("2024-09-14", "2024-10-13")]


def _plan(enrollment, plan=PLAN):
    for phase, (start, end) in zip(enrollment.campaign.rules.phases, plan, strict=True):
        PhaseWindow.objects.update_or_create(
            enrollment=enrollment,
            phase_code=phase.code,
            defaults={"starts_on": start, "ends_on": end},
        )


def _findings(report):
    """Every finding of a report, comparable, in a canonical order."""
    return sorted(
        (
            verdict.code,
            int(f.level),
            f.message,
            f.enrollment_id or 0,
            getattr(f.organization, "pk", 0) or 0,
            f.members,
            tuple(str(d) for d in f.dates),
        )
        for verdict in report.verdicts
        for f in verdict.findings
    )


def _unit(report, enrollment):
    return [
        (verdict.code, f.message)
        for verdict in report.verdicts
        for f in verdict.findings
        if f.enrollment_id == enrollment.pk
    ]


@pytest.fixture
def computed(monkeypatch):
    """The units each computation of unit figures covered, in order."""
    calls = []
    real = compliance.evaluate_units

    def counting(campaign, unit_ids, **kwargs):
        calls.append(sorted(unit_ids))
        return real(campaign, unit_ids, **kwargs)

    monkeypatch.setattr(compliance, "evaluate_units", counting)
    return calls


def test_a_write_to_unit_a_recomputes_a_and_the_totals_not_b(enrollments, computed):
    # given: the figures of both units computed and served
    a, b = enrollments["A"], enrollments["B"]
    campaign = a.campaign
    figures.state(campaign)
    before = figures.campaign_report(campaign)
    assert computed == [sorted([a.pk, b.pk])]
    # when: unit A's plan is saved
    _plan(a)
    current = figures.state(campaign)
    after = figures.campaign_report(campaign)
    # then: A alone was computed again; A's figures and the totals changed, B's did not
    assert computed[1:] == [[a.pk]]
    assert not current.stale
    assert _unit(after, b) == _unit(before, b)
    assert _unit(after, a) != _unit(before, a)
    assert _findings(after) != _findings(before)
    assert _findings(after) == _findings(compliance.evaluate(campaign))


def test_unit_revisions_move_with_their_unit_only(enrollments, tree):
    a, b = enrollments["A"], enrollments["B"]
    units = revision.unit_revisions([a.pk, b.pk])
    everything = revision.global_revision()
    make_member(tree["A1"], "A1-900", "新党员")  # in unit A's subtree
    moved = revision.unit_revisions([a.pk, b.pk])
    assert moved[a.pk] > units[a.pk]
    assert moved[b.pk] == units[b.pk]
    assert revision.global_revision() == everything
    own = revision.own_revision(a.campaign_id)
    make_member(tree["root"], "R-900", "机关党员")  # the bureau's own: no unit's
    assert revision.own_revision(a.campaign_id) > own
    assert revision.unit_revisions([a.pk, b.pk]) == moved
    assert revision.global_revision() == everything


def test_a_dispatch_above_the_units_concerns_every_unit(enrollments, tree, personas):
    """Units' rules look for a liaison officer at or above them: one dispatched outside the
    enrolled units moves the global revision."""
    from vanguard.oversight.models import LiaisonAssignment

    everything = revision.global_revision()
    LiaisonAssignment.objects.create(
        batch=enrollments["A"].batch,
        officer=personas["office"],
        organization=tree["root"],
        dispatched_on=date(2024, 7, 1),
    )
    assert revision.global_revision() > everything


def test_bulk_writes_nobody_attributed_move_the_global_revision(enrollments):
    everything = revision.global_revision()
    StepRecord.objects.bulk_create(
        [StepRecord(enrollment=enrollments["A"], step_code="make_plan", status=StepStatus.DONE)]
    )
    assert revision.global_revision() > everything


def test_attributed_bulk_writes_move_their_unit(enrollments):
    a = enrollments["A"]
    with only_unit_moves(a, enrollments["B"]), revision.attributed_to({a.pk: a.campaign_id}):
        StepRecord.objects.bulk_create(
            [StepRecord(enrollment=a, step_code="make_plan", status=StepStatus.DONE)]
        )


def test_background_jobs_and_notifications_leave_every_figure_in_place(enrollments, personas):
    """No figure reads them: an export's progress (a hundred updates) and the notification
    scheduler's rows used to move the global revision, making every unit's figures stale."""
    from vanguard.notifications.models import Delivery, Notification
    from vanguard.reports.models import Job

    ids = [e.pk for e in enrollments.values()]
    everything, units = revision.global_revision(), revision.unit_revisions(ids)
    job = Job.objects.create(
        kind=Job.Kind.EXPORT, name="study.roster_xlsx", title="花名册", owner=personas["office"]
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=5, total=10)
    notification = Notification.objects.create(
        recipient=personas["alice"],
        event="item_overdue",
        key="live:1",
        title="整改事项已超期",
        url="/me/",
        organization=enrollments["A"].organization,
    )
    Delivery.objects.create(
        notification=notification,
        channel="email",
        address="a@example.org",
        next_attempt_at=timezone.now(),
    )
    assert revision.global_revision() == everything
    assert revision.unit_revisions(ids) == units


def test_the_page_says_how_old_figures_are_while_the_worker_has_not_caught_up(
    login, personas, enrollments, monkeypatch
):
    client = login(personas["office"])
    url = reverse("campaigns:overview", args=[enrollments["A"].campaign_id])
    assert "figures-as-of" not in client.get(url).content.decode()
    monkeypatch.setattr(figures, "schedule", lambda *args: None)  # no worker
    _plan(enrollments["A"])
    page = client.get(url).content.decode()
    assert "figures-as-of" in page and "截至" in page
    unit = reverse("campaigns:unit", args=[enrollments["A"].campaign_id, enrollments["A"].pk])
    assert "figures-as-of" in login(personas["alice"]).get(unit).content.decode()


def test_with_a_shared_cache_the_worker_refreshes_stale_figures(enrollments, monkeypatch):
    """The task path (the immediate backend runs it at once in tests)."""
    monkeypatch.setattr(parts, "cache_is_shared", lambda: True)
    campaign = enrollments["A"].campaign
    figures.state(campaign)
    queued, task = [], figures.refresh_figures

    class Counting:
        def enqueue(self, *args):
            queued.append(args)
            return task.enqueue(*args)

    monkeypatch.setattr(figures, "refresh_figures", Counting())
    _plan(enrollments["A"])
    assert not figures.state(campaign).stale
    assert queued == [(campaign.pk, "zh-hans")]


def test_with_a_shared_cache_the_first_figures_are_the_workers(enrollments, monkeypatch):
    """A fresh cache: the request waits for the worker's computation instead of computing
    the whole campaign itself (its memory stays in the worker); with no worker to do it
    within `FIRST_WAIT_SECONDS`, the request computes them."""
    monkeypatch.setattr(parts, "cache_is_shared", lambda: True)
    campaign = enrollments["A"].campaign
    queued, task = [], figures.refresh_figures

    class Worker:
        def __init__(self, runs):
            self.runs = runs

        def enqueue(self, *args):
            queued.append(args)
            return task.enqueue(*args) if self.runs else None

    monkeypatch.setattr(figures, "refresh_figures", Worker(runs=True))
    computed_by_request = []
    refresh = figures.refresh

    def refreshing(*args):
        if not queued:
            computed_by_request.append(args)
        return refresh(*args)

    monkeypatch.setattr(figures, "refresh", refreshing)
    first = figures.state(campaign)
    assert queued == [(campaign.pk, "zh-hans")] and not computed_by_request
    assert not first.stale and figures.stored_state(campaign) is not None

    cache.clear()
    queued.clear()
    monkeypatch.setattr(figures, "refresh_figures", Worker(runs=False))  # a worker down
    monkeypatch.setattr(figures, "FIRST_WAIT_SECONDS", 0.3)
    assert not figures.state(campaign).stale
    assert queued == [(campaign.pk, "zh-hans")]  # asked for, then computed here
    assert figures.stored_state(campaign) is not None


def test_a_paced_part_is_rendered_again_by_the_worker_not_by_its_reader(
    login, personas, enrollments, monkeypatch, settings
):
    """Once the overview has a last rendering that cost `FIGURES_RENDER_IN_WORKER_SECONDS`
    or more, the reader of a newer version is served that one with its time, and the worker
    renders the new version for a request like the reader's (same user, same reach); the
    next reader is served it. (The immediate backend runs the task at once in tests.) A
    cheaper part is rendered by its reader."""
    monkeypatch.setattr(parts, "cache_is_shared", lambda: True)
    settings.FIGURES_RENDER_IN_WORKER_SECONDS = 0
    rendered, render = [], parts.Render.__call__

    def recording(self):
        where = "request" if self.request.resolver_match else "worker"
        rendered.append((where, self.request.user.pk, self.function.__name__))
        return render(self)

    monkeypatch.setattr(parts.Render, "__call__", recording)
    office, unit_a = personas["office"], enrollments["A"]
    client = login(office)
    url = reverse("campaigns:overview", args=[unit_a.campaign_id])

    def row_a(page):
        return page.split(f'data-unit="{unit_a.pk}"')[1].split("</tr>")[0]

    first = client.get(url).content.decode()
    assert 'class="timeline' not in row_a(first)  # not planned yet
    assert rendered == [("request", office.pk, "overview_part")]  # nothing to serve yet

    _plan(unit_a)
    second = client.get(url).content.decode()
    assert row_a(second) == row_a(first)  # the last rendering, said to be older
    assert "figures-as-of" in second
    assert rendered[1:] == [("worker", office.pk, "overview_part")]

    third = client.get(url).content.decode()
    assert 'class="timeline' in row_a(third)  # the worker's rendering
    assert "figures-as-of" not in third
    assert len(rendered) == 2

    settings.FIGURES_RENDER_IN_WORKER_SECONDS = 60  # no rendering costs that much here
    _plan(unit_a, PLAN[::-1])
    assert "figures-as-of" not in client.get(url).content.decode()  # rendered here
    assert rendered[2:] == [("request", office.pk, "overview_part")]


def test_the_worker_renders_a_part_within_the_readers_reach(
    login, personas, enrollments, monkeypatch, settings
):
    """A liaison officer reaching unit A alone: the overview the worker renders for them
    after a write lists A, never B (the worker's request has the reader's scope)."""
    monkeypatch.setattr(parts, "cache_is_shared", lambda: True)
    settings.FIGURES_RENDER_IN_WORKER_SECONDS = 0
    by_worker = []
    render = parts.Render.__call__

    def recording(self):
        by_worker.append(self.request.resolver_match is None)
        return render(self)

    monkeypatch.setattr(parts.Render, "__call__", recording)
    unit_a, unit_b = enrollments["A"], enrollments["B"]
    client = login(personas["liaison"])
    url = reverse("campaigns:overview", args=[unit_a.campaign_id])
    pages = [client.get(url).content.decode()]
    _plan(unit_a)
    pages += [client.get(url).content.decode(), client.get(url).content.decode()]
    assert by_worker == [False, True]  # first by the reader, then by the worker
    assert 'class="timeline' in pages[2].split(f'data-unit="{unit_a.pk}"')[1].split("</tr>")[0]
    assert all(f'data-unit="{unit_b.pk}"' not in page for page in pages)


def test_namespaces_differ_by_database(monkeypatch):
    from django.conf import settings

    first = revision.namespace()
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "elsewhere")
    assert revision.namespace() != first


# -- any sequence of writes ----------------------------------------------------------------

WRITES = st.lists(
    st.tuples(
        st.sampled_from(
            ["plan", "step", "item", "overdue", "solve", "member", "bureau", "bureau-item"]
        ),
        st.sampled_from(["A", "B"]),
        st.booleans(),
    ),
    max_size=6,
)


def _write(kind, unit, flag, enrollments, tree):
    enrollment = enrollments[unit]
    org = enrollment.organization
    if kind == "plan":
        _plan(enrollment, PLAN if flag else [(s, s) for s, _e in PLAN])
    elif kind == "step":
        StepRecord.objects.update_or_create(
            enrollment=enrollment,
            step_code="make_plan",
            defaults={"status": StepStatus.DONE if flag else StepStatus.TODO, "done_on": None},
        )
    elif kind in ("item", "overdue"):
        RectificationItem.objects.create(
            campaign=enrollment.campaign,
            enrollment=enrollment,
            organization=org,
            level="organization",
            problem=f"问题{kind}",
            deadline=date(2024, 1, 1) if kind == "overdue" else None,
        )
    elif kind == "solve":
        item = RectificationItem.objects.filter(enrollment=enrollment).first()
        if item is not None:
            item.delete() if flag else RectificationItem.objects.filter(pk=item.pk).update(
                deadline=date(2030, 1, 1)
            )
    elif kind == "member":
        make_member(tree["A1"] if unit == "A" else org, f"M{Member_count()}", "党员")
    elif kind == "bureau":
        make_member(tree["root"], f"R{Member_count()}", "机关党员")
    elif kind == "bureau-item":  # the bureau's own rectification, overdue or not
        RectificationItem.objects.create(
            campaign=enrollment.campaign,
            organization=tree["root"],
            level="bureau",
            problem="机关问题",
            deadline=date(2024, 1, 1) if flag else None,
        )


def Member_count():
    from vanguard.orgs.models import Member

    return Member.objects.count() + 1


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=WRITES, read_between=st.booleans())
def test_figures_after_any_writes_equal_a_full_recomputation(
    enrollments, tree, writes, read_between
):
    cache.clear()
    campaign = enrollments["A"].campaign

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            figures.state(campaign)
            for kind, unit, flag in writes:
                _write(kind, unit, flag, enrollments, tree)
                if read_between:  # the figures and the campaign-wide part remembered
                    figures.campaign_report(campaign)
            state = figures.state(campaign)
            assert not state.stale
            assert _findings(figures.campaign_report(campaign)) == _findings(
                compliance.evaluate(campaign)
            )
            for enrollment in enrollments.values():
                assert _findings(figures.unit_report(enrollment)) == _findings(
                    compliance.evaluate_unit(enrollment)
                )
            raise Rollback
    except Rollback:
        pass
    cache.clear()


# -- single flight -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_missing_figures_compute_them_once(tree, computed, monkeypatch):
    """Two requests find no figures at once: one computes, the other waits for it."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL")
    from tests.conftest import TEMPLATE
    from vanguard.campaigns import services
    from vanguard.campaigns.template import load_template, shipped_template_path

    campaign = services.start_campaign(
        load_template(shipped_template_path(TEMPLATE)),
        organization=tree["root"],
        batches=[("第一批", date(2024, 1, 1), date(2024, 6, 30))],
    )
    services.enroll(campaign.batches.get(), tree["A"])
    follower_waiting = threading.Event()
    real_compute, real_wait = figures.compute_units, figures._wait_for

    def slow_compute(*args, **kwargs):
        follower_waiting.wait(timeout=10)  # the other request arrives meanwhile
        return real_compute(*args, **kwargs)

    def waiting(*args):
        follower_waiting.set()
        real_wait(*args)

    monkeypatch.setattr(figures, "compute_units", slow_compute)
    monkeypatch.setattr(figures, "_wait_for", waiting)
    states, errors = {}, []

    def read(name):
        try:
            states[name] = figures.state(campaign)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    leader = threading.Thread(target=read, args=["leader"])
    follower = threading.Thread(target=read, args=["follower"])
    leader.start()
    lock = figures._lock_key(campaign.pk, "zh-hans")
    while leader.is_alive() and not cache.get(lock):
        threading.Event().wait(0.01)
    follower.start()
    leader.join(timeout=30)
    follower.join(timeout=30)
    assert not errors
    assert follower_waiting.is_set()  # the follower came while the leader computed
    assert len(computed) == 1
    assert states["leader"].version == states["follower"].version


def test_a_paced_part_is_computed_again_only_after_a_pause_as_long_as_its_cost(
    settings, monkeypatch
):
    """Under steady writes every worker round makes a new version of a whole-campaign part:
    a paced part is computed again only once `FIGURES_RENDER_PACE` times its last cost has
    passed (at most `RENDER_PACE_MAX_SECONDS`); meanwhile the last one is served with the
    time of its figures."""
    from django.utils import timezone

    settings.FIGURES_RENDER_PACE = 10
    clock = [1_000_000.0]
    costs = iter([1.0, 1.0, 1.0, 3.8])  # the first two computations' start and end

    class Clock:  # `parts`' view of the time, and of what a computation costs
        time = staticmethod(lambda: clock[0])
        perf_counter = staticmethod(lambda: next(costs, 0.0))

    monkeypatch.setattr(parts, "time", Clock)
    made_before, made_now = timezone.now() - timedelta(minutes=1), timezone.now()
    calls = []

    def part(version, made_at, paced=True):
        def compute():
            calls.append(version)
            return version

        return parts.cached_part(
            version, compute, latest="latest", made_at=made_at, timeout=60, paced=paced
        )

    assert part("v1", made_before) == ("v1", None)  # cost 0 s: a pause of 0 s
    clock[0] += 0.001
    assert part("v2", made_now) == ("v2", None)  # cost 2.8 s: a pause of 5 s (the most)
    clock[0] += 4.9
    assert part("v3", made_now) == ("v2", made_now)  # within the pause: the last one
    assert part("v3", made_now, paced=False) == ("v3", None)  # a part not paced
    clock[0] += 0.2
    assert calls == ["v1", "v2", "v3"]
    settings.FIGURES_RENDER_PACE = 0
    assert part("v4", made_now) == ("v4", None)  # no pace: every version
    assert calls == ["v1", "v2", "v3", "v4"]


def test_a_page_part_is_computed_once_while_others_serve_the_last_one():
    """`parts.cached_part` (the overview's rendered part): while one request computes
    the part of a new version, a concurrent request serves the previous version's part
    with its time instead of computing it too; with no previous part it waits for the
    one computation."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    made_before, made_now = timezone.now() - timedelta(minutes=1), timezone.now()
    calls, started, release = [], threading.Event(), threading.Event()

    def compute(value):
        def run():
            calls.append(value)
            started.set()
            release.wait(timeout=10)
            return value

        return run

    def part(key, value, made_at, results):
        results.append(
            parts.cached_part(key, compute(value), latest="latest", made_at=made_at, timeout=60)
        )

    first = []
    part("v1", "old", made_before, first)
    assert first == [("old", None)]
    release.clear()
    started.clear()
    computing, serving = [], []
    leader = threading.Thread(target=part, args=["v2", "new", made_now, computing])
    leader.start()
    assert started.wait(timeout=10)
    part("v2", "other", made_now, serving)  # while the leader computes v2
    release.set()
    leader.join(timeout=10)
    assert serving == [("old", made_before)]  # the last part, said to be older
    assert computing == [("new", None)]
    assert calls == ["old", "new"]  # v2 computed once
    assert parts.cached_part("v2", compute("x"), latest="latest", made_at=made_now, timeout=60) == (
        "new",
        None,
    )

    # Nothing to serve yet: the second request waits for the first's computation.
    cache.clear()
    release.clear()
    started.clear()
    calls.clear()
    computing, waiting = [], []
    leader = threading.Thread(target=part, args=["v3", "fresh", made_now, computing])
    leader.start()
    assert started.wait(timeout=10)
    follower = threading.Thread(target=part, args=["v3", "again", made_now, waiting])
    follower.start()
    release.set()
    leader.join(timeout=10)
    follower.join(timeout=10)
    assert calls == ["fresh"]
    assert waiting == [("fresh", None)]


def test_a_process_keeps_read_figures_only_while_their_stamp_is_current(enrollments):
    """Unit figures read once are served from the process's memory while the small entry
    beside them in the cache names the same computation; once another process (the worker)
    has stored new figures for the unit, those are read — never the remembered ones."""
    from django.utils import translation

    a = enrollments["A"]
    campaign = a.campaign
    figures.state(campaign)
    first = figures.stored_units([a], campaign)[a.pk]
    assert figures.stored_units([a], campaign)[a.pk] is first  # remembered
    # another process recomputes A after a write and stores its figures
    _plan(a)
    language = translation.get_language()
    newer = figures.UnitFigures(
        ("other", 1, date(2024, 7, 1)), first.computed_at + timedelta(seconds=1), {}, [], 3
    )
    cache.set_many(
        {
            figures._unit_key(a.pk, language): newer,
            figures._stamp_key(a.pk, language): (newer.stamp, newer.computed_at, newer.level),
        }
    )
    read = figures.stored_units([a], campaign)[a.pk]
    assert read is not first and read.stamp == newer.stamp and read.steps_done == 3
