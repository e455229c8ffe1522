"""`manage.py verify_draw`: re-drawing from the frame file matches a reproduced draw (from
the command-line values or the published draw file) and rejects a tampered one."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.surveys.conftest import frame_bytes, people
from vanguard.surveys import sampling
from vanguard.surveys.sampling import DrawSpec, FrameRow, draw_frame, format_strata

GROUPS = ("学生家长", "教师", "社区居民")


def run(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("verify_draw", *args, stdout=out)
    return out.getvalue()


def run_failing(*args) -> tuple[str, str]:
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("verify_draw", *args, stdout=out)
    return out.getvalue(), str(error.value)


def write(directory: Path, rows: list[FrameRow]) -> str:
    path = directory / "frame.xlsx"
    path.write_bytes(frame_bytes(rows))
    return str(path)


@st.composite
def cases(draw_):
    count = draw_(st.integers(3, 40))
    rows = [
        FrameRow(n, f"群众{n}", draw_(st.sampled_from(GROUPS)), f"1380000{n:04d}", "")
        for n in range(2, 2 + count)
    ]
    seed = draw_(st.from_regex(r"[1-6](-[1-6]){3,9}", fullmatch=True))
    if draw_(st.booleans()):
        present = sorted({r.group for r in rows})
        strata = {g: draw_(st.integers(1, 9)) for g in present}
        capacity = {g: sum(r.group == g for r in rows) for g in present}
        size = draw_(st.integers(1, min(capacity.values())))
        try:
            sampling.allocate(size, strata, capacity)
        except sampling.DrawError:
            strata, size = None, 1
    else:
        strata, size = None, draw_(st.integers(1, count))
    return rows, DrawSpec(seed, size, strata)


def cli_args(path, spec, selected):
    args = [
        path,
        "--seed",
        spec.seed,
        "--size",
        str(spec.size),
        "--rows",
        ",".join(map(str, selected)),
    ]
    if spec.strata:
        args += ["--strata", format_strata(spec.strata)]
    return args


@settings(max_examples=25, deadline=None)
@given(cases())
def test_the_command_matches_a_reproduced_draw(case):
    rows, spec = case
    fingerprint, selected = draw_frame(rows, spec)
    with tempfile.TemporaryDirectory() as directory:
        path = write(Path(directory), rows)
        output = run(*cli_args(path, spec, selected), "--fingerprint", fingerprint)
    assert output.strip().splitlines()[-1] == "matches"
    assert fingerprint in output


@settings(max_examples=25, deadline=None)
@given(cases(), st.data())
def test_the_command_rejects_a_tampered_frame_or_rows(case, data):
    rows, spec = case
    fingerprint, selected = draw_frame(rows, spec)
    with tempfile.TemporaryDirectory() as directory:
        if data.draw(st.booleans()):  # someone edits a name in the file
            index = data.draw(st.integers(0, len(rows) - 1))
            row = rows[index]
            rows = [
                *rows[:index],
                FrameRow(row.number, row.name + "改", row.group, row.phone),
                *rows[index + 1 :],
            ]
            tampered_rows = selected
        else:  # or publishes other rows
            others = sorted({r.number for r in rows} - set(selected))
            assume(others)
            tampered_rows = sorted([*selected[1:], data.draw(st.sampled_from(others))])
        path = write(Path(directory), rows)
        output, error = run_failing(
            *cli_args(path, spec, tampered_rows), "--fingerprint", fingerprint
        )
    assert error == "does not match"
    assert "matches" not in output.splitlines()[-1]


def test_the_published_draw_file_is_enough(tmp_path):
    rows = people(60)
    spec = DrawSpec("6-6-1-2", 12, {"学生家长": 1, "教师": 1, "社区居民": 1})
    fingerprint, selected = draw_frame(rows, spec)
    document = {
        "algorithm": sampling.ALGORITHM,
        "frame": {"fingerprint": fingerprint, "rows": 60},
        "seed": spec.seed,
        "size": 12,
        "strata": {"学生家长": "1", "教师": "1", "社区居民": "1"},
        "selected_rows": selected,
    }
    (tmp_path / "draw.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    path = write(tmp_path, rows)
    assert run(path, "--draw", str(tmp_path / "draw.json")).strip().endswith("matches")
    # The same file against a frame with one more row: the fingerprint differs.
    longer = write(tmp_path, [*rows, FrameRow(62, "新增", "教师", "13900000000")])
    output, error = run_failing(longer, "--draw", str(tmp_path / "draw.json"))
    assert error == "does not match"
    assert "fingerprint differs" in output


def test_missing_values_and_bad_files_are_explained(tmp_path):
    path = write(tmp_path, people(5))
    with translation.override("en"), pytest.raises(CommandError, match="--seed, --size"):
        call_command("verify_draw", path, "--rows", "2", stdout=StringIO())
    (tmp_path / "not.xlsx").write_text("no")
    with translation.override("en"), pytest.raises(CommandError, match="not a valid Excel"):
        call_command(
            "verify_draw", str(tmp_path / "not.xlsx"), "--seed", "1", "--size", "1", "--rows", "2"
        )
    with translation.override("en"), pytest.raises(CommandError, match="cannot be drawn"):
        call_command(
            "verify_draw", path, "--seed", "1", "--size", "9", "--rows", "2", stdout=StringIO()
        )
    (tmp_path / "draw.json").write_text('{"algorithm": "other"}')
    with translation.override("en"), pytest.raises(CommandError, match="algorithm other"):
        call_command("verify_draw", path, "--draw", str(tmp_path / "draw.json"))
