"""Verdicts: the red / amber / green answer of a rule, with the evidence behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _


class Severity(IntEnum):
    OK = 0
    WARNING = 1
    FAILING = 2

    @property
    def label(self) -> str:
        return str({0: _("OK"), 1: _("Warning"), 2: _("Failing")}[self.value])

    @property
    def css(self) -> str:
        return {0: "success", 1: "warning", 2: "danger"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule: what, how bad, where, and who or when it concerns.

    A finding at `Severity.OK` is not a problem but the evidence of a green verdict: what the
    rule counted ("38 名党员，平均 41.5 学时"); `Verdict.of` keeps those apart. `threshold`
    states the template's value that applied (with its variant), `notice_ref` the notice's
    clause when it is the finding's own (a step's), `links` the records behind it as
    (label, URL) pairs — only pages every reader of the finding may open (a unit's pages
    with the unit's readers' reach, lists filtered by the reader's scope) — and `counted`
    the figure the rule counted ("已答复 12 / 15")."""

    level: Severity
    message: str
    organization: object | None = None  # an Organization
    enrollment_id: int | None = None
    members: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    threshold: str = ""
    notice_ref: str = ""
    links: tuple[tuple[str, str], ...] = ()
    counted: str = ""


class Totals(NamedTuple):
    """How many findings of each level a verdict (`Verdict.totals`) or a unit's rule
    (`figures.UnitSummary`) has in all. A tuple of numbers: thousands are kept per process
    without the garbage collector walking them."""

    failing: int = 0
    warning: int = 0
    evidence: int = 0

    @property
    def problems(self) -> int:
        return self.failing + self.warning

    @property
    def level(self) -> Severity:
        if self.failing:
            return Severity.FAILING
        return Severity.WARNING if self.warning else Severity.OK

    @classmethod
    def total(cls, many: Iterable[Totals], start: Totals | None = None) -> Totals:
        """The sum of `many` (and `start`), level by level."""
        failing, warning, evidence = start or cls()
        for one in many:
            failing, warning, evidence = failing + one[0], warning + one[1], evidence + one[2]
        return cls(failing, warning, evidence)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Totals:
        levels = [f.level for f in findings]
        return cls(
            levels.count(Severity.FAILING),
            levels.count(Severity.WARNING),
            levels.count(Severity.OK),
        )


@dataclass
class Verdict:
    code: str
    title: str
    findings: list[Finding] = field(default_factory=list)  # the problems (warning, failing)
    summary: str = ""
    shown: int | None = None  # how many findings a page lists (None: all of them)
    evidence: list[Finding] = field(default_factory=list)  # what a green rule counted
    notice_ref: str = ""  # the notice's clause the rule enforces (from the template)
    thresholds: tuple[str, ...] = ()  # the template's values the rule applies, described
    # A verdict put together from counts (`figures.CampaignTally`) lists only some of its
    # findings and evidence: how many it has in all. None: `findings` and `evidence` are all.
    totals: Totals | None = None

    @classmethod
    def of(cls, code: str, title: str, found: Iterable[Finding], **fields: Any) -> Verdict:
        """A verdict from everything a rule returned: problems and evidence apart."""
        found = list(found)
        return cls(
            code=code,
            title=title,
            findings=[f for f in found if f.level > Severity.OK],
            evidence=[f for f in found if f.level == Severity.OK],
            **fields,
        )

    def counts(self, enrollment_id: int | None = None) -> tuple[int, int]:
        """(failing, warning) findings, of one unit or of all."""
        if enrollment_id is None and self.totals is not None:
            return self.totals.failing, self.totals.warning
        findings = self.findings
        if enrollment_id is not None:
            findings = self.for_enrollment(enrollment_id)
        failing = sum(1 for f in findings if f.level == Severity.FAILING)
        return failing, sum(1 for f in findings if f.level == Severity.WARNING)

    @property
    def count(self) -> int:
        """How many findings (problems) the verdict has in all, listed or not."""
        return len(self.findings) if self.totals is None else self.totals.problems

    @property
    def evidence_count(self) -> int:
        """How many evidence findings (what a green rule counted) it has in all."""
        return len(self.evidence) if self.totals is None else self.totals.evidence

    @property
    def shown_findings(self) -> list[Finding]:
        return self.findings if self.shown is None else self.findings[: self.shown]

    @property
    def more(self) -> int:
        """Findings not listed (on their own page)."""
        return self.count - len(self.shown_findings)

    @property
    def level(self) -> Severity:
        if self.totals is not None:
            return self.totals.level
        return max((finding.level for finding in self.findings), default=Severity.OK)

    def for_enrollment(self, enrollment_id: int) -> list[Finding]:
        return [f for f in self.findings if f.enrollment_id == enrollment_id]


def worst(levels: Iterable[Severity]) -> Severity:
    return max(levels, default=Severity.OK)
