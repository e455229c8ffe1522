"""The benchmark: pages under a production server and bulk operations, on SQLite and
PostgreSQL, at a named scale. Writes bench/RESULTS.md.

    .venv/bin/python bench/run.py --scale city            # both databases
    .venv/bin/python bench/run.py --scale demo --databases sqlite --duration 3

For each database it generates the data once (kept in bench/data/ or the PostgreSQL
database vanguard_bench_<scale>), serves it with gunicorn (2 workers) on 127.0.0.1, and
loads each page with wrk for a bounded time: p50/p95 latency and requests per second.
Queries per request are counted in-process on the same data. For the pages whose cost is
their aggregates, the SQL those pages run is replayed alone and the page-to-SQL ratio is
printed. Bulk operations are timed in-process, each the median of a few runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
CSRF_SECRET = "b" * 32  # an unmasked CSRF secret, sent as both cookie and header
# `VANGUARD_BENCH_REDIS` (e.g. redis://127.0.0.1:6379/9): one's own database on a shared
# server — the benchmark empties it.
REDIS_URL = os.environ.get("VANGUARD_BENCH_REDIS", "redis://127.0.0.1:6379/7")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def pg_database(scale: str) -> str:
    """`vanguard_bench_<scale>`, or `VANGUARD_BENCH_PG_DB` (one's own, on a shared server)."""
    return os.environ.get("VANGUARD_BENCH_PG_DB") or f"vanguard_bench_{scale}"


def database_url(kind: str, scale: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{DATA / f'{scale}.sqlite3'}"
    return f"{PG_SERVER}/{pg_database(scale)}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanguard.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# -- data ---------------------------------------------------------------------------------


def prepare(kind: str, scale: str, seed: int) -> dict:
    """Migrate and generate once (in this process, already set up for the database);
    return the fixture: the pages to measure with their sessions and bodies."""
    from django.core.management import call_command

    from bench import fixture
    from vanguard.campaigns.models import Campaign

    call_command("migrate", verbosity=0)
    code = f"bench-{scale}"
    if not Campaign.objects.filter(code=code).exists():
        started = time.perf_counter()
        call_command("generate_data", scale, seed=seed)
        print(f"  generated {scale} on {kind} in {time.perf_counter() - started:.0f} s")
    return fixture.build(code)


def create_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


# -- the server and the load --------------------------------------------------------------


def free_port() -> int:
    """A free port: of `VANGUARD_BENCH_PORTS` (e.g. 8130-8139) when set, else any."""
    ports = os.environ.get("VANGUARD_BENCH_PORTS")
    candidates = [0]
    if ports:
        first, _, last = ports.partition("-")
        candidates = list(range(int(first), int(last or first) + 1))
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {ports}")


class Server:
    """gunicorn with 2 workers on a free loopback port."""

    def __init__(self, url: str):
        self.port = free_port()
        self.env = env = {
            **os.environ,
            "DATABASE_URL": url,
            "VANGUARD_CONN_MAX_AGE": "600",
            "VANGUARD_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # As in production: a cache shared by the workers (the figures, keyed by the
            # data revision), emptied for each page; no rate limit on loopback load.
            "VANGUARD_CACHE_URL": REDIS_URL,
            "VANGUARD_RATELIMIT": "0",
            # Plain HTTP on loopback, sessions made directly: no HTTPS redirect, no 2FA step.
            "VANGUARD_HTTPS": "0",
            "VANGUARD_REQUIRE_2FA": "0",
        }
        flush_redis()
        env.pop("VANGUARD_DEBUG", None)
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "vanguard.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        self._wait()

    def _wait(self) -> None:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)


@dataclass
class Load:
    p50: float
    p95: float
    rate: float
    errors: int
    max: float = 0.0
    over_1s: int = 0


def wrk(
    url: str, *, cookie: str, method: str, bodies: list[str], duration: int, paths=None
) -> Load:
    threads, connections = 2, 4
    headers = ["-H", f"Cookie: {cookie}"]
    env = {**os.environ, "WRK_THREADS": str(threads)}
    body_file = None
    if method == "POST":
        headers += [
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "-H",
            f"X-CSRFToken: {CSRF_SECRET}",
        ]
        # Removed below once wrk has read it.
        body_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
        if paths:  # one address per body (a one-time code in the address): "PATH BODY"
            bodies = [f"{path} {body}" for path, body in zip(paths, bodies, strict=True)]
        body_file.write("\n".join(bodies) + "\n")
        body_file.close()
        env["WRK_BODIES"] = body_file.name
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
        *headers,
        url,
    ]
    if method == "POST":
        env["WRK_METHOD"] = "POST"
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    if body_file:
        os.unlink(body_file.name)
    result = json.loads(output.strip().splitlines()[-1])
    return Load(
        result["p50"],
        result["p95"],
        result["requests"] / result["seconds"],
        result["errors"],
        result.get("max", 0.0),
        result.get("over_1s", 0),
    )


# -- in-process measurements --------------------------------------------------------------


@dataclass
class PageResult:
    name: str
    load: Load | None = None
    queries: int | None = None  # computing the page (nothing in the cache)
    warm_queries: int | None = None  # the same request again, its figures in the cache
    cold_ms: float | None = None  # computing the page in-process, median
    sql_ms: float | None = None  # its SELECTs replayed alone, median
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.cold_ms or not self.sql_ms:
            return None
        return self.cold_ms / self.sql_ms


@dataclass
class Report:
    scale: str
    pages: dict[str, dict[str, PageResult]] = field(default_factory=dict)
    bulk: dict[str, dict[str, float | str]] = field(default_factory=dict)


def request(page: dict):
    """One request in-process, as the page's user."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if page.get("session"):
        client.cookies["sessionid"] = page["session"]
    client.cookies["csrftoken"] = CSRF_SECRET
    if page["method"] == "POST":
        return client.post(
            page.get("paths", [page["path"]])[-1],
            data=page["bodies"][-1],  # wrk starts from the first
            content_type="application/x-www-form-urlencoded",
            HTTP_X_CSRFTOKEN=CSRF_SECRET,
        )
    return client.get(page["path"])


def count_queries(page: dict, *, cold: bool = True) -> tuple[int, list[str], float]:
    """Run one request in-process (with an empty cache when `cold`); return its query
    count, its SQL (for the replay) and its milliseconds."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = request(page)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 400:
        raise RuntimeError(f"{page['name']}: HTTP {response.status_code}")
    return len(captured), [query["sql"] for query in captured.captured_queries], elapsed


def replay_sql(statements: list[str], runs: int = 7) -> float:
    """Median milliseconds to run the page's aggregate SQL alone (its SELECTs)."""
    from django.db import connection

    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(kind: str, args) -> dict:
    """Measure one database in this process; return its results as plain data."""
    url = database_url(kind, args.scale)
    if kind == "postgres":
        create_pg_database(pg_database(args.scale))
    DATA.mkdir(exist_ok=True)
    setup_django(url)
    fixture = prepare(kind, args.scale, args.seed)
    pages = {}
    for page in fixture["pages"]:
        # A fresh server per page: requests of a slow page that wrk gave up on must not
        # keep the workers busy while the next page is measured.
        server = Server(url)
        try:
            pages[page["name"]] = measure_page(page, server, args.duration)
        finally:
            server.stop()
        print(f"  {page['name']}: {_page_cells(pages[page['name']])}", flush=True)
    from bench import bulk

    operations = bulk.measure(fixture)
    operations.update(cold_figures(fixture))
    for name, value in operations.items():
        print(f"  {name}: {value}", flush=True)
    return {
        "pages": {name: asdict(result) for name, result in pages.items()},
        "bulk": operations,
    }


def cold_figures(fixture: dict) -> dict:
    """The cold recomputation of all the campaign's unit figures against the reference SQL
    (`bench/reference.sql`), as rows of the bulk-operations table (seconds)."""
    from bench import reference

    result = reference.measure(fixture["campaign"])
    return {
        "all unit figures recomputed (cold)": round(result["cold_ms"] / 1000, 2),
        "reference SQL of the same figures": round(result["sql_ms"] / 1000, 2),
        "recomputed / reference SQL (target ≤ 2×)": f"{result['ratio']}×",
    }


def measure_page(page: dict, server: Server, duration: int) -> PageResult:
    result = PageResult(page["name"])
    if page.get("missing"):
        result.note = page["missing"]
        return result
    try:
        result.queries, statements, _ms = count_queries(page)
        if page["method"] == "GET":
            result.warm_queries = count_queries(page, cold=False)[0]
    except RuntimeError as error:  # the page answers an error on this data
        result.note = str(error)
        return result
    if page.get("replay"):
        result.cold_ms = statistics.median(count_queries(page)[2] for _ in range(3))
        result.sql_ms = replay_sql(statements)
    target = f"http://127.0.0.1:{server.port}{page['path']}"
    cookie = f"sessionid={page.get('session', '')}; csrftoken={CSRF_SECRET}"
    bodies, paths = page.get("bodies", []), page.get("paths")
    options = {"cookie": cookie, "method": page["method"]}
    if paths:
        # One-time codes (the in-process request spent the last): the warm-up takes the
        # first tenth and the measured run the rest, so no code is sent twice while they last.
        tenth = max(1, (len(bodies) - 1) // 10)
        wrk(target, duration=1, bodies=bodies[:tenth], paths=paths[:tenth], **options)
        rest = slice(tenth, len(bodies) - 1)
        result.load = wrk(
            target, duration=duration, bodies=bodies[rest], paths=paths[rest], **options
        )
        return result
    options["bodies"] = bodies
    if page["method"] == "GET":
        prime(target, cookie)
    wrk(target, duration=1, **options)  # warm up both workers
    result.load = wrk(target, duration=duration, **options)
    return result


def prime(url: str, cookie: str) -> float:
    """One request alone before the load, however long it takes: the page's figures are
    computed once and cached, as after any change of the data, instead of by every
    connection at once (and wrk's timeout)."""
    import urllib.request

    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _queries(result: PageResult) -> str:
    if result.warm_queries is None or result.warm_queries == result.queries:
        return str(result.queries)
    return f"{result.queries} / {result.warm_queries}"


def _cells(result: PageResult) -> list[str]:
    """p50, p95, req/s, queries, computed ms, SQL ms, ratio."""
    if result.load is None:
        return [result.note or "—", "", "", "", "", "", ""]
    if result.load.rate == 0:
        return ["> 10 000 (timeout)", "", "0", _queries(result), "", "", ""]
    return [
        f"{result.load.p50:.1f}",
        f"{result.load.p95:.1f}",
        f"{result.load.rate:.0f}" + (f" ({result.load.errors} err)" if result.load.errors else ""),
        _queries(result),
        f"{result.cold_ms:.0f}" if result.cold_ms else "",
        f"{result.sql_ms:.1f}" if result.sql_ms else "",
        f"{result.ratio:.1f}×" if result.ratio else "",
    ]


def _page_cells(result: PageResult) -> str:
    cells = zip(COLUMNS, _cells(result), strict=True)
    return " · ".join(f"{label} {cell}" for label, cell in cells if cell)


# -- the table ----------------------------------------------------------------------------


SECTION = "<!-- scale: "  # each scale's part of RESULTS.md begins with "<!-- scale: city -->"
COLUMNS = ["p50 ms", "p95 ms", "req/s", "queries", "computed ms", "SQL ms", "computed/SQL"]


def write_results(report: Report, command: str) -> str:
    kinds = list(report.pages)
    lines = [
        f"## Scale `{report.scale}`",
        "",
        f"Command: `{command}`  ",
        f"Scale: `{report.scale}` · machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()} · date: {time.strftime('%Y-%m-%d')}  ",
        "Server: gunicorn, 2 workers, loopback, Redis as the shared cache; load: wrk, "
        "2 threads, 4 connections. p50/p95 are wrk's percentiles over the run. "
        "*queries*: computing the page / the same request with its figures in the cache. "
        "*computed ms*: the page computed in-process with an empty cache (median of 3); "
        "*SQL ms*: that request's SELECTs replayed alone (median of 7).",
        "",
    ]
    names = list(dict.fromkeys(name for k in kinds for name in report.pages[k]))
    for kind in kinds:
        lines += [f"### Pages — {kind}", ""]
        lines += ["| page | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
        for name in names:
            result = report.pages[kind].get(name)
            cells = _cells(result) if result else ["—"] + [""] * 6
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["### Bulk operations (median seconds)", ""]
    bulk_names = list(dict.fromkeys(n for k in kinds for n in report.bulk.get(k, {})))
    lines += ["| operation | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
    for name in bulk_names:
        lines.append(
            f"| {name} | " + " | ".join(str(report.bulk[k].get(name, "—")) for k in kinds) + " |"
        )
    text = "\n".join(lines) + "\n"
    save_section(report.scale, text)
    return text


def save_section(scale: str, text: str) -> None:
    """Write this scale's results into bench/RESULTS.md, keeping the other scales'."""
    path = ROOT / "bench" / "RESULTS.md"
    sections = {}
    if path.exists():
        for chunk in path.read_text(encoding="utf-8").split(SECTION)[1:]:
            name, _, body = chunk.partition(" -->\n")
            sections[name.strip()] = body.strip() + "\n"
    sections[scale] = text
    order = [s for s in ("city", "province", "demo", "small", "tiny") if s in sections]
    parts = [
        "# Benchmark results\n",
        "Written by `bench/run.py`, one part per scale; what the figures mean, and what was "
        "changed to reach them, is in `docs/performance.md`.\n",
    ]
    parts += [f"{SECTION}{name} -->\n{sections[name]}" for name in order]
    path.write_text("\n".join(parts), encoding="utf-8")


def measure_live(kind: str, args) -> dict:
    """The live mode on one database, in this process (see bench/live.py)."""
    url = database_url(kind, args.scale)
    if kind == "postgres":
        create_pg_database(pg_database(args.scale))
    DATA.mkdir(exist_ok=True)
    setup_django(url)
    from bench import live

    fixture = prepare(kind, args.scale, args.seed)
    from bench import reference

    cold = reference.measure(fixture["campaign"])
    print(f"  {reference.line(cold)}", flush=True)
    setup = live.setup(fixture, seed=args.seed)
    server = Server(url)
    worker = live.worker_process(url, server.env)
    try:
        results = live.run(setup, server, args.duration, wrk, CSRF_SECRET, prime)
        rss = live.rss_mib(server)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        server.stop()
    command = ("python bench/run.py " + " ".join(sys.argv[1:])).split(" --only")[0]
    return {"table": live.table(args.scale, kind, results, rss, command, reference.line(cold))}


LIVE = "<!-- live: "


def save_live_section(scale: str, kind: str, text: str) -> None:
    """Write one `## Live — <scale> — <database>` part into bench/RESULTS.md, replacing
    its previous run and keeping everything else."""
    path = ROOT / "bench" / "RESULTS.md"
    content = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    marker = f"{LIVE}{scale} {kind} -->\n"
    end = f"<!-- /live: {scale} {kind} -->\n"
    block = f"{marker}{text.rstrip()}\n{end}"
    if marker in content and end in content:
        before, rest = content.split(marker, 1)
        content = before + block + rest.split(end, 1)[1]
    else:
        content = content.rstrip() + "\n\n" + block
    path.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city", choices=["demo", "city", "province"])
    parser.add_argument("--databases", help="sqlite,postgres (province: postgres)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--live", action="store_true", help="live mode: pages while a writer writes (bench/live.py)"
    )
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one database, in this process
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        measured = measure_live(args.only, args) if args.live else measure(args.only, args)
        Path(args.json).write_text(json.dumps(measured))
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it)")
    default = "postgres" if args.scale == "province" else "sqlite,postgres"
    kinds = (args.databases or default).split(",")
    if args.scale == "province" and "sqlite" in kinds:
        sys.exit("province runs on PostgreSQL only: --databases postgres")
    if args.live:
        command = "python bench/run.py " + " ".join(sys.argv[1:])
        for kind in kinds:
            print(f"== {kind} (live)", flush=True)
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                subprocess.run(
                    [PYTHON, __file__, *sys.argv[1:], "--only", kind, "--json", out.name],
                    check=True,
                )
                data = json.loads(Path(out.name).read_text())
            save_live_section(args.scale, kind, data["table"])
            print(data["table"])
        return
    report = Report(args.scale)
    for kind in kinds:
        print(f"== {kind}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(
                [PYTHON, __file__, *sys.argv[1:], "--only", kind, "--json", out.name],
                check=True,
            )
            data = json.loads(Path(out.name).read_text())
        report.pages[kind] = {
            name: PageResult(**{**value, "load": Load(**value["load"]) if value["load"] else None})
            for name, value in data["pages"].items()
        }
        report.bulk[kind] = data["bulk"]
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    print(write_results(report, command))


if __name__ == "__main__":
    main()
