"""The cold cost of a campaign's figures against the database's: a full recomputation of
every unit's figures (`figures.compute_units`, what the worker runs after a change that
concerns every unit) against the hand-written SQL of `reference.sql` producing the same
per-unit figures. Target: ≤ 2×.

    .venv/bin/python bench/reference.py --scale city --database postgres

(run by `bench/run.py` too, on the data it generated; standalone it needs that data).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL = (Path(__file__).with_name("reference.sql")).read_text(encoding="utf-8")
COLUMNS = [
    "enrollment",
    "windows",
    "windows_ended",
    "steps_done",
    "steps_done_without_evidence",
    "remedial_undated",
    "sessions",
    "held",
    "logged",
    "without_roll",
    "expected",
    "attended",
    "members",
    "short_of_hours",
    "hours_mismatched",
    "leaders",
    "leaders_with_notes",
    "five_ones_complete",
    "analyses_handed_in",
    "talked",
    "opinions",
    "opinions_overdue",
    "answered_late",
    "not_fed_back",
    "rounds",
    "candidates",
    "concluded",
    "meetings",
    "items",
    "items_without_owner",
    "overdue_unexplained",
    "overdue_explained",
    "published",
    "reopened",
    "surveys",
    "surveys_closed",
    "latest_survey",
    "groups",
    "heads",
    "officers",
    "officers_in_post",
    "suggestions_overdue",
    "oldest_suggestion",
]


def parameters(campaign, today) -> list:
    rules = campaign.rules
    minimum = Decimal(str(rules.thresholds.get("min_study_hours", 0)))
    return [campaign.pk, today, minimum, len(rules.five_ones)]


def reference_rows(campaign, today) -> list[dict]:
    """Each enrolled unit's figures by the reference SQL, as dicts of `COLUMNS`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SQL, parameters(campaign, today))
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def _median_ms(function, runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `function` over `runs` calls."""
    timings, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        function()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((cpu_seconds() - cpu_started) * 1000)
    return statistics.median(timings), statistics.median(cpu)


def cpu_seconds() -> float:
    """CPU seconds spent so far by this process and, on PostgreSQL, by its server process
    (same machine: `/proc/<backend pid>/stat`). On a shared machine wall time is mostly
    waiting for a core; CPU time is what the computation itself costs."""
    from django.db import connection

    spent = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server on another machine: this process's alone
            return spent
        spent += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return spent


def measure(campaign_id: int, runs: int = 3) -> dict:
    """Milliseconds (median of `runs`, wall and CPU) of the reference SQL and of a full
    recomputation of the campaign's unit figures, and their ratios."""
    from django.utils import timezone, translation

    from vanguard.campaigns import figures
    from vanguard.campaigns.models import Campaign, Enrollment

    today = timezone.localdate()

    def campaign():  # fresh: nothing parsed or loaded beforehand
        return Campaign.objects.select_related("organization").get(pk=campaign_id)

    unit_ids = list(Enrollment.objects.filter(campaign=campaign_id).values_list("pk", flat=True))
    reference_rows(campaign(), today)  # warm the database's caches for both
    with translation.override("zh-hans"):
        figures.compute_units(campaign(), unit_ids, today)  # imports, URL patterns
        sql_ms, sql_cpu = _median_ms(lambda: reference_rows(campaign(), today), runs)
        cold_ms, cold_cpu = _median_ms(
            lambda: figures.compute_units(campaign(), unit_ids, today), runs
        )
    return {
        "units": len(unit_ids),
        "sql_ms": round(sql_ms, 1),
        "cold_ms": round(cold_ms, 1),
        "ratio": round(cold_ms / sql_ms, 2) if sql_ms else None,
        "sql_cpu_ms": round(sql_cpu, 1),
        "cold_cpu_ms": round(cold_cpu, 1),
        "cpu_ratio": round(cold_cpu / sql_cpu, 2) if sql_cpu else None,
        "load": os.getloadavg()[0],
    }


def line(result: dict) -> str:
    return (
        f"cold recomputation of all {result['units']} units' figures {result['cold_ms']:.0f} ms "
        f"· reference SQL {result['sql_ms']:.0f} ms · ratio {result['ratio']}× (target ≤ 2×); "
        f"CPU {result.get('cold_cpu_ms', 0):.0f} ms against {result.get('sql_cpu_ms', 0):.0f} "
        f"ms · CPU ratio {result.get('cpu_ratio')}× · load average {result.get('load', 0):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city", choices=["demo", "city", "province"])
    parser.add_argument("--database", default="postgres", choices=["sqlite", "postgres"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one recomputation")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import run

    run.setup_django(run.database_url(args.database, args.scale))
    from vanguard.campaigns.models import Campaign

    campaign_id = Campaign.objects.get(code=f"bench-{args.scale}").pk
    if args.profile:
        profile(campaign_id)
        return
    print(line(measure(campaign_id, args.runs)))


def profile(campaign_id: int) -> None:
    import cProfile
    import pstats

    from django.utils import timezone, translation

    from vanguard.campaigns import figures
    from vanguard.campaigns.models import Campaign, Enrollment

    campaign = Campaign.objects.select_related("organization").get(pk=campaign_id)
    unit_ids = list(Enrollment.objects.filter(campaign=campaign_id).values_list("pk", flat=True))
    with translation.override("zh-hans"), cProfile.Profile() as profiler:
        figures.compute_units(campaign, unit_ids, timezone.localdate())
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
