"""Before / after, in-process: one request per page as its user (cold: the cache emptied
first; served: the same request again) and a full recomputation of every unit's figures,
for the code tree at ROOT on the generated campaign `bench-<scale>`. Run it for a tree of
an earlier commit and for the working tree, back to back on the same data:

    git archive 1366986 | tar -x -C /tmp/before
    .venv/bin/python bench/compare.py /tmp/before postgres://postgres@127.0.0.1:5432/<db>
    .venv/bin/python bench/compare.py . postgres://postgres@127.0.0.1:5432/<db>

Users are those `bench/run.py --live` made (bench-office, bench-unit-admin, the leader
with liaison points, a member who checks in). Prints one JSON line: page → [cold ms,
served ms, queries cold], medians of 3; the cache is the process's own memory.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    root, url = str(Path(sys.argv[1]).resolve()), sys.argv[2]
    scale = sys.argv[3] if len(sys.argv) > 3 else "city"
    sys.path.insert(0, root)
    os.environ.update(DATABASE_URL=url, VANGUARD_HTTPS="0", VANGUARD_REQUIRE_2FA="0")
    os.environ.pop("VANGUARD_CACHE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanguard.settings")
    import django

    django.setup()
    import vanguard

    assert vanguard.__file__.startswith(root), vanguard.__file__
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone, translation

    from vanguard.accounts.models import User
    from vanguard.campaigns import figures
    from vanguard.campaigns.models import Campaign, Enrollment

    campaign = Campaign.objects.get(code=f"bench-{scale}")
    unit = Enrollment.objects.filter(campaign=campaign).order_by("-pk").first()
    pages = [
        ("campaign overview", reverse("campaigns:overview", args=[campaign.pk]), "bench-office"),
        ("unit page", reverse("campaigns:unit", args=[campaign.pk, unit.pk]), "bench-unit-admin"),
        (
            "verdict detail",
            reverse("campaigns:verdict", args=[campaign.pk, "rectification.overdue"]),
            "bench-office",
        ),
        ("leader landing", reverse("oversight:leader-home"), "bench-leader-"),
        ("member home", reverse("portal:me"), "bench-m-"),
        ("campaign hours page", reverse("study:shortfalls", args=[campaign.pk]), "bench-office"),
    ]
    results = {}
    for name, path, username in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(
            User.objects.filter(username__startswith=username).order_by("pk").first()
        )
        cold, served = [], []
        for _ in range(3):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                cold.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            started = time.perf_counter()
            client.get(path)
            served.append((time.perf_counter() - started) * 1000)
        results[name] = [
            round(statistics.median(cold)),
            round(statistics.median(served)),
            len(captured),
        ]
    ids = list(Enrollment.objects.filter(campaign=campaign).values_list("pk", flat=True))
    timings = []
    with translation.override("zh-hans"):
        for _ in range(3):
            fresh = Campaign.objects.select_related("organization").get(pk=campaign.pk)
            started = time.perf_counter()
            figures.compute_units(fresh, ids, timezone.localdate())
            timings.append((time.perf_counter() - started) * 1000)
    results["all unit figures recomputed"] = [round(statistics.median(timings)), None, None]
    print(json.dumps({"root": root, "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
