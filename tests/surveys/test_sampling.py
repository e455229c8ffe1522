"""The draw as a pure function (hypothesis): deterministic in (frame, seed, size, strata),
sizes and strata shares met exactly, nobody drawn twice, and the fingerprint changing with
any change of the frame."""

from __future__ import annotations

import hashlib
import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vanguard.surveys.sampling import (
    DrawError,
    DrawSpec,
    FrameRow,
    allocate,
    canonical_frame,
    draw,
    draw_frame,
    fingerprint,
    format_strata,
    normalise,
    parse_strata,
)

GROUPS = ("学生家长", "教师", "社区居民", "行风监督员")
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
seeds = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())


@st.composite
def frames(draw_, min_rows=1, max_rows=80):
    count = draw_(st.integers(min_rows, max_rows))
    groups = draw_(st.lists(st.sampled_from(GROUPS), min_size=count, max_size=count))
    first = draw_(st.integers(2, 5))
    numbers = range(first, first + count)
    names = draw_(st.lists(texts, min_size=count, max_size=count))
    return [
        FrameRow(number, name, group, f"139{number:08d}", "")
        for number, name, group in zip(numbers, names, groups, strict=True)
    ]


@st.composite
def frame_and_spec(draw_, stratified: bool | None = None):
    rows = draw_(frames())
    seed = draw_(seeds)
    use_strata = draw_(st.booleans()) if stratified is None else stratified
    if not use_strata:
        size = draw_(st.integers(1, len(rows)))
        return rows, DrawSpec(seed, size)
    present = sorted({row.group for row in rows})
    chosen = draw_(st.lists(st.sampled_from(present), min_size=1, unique=True))
    shares = {group: draw_(st.integers(1, 100)) for group in chosen}
    capacity = {group: sum(1 for r in rows if r.group == group) for group in chosen}
    size = draw_(st.integers(1, sum(capacity.values())))
    try:
        allocate(size, shares, capacity)
    except DrawError:
        assume(False)
    return rows, DrawSpec(seed, size, shares)


def pairs(rows):
    return [(row.number, row.group) for row in rows]


@given(frame_and_spec())
def test_a_draw_is_a_function_of_frame_seed_size_and_strata(case):
    rows, spec = case
    first = draw_frame(rows, spec)
    again = draw_frame(list(rows), DrawSpec(spec.seed, spec.size, dict(spec.strata or {})))
    assert first == again


@given(frame_and_spec())
def test_the_sample_has_the_size_asked_and_nobody_twice(case):
    rows, spec = case
    _fingerprint, selected = draw_frame(rows, spec)
    assert len(selected) == spec.size
    assert len(set(selected)) == len(selected)
    assert set(selected) <= {row.number for row in rows}
    assert selected == sorted(selected)


@given(frame_and_spec(stratified=True))
def test_strata_shares_are_met_exactly(case):
    rows, spec = case
    _fingerprint, selected = draw_frame(rows, spec)
    group_of = {row.number: row.group for row in rows}
    drawn = {group: 0 for group in spec.strata}
    for number in selected:
        assert group_of[number] in spec.strata  # no one from a group without a share
        drawn[group_of[number]] += 1
    total = sum(Fraction(share) for share in spec.strata.values())
    for group, share in spec.strata.items():
        quota = spec.size * Fraction(share) / total
        assert math.floor(quota) <= drawn[group] <= math.ceil(quota)
    assert sum(drawn.values()) == spec.size


@given(
    st.integers(1, 500), st.dictionaries(st.sampled_from(GROUPS), st.integers(1, 50), min_size=1)
)
def test_allocation_sums_to_the_size_and_stays_within_one_of_each_quota(size, shares):
    available = dict.fromkeys(shares, size)
    sizes = allocate(size, shares, available)
    assert sum(sizes.values()) == size
    total = sum(shares.values())
    for group, share in shares.items():
        assert abs(sizes[group] - Fraction(size * share, total)) < 1


def test_allocation_ties_go_to_groups_in_code_point_order():
    # Three equal shares of 4: each gets 1, and the one left goes to the first name.
    sizes = allocate(4, {"b": 1, "a": 1, "c": 1}, {"a": 9, "b": 9, "c": 9})
    assert sizes == {"a": 2, "b": 1, "c": 1}


def test_allocation_gives_the_leftover_to_the_largest_remainder():
    # quotas 10 × (5, 3, 2) / 10 = 5, 3, 2 exactly; 7 × … = 3.5, 2.1, 1.4 → 4, 2, 1
    assert allocate(7, {"x": 5, "y": 3, "z": 2}, {"x": 9, "y": 9, "z": 9}) == {
        "x": 4,
        "y": 2,
        "z": 1,
    }


@given(frames(min_rows=2), st.data())
def test_any_change_to_the_frame_changes_the_fingerprint(rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(["name", "group", "phone", "address", "number"]))
    row = rows[index]
    if field == "number":
        changed = FrameRow(row.number + 10_000, row.name, row.group, row.phone, row.address)
    else:
        new = data.draw(texts.map(str.strip).filter(lambda t: t and t != getattr(row, field)))
        assume(" ".join(new.split()) != " ".join(getattr(row, field).split()))
        changed = FrameRow(**{**row.__dict__, field: new})
    tampered = [*rows[:index], changed, *rows[index + 1 :]]
    assert fingerprint(tampered) != fingerprint(rows)


@given(frames(min_rows=2))
def test_reordering_rows_changes_the_fingerprint(rows):
    assume(rows[0] != rows[-1])
    assert fingerprint(list(reversed(rows))) != fingerprint(rows)


@settings(max_examples=50)
@given(frame_and_spec(stratified=False), seeds)
def test_another_seed_usually_draws_another_sample(case, other):
    rows, spec = case
    assume(
        len(rows) >= 30 and 5 <= spec.size <= len(rows) - 5 and other.strip() != spec.seed.strip()
    )
    assert draw_frame(rows, spec)[1] != draw_frame(rows, DrawSpec(other, spec.size))[1]


def test_the_canonical_form_is_documented_bytes():
    rows = [
        FrameRow(2, " 张 三 ", "学生家长", "138 0000 0000", ""),
        FrameRow(4, "李四", "教师", "", "幸福\t小区"),
    ]
    assert (
        canonical_frame(rows)
        == (
            "vanguard-frame-v1\n2\t张 三\t学生家长\t138 0000 0000\t\n4\t李四\t教师\t\t幸福 小区\n"
        ).encode()
    )


def _reference_draw(rows, seed, sizes):
    """docs/sampling.md written out again with nothing but hashlib. `sizes` maps each group
    to its size; the group None stands for every row (no strata)."""
    lines = ["vanguard-frame-v1"] + [
        f"{r.number}\t{r.name}\t{r.group}\t{r.phone}\t{r.address}" for r in rows
    ]
    fp = hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()
    selected = []
    for group, size in sizes.items():
        keyed = sorted(
            (hashlib.sha256(f"{seed}\n{fp}\n{r.number}".encode()).digest(), r.number)
            for r in rows
            if group is None or r.group == group
        )
        selected += [number for _key, number in keyed[:size]]
    return fp, sorted(selected)


def test_a_known_draw_never_changes_and_follows_the_documentation():
    """A regression anchor: a published draw must re-draw identically in every version."""
    rows = [
        FrameRow(n, f"群众{n}", "学生家长" if n % 3 else "教师", "", f"地址{n}")
        for n in range(2, 52)
    ]
    found = draw_frame(rows, DrawSpec("3-5-1-6-2-4", 8, {"学生家长": 3, "教师": 1}))
    assert found == (
        "f14b02dc8fb15b2e28b236387ad25bb3e6dddc97b6d7c06881d19389aad834a6",
        [8, 15, 19, 29, 40, 48, 49, 50],
    )
    assert found == _reference_draw(rows, "3-5-1-6-2-4", {"学生家长": 6, "教师": 2})
    assert found == draw_frame(rows, DrawSpec(" 3-5-1-6-2-4 ", 8, {"学生家长": "3", "教师": "1"}))


@given(frame_and_spec(stratified=False))
def test_the_code_agrees_with_the_documented_algorithm(case):
    rows, spec = case
    rows = [FrameRow(r.number, normalise(r.name), r.group, r.phone, r.address) for r in rows]
    expected = _reference_draw(rows, normalise(spec.seed), {None: spec.size})
    assert draw_frame(rows, spec) == expected


@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        (DrawSpec("", 3), "empty_seed"),
        (DrawSpec("x" * 201, 3), "seed_too_long"),
        (DrawSpec("1", 0), "bad_size"),
        (DrawSpec("1", 11), "too_few_rows"),
        (DrawSpec("1", 3, {"党员": 1}), "unknown_group"),
        (DrawSpec("1", 3, {"教师": 0}), "bad_share"),
        (DrawSpec("1", 10, {"教师": 1, "学生家长": 1}), "stratum_too_small"),
    ],
)
def test_impossible_draws_are_refused_with_a_reason(spec, kind):
    rows = [(n, "教师" if n < 6 else "学生家长") for n in range(2, 12)]  # 4 教师, 6 学生家长
    with pytest.raises(DrawError) as error:
        draw(rows, "f" * 64, spec)
    assert error.value.kind == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("学生家长=50, 教师=30，社区居民=20", {"学生家长": 50, "教师": 30, "社区居民": 20}),
        ("a=0.5;b=1/3", {"a": Fraction(1, 2), "b": Fraction(1, 3)}),
        ("家长＝2", {"家长": 2}),
    ],
)
def test_strata_are_read_from_text(text, expected):
    assert parse_strata(text) == expected


@pytest.mark.parametrize("text", ["教师", "=3", "教师=3,教师=4", "教师=abc", "教师=-1"])
def test_bad_strata_text_is_refused(text):
    with pytest.raises(DrawError):
        parse_strata(text)


def test_strata_text_round_trips():
    strata = {"教师": Fraction(1, 3), "学生家长": Fraction(1, 2), "社区居民": 20}
    assert parse_strata(format_strata(strata)) == strata
