"""Generates a whole campaign at a named scale, deterministically from a seed: the
foundation, then each phase app's data through its registered generator
(`PhaseApp.data_generator`, a module with `generate(generated, scale, rng)`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import connection, transaction

from vanguard.core import registry
from vanguard.datagen import foundation
from vanguard.datagen.scales import SCALES


def generate_campaign(
    scale_name: str, *, seed: int = 1, code: str | None = None, log: Callable = print
):
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    code = code or f"bench-{scale_name}"
    started = time.perf_counter()
    with transaction.atomic():
        generated = foundation.generate(scale, rng, code)
    log(f"foundation: {time.perf_counter() - started:.1f} s")
    for module, generator in registry.data_generators():
        started = time.perf_counter()
        with transaction.atomic():
            generator.generate(generated, scale, random.Random(f"{seed}-{module}"))
        log(f"{module}: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    analyze()
    log(f"analyze: {time.perf_counter() - started:.1f} s")
    return generated


def analyze() -> None:
    """Refresh the planner's statistics after loading in bulk: until autovacuum comes round,
    PostgreSQL plans for tables it believes nearly empty (the roster scanned all 480,000
    marks: 120 ms instead of 20)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
