"""The benchmark's live mode: pages under load while a writer changes the campaign.

    .venv/bin/python bench/run.py --scale city --live --databases postgres --duration 5

For each page and write rate (0, 1 and 5 writes a second) wrk loads the page while a
writer thread makes a realistic mix of writes over HTTP, each to a random unit of a dozen:
public opinions, member check-ins, roll-call saves and rectification progress notes.
gunicorn (2 workers) serves the pages and `manage.py db_worker` recomputes figures, both
sharing Redis, as in production.

Staleness: after a write (at most one every two seconds is followed), the campaign
overview and the written unit's page are polled until their figures were computed after the
write (`data-as-of` of the "as of" line, or no such line: the figures are current).

Memory: the resident size of each gunicorn worker once every page has been served.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATES = (0, 1, 5)
UNITS = 12  # units the writer writes to
CHECKIN_MEMBERS = 40  # members per unit who may check in (each once)
FOLLOW_EVERY = 2.0  # seconds between writes whose staleness is measured
STALE_GIVE_UP = 60.0
AS_OF = re.compile(r'data-as-of="([0-9.]+)"')


# -- set-up (in-process, before the servers start) -----------------------------------------


def setup(fixture: dict, seed: int = 1) -> dict:
    """Sessions, pages and the writer's targets, made once on the generated campaign."""
    from django.urls import reverse
    from django.utils import timezone

    from bench.fixture import bench_user, session_for
    from vanguard.accounts.models import Role, User
    from vanguard.campaigns.models import Campaign, Enrollment
    from vanguard.orgs.models import Member
    from vanguard.rectification.models import OPEN, RectificationItem
    from vanguard.study.models import StudySession

    rng = random.Random(seed)
    campaign = Campaign.objects.select_related("organization").get(pk=fixture["campaign"])
    enrollments = list(Enrollment.objects.filter(campaign=campaign).select_related("organization"))
    chosen = rng.sample(enrollments, min(UNITS, len(enrollments)))
    office = fixture["sessions"]["office"]
    leader = leader_session(campaign)
    liaison = session_for(bench_user("bench-liaison", Role.LIAISON, chosen[0].organization))
    kind = campaign.rules.session_kinds[0].code if campaign.rules.session_kinds else "study"
    today = timezone.localdate()
    units = []
    member_session = None
    for enrollment in chosen:
        org = enrollment.organization
        admin = session_for(bench_user(f"bench-live-{enrollment.pk}", Role.UNIT_ADMIN, org))
        session, _created = StudySession.objects.update_or_create(
            enrollment=enrollment,
            topic="基准测试：现场签到",
            defaults={
                "organization": org,
                "kind": kind,
                "date": today,
                "starts_at": clock(0, 0),
                "ends_at": clock(23, 59),
                "hours": 1,
            },
        )
        members = list(
            Member.objects.filter(organization__path__startswith=org.path).order_by("pk")[
                : CHECKIN_MEMBERS + 3
            ]
        )
        checkins = []
        for member in members[3:]:
            if member.user_id is None:
                member.user = User.objects.create(username=f"bench-m-{member.pk}")
                member.save(update_fields=["user"])
            checkins.append(session_for(member.user))
        if member_session is None and checkins:
            member_session = checkins.pop()
        items = list(
            RectificationItem.objects.filter(enrollment=enrollment, status__in=OPEN).values_list(
                "pk", flat=True
            )[:20]
        )
        units.append(
            {
                "enrollment": enrollment.pk,
                "admin": admin,
                "unit_path": reverse("campaigns:unit", args=[campaign.pk, enrollment.pk]),
                "checkin_path": reverse("study:checkin", args=[session.pk]),
                "code": session.checkin_code,
                "checkins": checkins,
                "roll_path": reverse("study:roll-call", args=[session.pk]),
                "roll_members": [m.pk for m in members[:3]],
                "note_paths": [reverse("rectification:item-note", args=[pk]) for pk in items],
            }
        )
    pages = live_pages(fixture, campaign, leader=leader, liaison=liaison, member=member_session)
    by_name = {p["name"]: p for p in fixture["pages"]}
    return {
        "pages": pages,
        "units": units,
        "office": office,
        "overview": by_name["campaign overview"]["path"],
        "opinion_bodies": (by_name.get("opinion submission (public)") or {}).get("bodies", []),
        "opinion_path": (by_name.get("opinion submission (public)") or {}).get("path"),
        "today": today.isoformat(),
    }


def leader_session(campaign) -> str:
    """A session of a bureau leader with liaison points (the generated data's first one,
    given an account), so that the leader landing shows its units' figures."""
    from bench.fixture import bench_user, session_for
    from vanguard.accounts.models import Role, RoleGrant, User
    from vanguard.oversight.models import LiaisonPoint

    point = (
        LiaisonPoint.objects.filter(campaign=campaign).select_related("leader").order_by("pk")
    ).first()
    if point is None:  # no liaison points generated: a leader without a member record
        return session_for(bench_user("bench-leader", Role.LEADER, campaign.organization))
    member = point.leader
    if member.user_id is None:
        member.user = User.objects.create(username=f"bench-leader-{member.pk}")
        member.save(update_fields=["user"])
    RoleGrant.objects.get_or_create(
        user=member.user, role=Role.LEADER, organization=campaign.organization
    )
    return session_for(member.user)


def live_pages(fixture: dict, campaign, *, leader: str, liaison: str, member: str) -> list:
    """The pages of the live mode (those of the issue), with their users' sessions."""
    from bench.fixture import page

    by_name = {p["name"]: p for p in fixture["pages"]}
    office = fixture["sessions"]["office"]
    pages = [
        by_name["campaign overview"],
        by_name["unit page"],
        page(
            "verdict detail",
            "campaigns:verdict",
            [campaign.pk, "rectification.overdue"],
            session=office,
        ),
        page("leader landing", "oversight:leader-home", session=leader),
        # A liaison officer lands on the campaign overview, as far as their units reach.
        page("liaison landing", "campaigns:overview", [campaign.pk], session=liaison),
        page("member home", "portal:me", session=member),
        page("campaign hours page", "study:shortfalls", [campaign.pk], session=office),
        by_name.get("opinion submission (public)"),
        by_name.get("public rectification list"),
    ]
    return [p for p in pages if p and not p.get("missing")]


# -- the writer ----------------------------------------------------------------------------


@dataclass
class Writer:
    """Writes at `rate` a second over HTTP until stopped; follows some writes' staleness."""

    base: str
    live: dict
    rate: float
    csrf: str
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    writes: int = 0
    failed: int = 0
    staleness: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        if not self.rate:
            return
        # Each write in its own thread, on schedule: a slow answer under load does not
        # lower the rate.
        interval = 1 / self.rate
        next_at = time.monotonic()
        last_followed = -FOLLOW_EVERY
        threads = []
        while not self.stop.is_set():
            unit = self.rng.choice(self.live["units"])
            now = time.monotonic()
            follow = now - last_followed >= FOLLOW_EVERY
            if follow:
                last_followed = now
            thread = threading.Thread(target=self.write_and_follow, args=[unit, follow])
            thread.start()
            threads.append(thread)
            next_at += interval
            self.stop.wait(max(0, next_at - time.monotonic()))
        for thread in threads:
            thread.join(timeout=STALE_GIVE_UP)

    def write_and_follow(self, unit: dict, follow: bool) -> None:
        if self.write(unit) and follow:
            self.follow(unit, time.time())  # from the write's answer: it is committed

    def write(self, unit: dict) -> bool:
        kind = self.rng.choice(["opinion", "checkin", "roll", "note"])
        if kind == "opinion" and self.live["opinion_bodies"]:
            body = self.rng.choice(self.live["opinion_bodies"])
            return self.post(self.live["opinion_path"], body, session=None)
        if kind == "checkin" and unit["checkins"]:
            session = unit["checkins"].pop()
            return self.post(unit["checkin_path"], f"code={unit['code']}", session=session)
        if kind == "note" and unit["note_paths"]:
            body = urllib.parse.urlencode(
                {
                    "noted_on": self.live["today"],
                    "progress": self.rng.randint(1, 99),
                    "text": "基准测试：整改进展",
                }
            )
            return self.post(self.rng.choice(unit["note_paths"]), body, session=unit["admin"])
        marks = {
            f"status-{pk}": self.rng.choice(["present", "absent", "late"])
            for pk in unit["roll_members"]
        }
        return self.post(unit["roll_path"], urllib.parse.urlencode(marks), session=unit["admin"])

    def post(self, path: str, body: str, *, session: str | None) -> bool:
        cookie = f"csrftoken={self.csrf}" + (f"; sessionid={session}" if session else "")
        request = urllib.request.Request(
            self.base + path,
            data=body.encode(),
            headers={
                "Cookie": cookie,
                "X-CSRFToken": self.csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with _no_redirects.open(request, timeout=30) as response:
                ok = response.status < 400
        except urllib.error.HTTPError as error:
            ok = error.code in (301, 302, 303)
        except OSError:
            ok = False
        self.writes += ok
        self.failed += not ok
        return ok

    def follow(self, unit: dict, written_at: float) -> None:
        """Seconds until the overview and the unit's page show figures from after the
        write (the larger of the two)."""
        targets = [(self.live["overview"], self.live["office"]), (unit["unit_path"], unit["admin"])]
        waited = 0.0
        for path, session in targets:
            while True:
                elapsed = time.time() - written_at
                if elapsed > STALE_GIVE_UP:
                    waited = max(waited, elapsed)
                    break
                if _current(self.base + path, session, written_at):
                    waited = max(waited, time.time() - written_at)
                    break
                time.sleep(0.2)
        self.staleness.append(waited)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_no_redirects = urllib.request.build_opener(
    _NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
)


def _current(url: str, session: str, written_at: float) -> bool:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
    except OSError:
        return False
    match = AS_OF.search(text)
    return match is None or float(match.group(1)) >= written_at


# -- the run -------------------------------------------------------------------------------


@dataclass
class LiveResult:
    page: str
    rate: int
    p50: float
    p95: float
    max: float
    rps: float
    over_1s: int
    errors: int
    writes: int
    staleness: list


def worker_process(url: str, env: dict) -> subprocess.Popen:
    import sys

    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.5"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def run(live: dict, server, duration: int, wrk, csrf: str, prime) -> list[LiveResult]:
    base = f"http://127.0.0.1:{server.port}"
    results = []
    for page in live["pages"]:
        cookie = f"sessionid={page.get('session') or ''}; csrftoken={csrf}"
        options = {"cookie": cookie, "method": page["method"], "bodies": page.get("bodies", [])}
        target = base + page["path"]
        if page["method"] == "GET":
            prime(target, cookie)
        for rate in RATES:
            writer = Writer(base, live, rate, csrf)
            thread = threading.Thread(target=writer.run)
            thread.start()
            try:
                load = wrk(target, duration=duration, **options)
            finally:
                writer.stop.set()
                thread.join(timeout=STALE_GIVE_UP + 5)
            result = LiveResult(
                page["name"],
                rate,
                load.p50,
                load.p95,
                load.max,
                load.rate,
                load.over_1s,
                load.errors,
                writer.writes,
                writer.staleness,
            )
            print(f"  {_row(result)}", flush=True)
            results.append(result)
    return results


def rss_mib(server) -> list[float]:
    """Resident size of each gunicorn worker (children of the master), MiB."""
    out = subprocess.run(
        ["ps", "--ppid", str(server.process.pid), "-o", "rss="],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [int(line) / 1024 for line in out.split()]


def _staleness(values: list) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.1f} (max {max(values):.1f})"


def _row(r: LiveResult) -> str:
    errors = f" ({r.errors} err)" if r.errors else ""
    return (
        f"| {r.page} | {r.rate} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | "
        f"{r.rps:.0f}{errors} | {r.over_1s} | {_staleness(r.staleness)} |"
    )


def table(
    scale: str, kind: str, results: list[LiveResult], rss: list[float], command: str, cold=""
):
    lines = [
        f"## Live — {scale} — {kind}",
        "",
        f"Command: `{command}` · {time.strftime('%Y-%m-%d %H:%M')} · 2 cores shared with "
        "other work (noisy). gunicorn 2 workers + `db_worker` (0.5 s poll), Redis; wrk 2 "
        "threads, 4 connections. *writes/s*: the writer's target rate (writes done in the "
        "run in the last column's note). *staleness s*: median (max) seconds from a write "
        "until the overview and the unit's page show figures computed after it.",
        "",
        "| page | writes/s | p50 ms | p95 ms | max ms | req/s | > 1 s | staleness s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_row(r) for r in results]
    writes = sum(r.writes for r in results)
    lines += [
        "",
        f"Writes made: {writes}. Worker RSS after every page: "
        + ", ".join(f"{value:.0f} MiB" for value in rss),
        "",
    ]
    if cold:
        lines += [f"Cold cost, in-process before the load: {cold} (`bench/reference.py`).", ""]
    return "\n".join(lines)
