"""The rules of 分析评议 as plain functions of plain values: the answer deadline, when a
unit's analysis work is due, and the tally of a round's ballots.

Views, services and the compliance rules all call these, so each rule lives here only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from vanguard.appraisal import conf
from vanguard.campaigns.template import CampaignTemplate
from vanguard.campaigns.verdicts import Severity

# The template's phase of 分析评议 (五.2). Codes never change once a campaign uses them;
# a template without this phase falls back to the unit's batch (see `analysis_window`).
ANALYSIS_PHASE = "analysis"
# The threshold a template may declare for the answer deadline (not in the schema yet).
ANSWER_DAYS_THRESHOLD = "opinion_answer_days"


def answer_days(rules: CampaignTemplate, category: str | None = None) -> int:
    """Days a unit has to answer an opinion: the template's threshold if it declares one
    (with its variants per unit category), else the setting (default 15)."""
    if ANSWER_DAYS_THRESHOLD in rules.thresholds:
        return int(rules.threshold(ANSWER_DAYS_THRESHOLD, category=category))
    return conf.opinion_answer_days()


def due_date(received_on: date, rules: CampaignTemplate, category: str | None = None) -> date:
    """The last day to answer; the deadline counts from receipt and does not restart when
    the opinion is passed on (the person who raised it has been waiting since then)."""
    return received_on + timedelta(days=answer_days(rules, category))


def analysis_window(enrollment) -> tuple[date, date]:
    """When the unit's analysis work is due: its planned 分析评议 phase, or its batch when
    the phase is not planned (uses the prefetched `phases` if present)."""
    for window in enrollment.phases.all():
        if window.phase_code == ANALYSIS_PHASE:
            return window.starts_on, window.ends_on
    return enrollment.batch.starts_on, enrollment.batch.ends_on


def lateness(window: tuple[date, date], today: date) -> Severity | None:
    """How bad something missing is: failing once the window has ended, a warning while
    it runs, nothing before it starts."""
    starts_on, ends_on = window
    if today > ends_on:
        return Severity.FAILING
    if today >= starts_on:
        return Severity.WARNING
    return None


# -- tallies -------------------------------------------------------------------------------


@dataclass
class MemberTally:
    member_id: int
    name: str
    counts: dict[str, int]  # grade code → ballots giving it
    total: int

    def share(self, grade: str) -> float:
        return self.counts.get(grade, 0) / self.total * 100 if self.total else 0.0

    @property
    def leading(self) -> str | None:
        """The grade most ballots gave (the better grade on a tie), or None."""
        if not self.total:
            return None
        return max(self.counts, key=lambda code: self.counts[code]) if self.counts else None


@dataclass
class Tally:
    ballots: int
    eligible: int
    members: list[MemberTally] = field(default_factory=list)

    @property
    def turnout(self) -> float:
        return self.ballots / self.eligible * 100 if self.eligible else 0.0


def count_grades(
    ballots: Iterable[Mapping[str, str]],
    candidates: Iterable[tuple[int, str]],
    grade_codes: Iterable[str],
) -> Tally:
    """Count each candidate's grades over the ballots (each maps member id → grade).

    Grades are listed in the template's order (best first), so on a tie the better grade
    leads; `eligible` is left to the caller.
    """
    grade_codes = list(grade_codes)
    counters: dict[str, Counter] = {str(pk): Counter() for pk, _name in candidates}
    number = 0
    for ballot in ballots:
        number += 1
        for member_id, grade in ballot.items():
            if member_id in counters:
                counters[member_id][grade] += 1
    members = [
        MemberTally(
            member_id=pk,
            name=name,
            counts={code: counters[str(pk)][code] for code in grade_codes},
            total=sum(counters[str(pk)].values()),
        )
        for pk, name in candidates
    ]
    return Tally(ballots=number, eligible=0, members=members)
