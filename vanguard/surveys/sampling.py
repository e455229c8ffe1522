"""The seeded, verifiable draw of a satisfaction survey's random sample.

Pure Python with no Django import, so that the survey service, the `verify_draw` command
and anyone re-implementing docs/sampling.md get the same sample from the same frame.

- The frame's **fingerprint** is SHA-256 of a canonical serialisation of its rows in file
  order (`canonical_frame`).
- Each row's **key** is SHA-256 of the seed, the fingerprint and the row number.
- Each stratum takes its rows with the smallest keys; stratum sizes come from the shares
  by the largest-remainder rule, so they sum exactly to the sample size.

Errors are `DrawError`s carrying a `kind` and parameters; callers word them for people.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

ALGORITHM = "vanguard-draw-v1"
FRAME_HEADER = "vanguard-frame-v1"
SEED_MAX_LENGTH = 200

_SPACE = re.compile(r"\s+")


class DrawError(ValueError):
    """A draw that cannot be made. `kind` names the reason; `params` fill the message.

    Kinds: empty_seed, seed_too_long, bad_size, too_few_rows, bad_strata, bad_share,
    unknown_group, stratum_too_small.
    """

    def __init__(self, kind: str, **params) -> None:
        self.kind = kind
        self.params = params
        super().__init__(f"{kind}: {params}")


@dataclass(frozen=True)
class FrameRow:
    """One person of a sampling frame, as the file has them (only what delivery needs)."""

    number: int  # the row number as the spreadsheet shows it (the header is row 1)
    name: str
    group: str
    phone: str = ""
    address: str = ""


def normalise(text: object) -> str:
    """Text as the algorithm reads it: Unicode NFC, runs of white space (tabs and line
    breaks included) as one space, no leading or trailing space."""
    if text is None:
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def canonical_frame(rows: Iterable[FrameRow]) -> bytes:
    """The bytes the fingerprint is taken of: a header line, then one line per row in file
    order — row number, name, group, phone, address, normalised and joined by tabs."""
    lines = [FRAME_HEADER]
    for row in rows:
        fields = (row.name, row.group, row.phone, row.address)
        lines.append("\t".join([str(row.number), *(normalise(field) for field in fields)]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def fingerprint(rows: Iterable[FrameRow]) -> str:
    """The frame's fingerprint: SHA-256 of `canonical_frame(rows)`, as 64 hex digits."""
    return hashlib.sha256(canonical_frame(rows)).hexdigest()


def row_key(seed: str, frame_fingerprint: str, number: int) -> bytes:
    """SHA-256 of "seed LF fingerprint LF row number" (UTF-8): the row's place in the draw."""
    text = f"{normalise(seed)}\n{frame_fingerprint}\n{number}"
    return hashlib.sha256(text.encode("utf-8")).digest()


def check_seed(seed: str) -> str:
    seed = normalise(seed)
    if not seed:
        raise DrawError("empty_seed")
    if len(seed) > SEED_MAX_LENGTH:
        raise DrawError("seed_too_long", max=SEED_MAX_LENGTH)
    return seed


def parse_strata(text: str) -> dict[str, Fraction]:
    """Shares by group from "家长=50, 教师=30, 社区居民=20" (any positive numbers; only
    their proportions matter). Empty text means no strata."""
    strata: dict[str, Fraction] = {}
    for part in (p for p in re.split(r"[,，;；\n]", text or "") if p.strip()):
        group, sep, share = part.rpartition("=")
        if not sep:
            group, sep, share = part.rpartition("＝")
        group = normalise(group)
        if not sep or not group:
            raise DrawError("bad_strata", part=normalise(part))
        if group in strata:
            raise DrawError("bad_strata", part=normalise(part))
        strata[group] = _share(share)
    return strata


def _share(text: object) -> Fraction:
    try:
        share = Fraction(normalise(text))
    except (ValueError, ZeroDivisionError):
        raise DrawError("bad_share", share=normalise(text)) from None
    if share <= 0:
        raise DrawError("bad_share", share=normalise(text))
    return share


def format_strata(strata: Mapping[str, Fraction | int | str]) -> str:
    """The inverse of `parse_strata`, groups in code-point order."""
    return ", ".join(f"{group}={share_text(strata[group])}" for group in sorted(strata))


def share_text(share: Fraction | int | str) -> str:
    """A share as short text: 50, 0.5 or 1/3."""
    share = Fraction(share) if not isinstance(share, Fraction) else share
    if share.denominator == 1:
        return str(share.numerator)
    decimal = share.numerator / share.denominator
    return str(decimal) if Fraction(str(decimal)) == share else str(share)


def allocate(
    size: int, strata: Mapping[str, Fraction | int | str], available: Mapping[str, int]
) -> dict[str, int]:
    """Stratum sizes for a sample of `size`, proportional to the shares.

    Each stratum gets the whole part of size × share ÷ total; the rows left over go one each
    to the strata with the largest fractional parts, ties broken by group name in Unicode
    code-point order. The sizes sum exactly to `size`, and each differs from its exact
    quota by less than one. A stratum needing more rows than `available` has is refused.
    """
    shares = {normalise(group): _share(share) for group, share in strata.items()}
    if not shares:
        raise DrawError("bad_strata", part="")
    for group in sorted(shares):
        if available.get(group, 0) == 0:
            raise DrawError("unknown_group", group=group)
    total = sum(shares.values())
    quotas = {group: size * share / total for group, share in shares.items()}
    sizes = {group: math.floor(quota) for group, quota in quotas.items()}
    left = size - sum(sizes.values())
    by_remainder = sorted(shares, key=lambda group: (-(quotas[group] - sizes[group]), group))
    for group in by_remainder[:left]:
        sizes[group] += 1
    for group in sorted(sizes):
        if sizes[group] > available[group]:
            raise DrawError(
                "stratum_too_small", group=group, needed=sizes[group], available=available[group]
            )
    return sizes


@dataclass(frozen=True)
class DrawSpec:
    """What a draw is a function of, besides the frame."""

    seed: str
    size: int
    strata: Mapping[str, Fraction | int | str] | None = None


def draw(rows: Sequence[tuple[int, str]], frame_fingerprint: str, spec: DrawSpec) -> list[int]:
    """The selected row numbers, in ascending order.

    `rows` are (row number, group) pairs of the frame; `frame_fingerprint` is the
    fingerprint of the whole frame (the file's rows). Without strata every row is in one
    stratum; with strata, rows of groups not named get no chance.
    """
    seed = check_seed(spec.seed)
    size = spec.size
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise DrawError("bad_size")
    numbers_by_group: dict[str, list[int]] = defaultdict(list)
    for number, group in rows:
        numbers_by_group[normalise(group)].append(number)
    if spec.strata:
        available = {group: len(numbers) for group, numbers in numbers_by_group.items()}
        sizes = allocate(size, spec.strata, available)
        strata = {group: numbers_by_group[group] for group in sizes}
    else:
        if size > len(rows):
            raise DrawError("too_few_rows", size=size, available=len(rows))
        sizes = {"": size}
        strata = {"": [number for number, _group in rows]}
    selected: list[int] = []
    for group, numbers in strata.items():
        keyed = ((row_key(seed, frame_fingerprint, n), n) for n in numbers)
        selected.extend(n for _key, n in heapq.nsmallest(sizes[group], keyed))
    return sorted(selected)


def draw_frame(rows: Sequence[FrameRow], spec: DrawSpec) -> tuple[str, list[int]]:
    """Fingerprint a whole frame and draw from it: what a verifier does with the file."""
    frame_fingerprint = fingerprint(rows)
    return frame_fingerprint, draw([(r.number, r.group) for r in rows], frame_fingerprint, spec)
