""" "In this organisation's subtree" is a prefix of the materialized path, written in one
place: the organisation model (`Organization.objects.within(org)`, `within_any`,
`Member.objects.within(org)`, `org.subtree_q("prefix__")`, `is_in_subtree_of`,
`path_within`, `paths_overlap`) and the access module. This test greps the source for any
other spelling of the rule, so a new one fails here instead of drifting."""

import re
from pathlib import Path

import pytest

import vanguard
from tests.conftest import make_member
from vanguard.orgs.models import Member, Organization, path_within, paths_overlap

ROOT = Path(vanguard.__file__).parent
ALLOWED = {ROOT / "orgs" / "models.py", ROOT / "accounts" / "access.py"}
RAW_RULE = re.compile(r"path__startswith|\w*path\.startswith\(|\.startswith\(\w*\.?path\)")


def test_no_raw_subtree_rule_outside_the_model_and_the_access_module():
    offending = [
        f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}"
        for path in sorted(ROOT.rglob("*.py"))
        if path not in ALLOWED and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RAW_RULE.search(line)
    ]
    assert offending == []


def test_the_grep_catches_each_spelling():
    for line in (
        "Member.objects.filter(organization__path__startswith=org.path)",
        "if member.organization.path.startswith(unit.path):",
        "any(path.startswith(p) for p in paths)",
        "if enrolled.startswith(path):",
    ):
        assert RAW_RULE.search(line), line


@pytest.mark.django_db
def test_within_is_the_subtree(tree):
    assert set(Organization.objects.within(tree["A"])) == {tree["A"], tree["A1"]}
    assert set(Organization.objects.within_any([tree["A1"], tree["B"]])) == {tree["A1"], tree["B"]}
    assert not Organization.objects.within_any([]).exists()
    # a sibling whose path shares no prefix is outside; the root holds everything
    assert Organization.objects.within(tree["root"]).count() == 4


@pytest.mark.django_db
def test_members_within_a_unit(tree):
    make_member(tree["A1"], "A1-1", "甲")
    make_member(tree["B"], "B-1", "乙")
    assert [m.code for m in Member.objects.within(tree["A"])] == ["A1-1"]
    assert [m.code for m in Member.objects.within(tree["B"])] == ["B-1"]


def test_path_helpers():
    assert path_within("00010002", "0001") and not path_within("0001", "00010002")
    assert paths_overlap("0001", "00010002") and paths_overlap("00010002", "0001")
    assert not paths_overlap("00010002", "00010003")
