"""The figures a phase summary carries: a snapshot of the unit's stored verdicts.

At each submission the unit's verdicts (`campaigns.figures.unit_report`: sessions, study
hours and 参学率, opinions, rectification items … whatever modules the campaign has) are
copied into the summary as (title, text, level) lines, so the summary shows what the system
knew when the unit reported, even after the figures move on.
"""

from __future__ import annotations

from vanguard.campaigns import figures

# The rules whose figures belong in a summary, by code prefix (the reporting rules are
# about the summary itself).
LEFT_OUT = ("reporting.", "coverage.")


def snapshot(enrollment) -> list[dict]:
    report = figures.unit_report(enrollment)
    lines = []
    for verdict in report.verdicts:
        if verdict.code.startswith(LEFT_OUT):
            continue
        found = [f for f in [*verdict.evidence, *verdict.findings] if f.message]
        if not found:
            continue
        worst = max(f.level for f in found)
        lines.append(
            {
                "code": verdict.code,
                "title": str(verdict.title),
                "text": "；".join(str(f.message) for f in found[:3]),
                "level": int(worst),
            }
        )
    return lines
