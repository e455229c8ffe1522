"""Verdicts: the red / amber / green answer of a rule, with the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

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
    """One problem found by a rule: what, how bad, where, and who or when it concerns."""

    level: Severity
    message: str
    organization: object | None = None  # an Organization
    enrollment_id: int | None = None
    members: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()


@dataclass
class Verdict:
    code: str
    title: str
    findings: list[Finding] = field(default_factory=list)
    summary: str = ""
    shown: int | None = None  # how many findings a page lists (None: all of them)

    @property
    def shown_findings(self) -> list[Finding]:
        return self.findings if self.shown is None else self.findings[: self.shown]

    @property
    def more(self) -> int:
        """Findings not listed (on their own page)."""
        return len(self.findings) - len(self.shown_findings)

    @property
    def level(self) -> Severity:
        return max((finding.level for finding in self.findings), default=Severity.OK)

    def for_enrollment(self, enrollment_id: int) -> list[Finding]:
        return [f for f in self.findings if f.enrollment_id == enrollment_id]


def worst(levels) -> Severity:
    return max(levels, default=Severity.OK)
