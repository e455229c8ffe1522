"""Process-wide tuning of the long-running processes: the web workers (`vanguard.wsgi`)
and the background worker (`manage.py db_worker`).

**The garbage collector.** A web worker holds a few hundred thousand long-lived objects
(Django, the templates, the figures it remembers: `campaigns.figures`), and a page over a
province campaign allocates tens of thousands of small ones (a row per unit). With
CPython's default thresholds (700, 10, 10) the collector then walks the whole heap several
times per page: measured at province, the overview put together in 560 ms, 220 ms with the
thresholds below and the start-up objects frozen (`gc.freeze`: never walked again); a full
recomputation of every unit's figures 16.5 → 14.0 s (`docs/performance.md`, fifth round).
Reference cycles are still collected, less often; memory stays bounded by the memos' sizes.
"""

from __future__ import annotations

import gc

# (young objects before a collection, young collections per middle one, middle per full)
THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collector() -> None:
    """Raise the collector's thresholds and freeze what is loaded so far."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
