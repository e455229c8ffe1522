"""Where a template problem is in the file: the line of a checked key.

`check_template` names each problem by its key (`phases[2].steps[1].code`, with 1-based
indices of arrays of tables); a person fixing the file in the browser also wants the line.
`key_lines(text)` scans the TOML text once and maps every table header and every
`key = value` line to its key in that notation; `problem_line` finds a problem's line (the
key itself, or the nearest enclosing table or key that is in the file, for a missing key).
A syntax error already carries its line in tomllib's message.

Pure Python, no TOML parsing beyond headers and keys: a line the scanner does not
understand is skipped, and a problem it cannot place has no line (its key still says where).
"""

from __future__ import annotations

import re
import tomllib

from vanguard.campaigns.template import TemplateProblem

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")
_SYNTAX_LINE = re.compile(r"\(at line (\d+), column \d+\)$")
_INDEX = re.compile(r"\[\d+\]$")


def _parts(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def key_lines(text: str) -> dict[str, int]:
    """Every key of the file in the checker's notation → its 1-based line number; a syntax
    error's line under the empty key."""
    lines: dict[str, int] = {}
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _SYNTAX_LINE.search(str(error))
        if found:
            lines[""] = int(found[1])
    counters: dict[str, int] = {}  # "phases" → tables seen; "phases[1].steps" → …
    current: list[str] = []  # the enclosing table's key parts, indices resolved

    def resolve(parts: list[str]) -> list[str]:
        """Header parts with the latest index of each array of tables on the way."""
        resolved: list[str] = []
        for part in parts:
            path = ".".join([*resolved, part])
            if path in counters:
                part = f"{part}[{counters[path]}]"
            resolved.append(part)
        return resolved

    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        found = _ARRAY_HEADER.match(line)
        if found:
            parts = resolve(_parts(found[1])[:-1])
            name = _parts(found[1])[-1]
            array = ".".join([*parts, name])
            counters[array] = counters.get(array, 0) + 1
            current = [*parts, f"{name}[{counters[array]}]"]
            lines.setdefault(array, number)
            lines[".".join(current)] = number
            continue
        found = _TABLE_HEADER.match(line)
        if found:
            current = resolve(_parts(found[1]))
            lines.setdefault(".".join(current), number)
            continue
        found = _KEY_LINE.match(line)
        if found:
            key = ".".join([*current, *_parts(found[1])])
            lines.setdefault(key, number)
            rest = line[found.end() :]
            if rest.count('"""') == 1 or rest.count("'''") == 1:
                in_multiline = True
    return lines


def problem_line(problem: TemplateProblem, lines: dict[str, int]) -> int | None:
    """The line of `problem` in the file whose `key_lines` are `lines`, if it can be placed."""
    if not problem.key:
        return lines.get("")
    key = problem.key
    while key:
        if key in lines:
            return lines[key]
        key = _INDEX.sub("", key) if _INDEX.search(key) else key.rpartition(".")[0]
    return None
