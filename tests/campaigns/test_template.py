"""The campaign template loader: the shipped template, every kind of mistake, thresholds
with variants, and the snapshot round trip."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from vanguard.campaigns.template import (
    SHIPPED_TEMPLATES_DIR,
    CampaignTemplate,
    Duration,
    TemplateError,
    TemplateProblem,
    load_template,
    parse_template,
    shipped_template_codes,
    shipped_template_path,
)

FILE = "bad.toml"

CAMPAIGN = """
[campaign]
code = "demo"
title = "示例活动"
source = "示例通知"
"""

PHASES = """
[[phases]]
code = "study"
title = "学习动员"
order = 1
duration_days = 45
notice_ref = "五.1"

[[phases.steps]]
code = "mobilize"
title = "思想发动"
notice_ref = "五.1(3)"
description = "召开动员大会。"
evidence = ["动员大会记录"]

[[phases]]
code = "analysis"
title = "分析评议"
order = 2
duration_days = 30
notice_ref = "五.2"

[[phases.steps]]
code = "appraisal_notice"
title = "民主评议及时通报"
notice_ref = "五.2(4)"
description = "广泛开展民主评议。"
"""

THRESHOLDS = """
[thresholds]
min_study_hours = 40
min_concentrated_days = 90
phase_duration_tolerance = 0.5
"""

VOCABULARIES = """
[[session_kinds]]
code = "mobilization_meeting"
title = "动员大会"
counts_for_step = "mobilize"

[[materials]]
code = "reader"
title = "读本"
kind = "basic"

[[unit_categories]]
code = "school"
title = "学校"

[[unit_categories]]
code = "organ"
title = "机关"

[[member_groups]]
code = "leader_cadre"
title = "党员领导干部"

[[member_groups]]
code = "probationary"
title = "预备党员"
"""

SATISFACTION = """
[satisfaction]
options = [
    { code = "satisfied", title = "满意" },
    { code = "dissatisfied", title = "不满意" },
]
dissatisfied = ["dissatisfied"]
redo_when = "dissatisfied_majority"
majority = "more_than_half"
methods = ["representatives", "random_sample"]
combine = "pooled"
"""

VALID = CAMPAIGN + PHASES + THRESHOLDS + VOCABULARIES + SATISFACTION


def edit(text: str, *replacements: tuple[str, str]) -> str:
    """`text` with each `old` (which must occur exactly once) replaced by `new`."""
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def problems_of(text: str) -> list[TemplateProblem]:
    with translation.override("en"), pytest.raises(TemplateError) as caught:
        parse_template(text, FILE)
    return caught.value.problems


@pytest.fixture(scope="module")
def shipped() -> CampaignTemplate:
    return load_template(shipped_template_path("xianjinxing-2024"))


# --- The shipped template ----------------------------------------------------------


def test_the_shipped_template_is_found_by_its_code():
    path = shipped_template_path("xianjinxing-2024")
    assert path.parent == SHIPPED_TEMPLATES_DIR
    assert "xianjinxing-2024" in shipped_template_codes()
    assert load_template(path).code == path.stem


def test_an_unknown_shipped_template_is_an_error():
    with pytest.raises(FileNotFoundError):
        shipped_template_path("no-such-campaign")
    with pytest.raises(ValueError):
        shipped_template_path("../settings")


def test_the_shipped_template_names_the_notice(shipped):
    assert shipped.title == "保持共产党员先进性教育活动"
    assert shipped.source == "市教育局党委关于开展保持共产党员先进性教育活动的实施意见"
    assert [(b.starts, b.ends) for b in shipped.batches_hint] == [
        ("2024-01", "2024-06"),
        ("2024-07", "2024-12"),
    ]


def test_the_shipped_thresholds_are_the_notices(shipped):
    assert shipped.threshold("min_study_hours") == 40
    assert shipped.threshold("min_concentrated") == "3 months"
    assert shipped.min_concentrated() == Duration(3, "months")
    assert shipped.threshold("phase_duration_tolerance") == 0.5
    assert shipped.variants == ()


def test_the_shipped_phases_come_in_order_with_their_steps(shipped):
    assert [(p.code, p.title, p.order, p.duration_days) for p in shipped.phases] == [
        ("study", "学习动员", 1, 45),
        ("analysis", "分析评议", 2, 30),
        ("rectification", "整改提高", 3, 30),
    ]
    assert [(phase.code, step.title) for phase, step in shipped.steps()] == [
        ("study", "摸清问题"),
        ("study", "制订方案"),
        ("study", "思想发动"),
        ("study", "教育培训"),
        ("analysis", "广泛发动收集意见"),
        ("analysis", "查找问题准确反馈"),
        ("analysis", "谈心谈话深刻剖析"),
        ("analysis", "民主评议及时通报"),
        ("rectification", "制订措施"),
        ("rectification", "巩固成果"),
        ("rectification", "建立机制"),
    ]


def test_steps_carry_their_notice_reference_and_evidence(shipped):
    assert shipped.step("make_plan").evidence == ("教育活动实施方案",)
    assert shipped.step("mobilize").evidence == ("动员大会记录",)
    assert shipped.step("mobilize").notice_ref == "五.1(3)"
    assert shipped.phase("rectification").notice_ref == "五.3"


def test_unknown_phase_or_step_is_a_key_error(shipped):
    with pytest.raises(KeyError):
        shipped.phase("nope")
    with pytest.raises(KeyError):
        shipped.step("nope")


def test_the_shipped_five_ones(shipped):
    assert [(item.title, item.needs_partner) for item in shipped.five_ones] == [
        ("重温一次入党誓词", False),
        ("开好一次组织生活会", False),
        ("组织一次党员教师社区奉献日活动", False),
        ("结对一名困难学生、教师或社区群众", True),
        ("帮带一名入党积极分子或青年教师", True),
    ]


def test_the_shipped_grades_and_commendations(shipped):
    assert [(g.title, g.order) for g in shipped.appraisal_grades] == [
        ("优秀", 1),
        ("合格", 2),
        ("基本合格", 3),
        ("不合格", 4),
    ]
    assert [c.title for c in shipped.commendation_kinds] == [
        "优秀共产党员",
        "先进基层党组织",
        "优秀党务工作者",
        "党员先锋",
    ]


def test_the_shipped_vocabularies(shipped):
    mobilization = [k for k in shipped.session_kinds if k.counts_for_step]
    assert [(k.title, k.counts_for_step) for k in mobilization] == [("动员大会", "mobilize")]
    assert [c.title for c in shipped.opinion_channels if c.public] == ["网上意见"]
    assert shipped.label("materials", "reader") == "《保持共产党员先进性教育读本》"
    assert {m.title for m in shipped.materials if m.kind == "key"} >= {"党的十六大报告", "党章"}
    assert [v.title for v in shipped.leader_visit_kinds] == ["进学校", "进社区", "进家门"]
    assert [m.title for m in shipped.mechanisms] == [
        "时事形势报告会",
        "谈心谈话",
        "暑期党员集中培训",
        "双休日课堂",
    ]
    assert [c.code for c in shipped.unit_categories] == [
        "organ",
        "institution",
        "school",
        "enterprise",
    ]
    assert [g.code for g in shipped.member_groups] == [
        "leader_cadre",
        "probationary",
        "formal",
        "retired_members",
        "leading_cadres",
        "school_teachers",
        "organ_members",
        "institution_members",
    ]


def test_label_of_an_unknown_vocabulary_or_code_is_a_key_error(shipped):
    with pytest.raises(KeyError):
        shipped.label("colours", "red")
    with pytest.raises(KeyError):
        shipped.label("materials", "nope")


def test_the_shipped_satisfaction_rule(shipped):
    rule = shipped.satisfaction
    assert [o.title for o in rule.options] == ["满意", "基本满意", "不满意"]
    assert rule.dissatisfied == ("dissatisfied",)
    assert (rule.redo_when, rule.majority, rule.combine) == (
        "dissatisfied_majority",
        "more_than_half",
        "pooled",
    )
    assert rule.methods == ("representatives", "random_sample")
    assert rule.label("basically_satisfied") == "基本满意"


@pytest.mark.parametrize(
    ("counts", "redo"),
    [
        ({"dissatisfied": 6, "satisfied": 5}, True),
        ({"dissatisfied": 5, "satisfied": 5}, False),  # exactly half is not a majority
        ({"dissatisfied": 5, "satisfied": 2, "basically_satisfied": 4}, False),
        ({}, False),
    ],
)
def test_redo_is_required_when_more_than_half_are_dissatisfied(shipped, counts, redo):
    assert shipped.satisfaction.redo_required(counts) is redo


def test_redo_rejects_unknown_options(shipped):
    with pytest.raises(KeyError):
        shipped.satisfaction.redo_required({"angry": 3})


def test_phase_duration_bounds_apply_the_tolerance(shipped):
    assert shipped.phase_duration_bounds("study") == (22.5, 67.5)
    assert shipped.phase_duration_bounds("analysis") == (15, 45)


# --- Mistakes ----------------------------------------------------------------------


def test_the_minimal_template_is_valid():
    assert parse_template(VALID, "ok.toml").code == "demo"


def test_a_syntax_error_gives_line_and_column():
    text = edit(VALID, ("duration_days = 30", "duration_days = = 30"))
    line = text.splitlines().index("duration_days = = 30") + 1
    [problem] = problems_of(text)
    assert (problem.file, problem.key) == (FILE, "")
    assert re.fullmatch(rf"TOML syntax error at line {line}, column \d+: .+", problem.message)
    assert str(problem).startswith(f"{FILE}: TOML syntax error at line {line}")


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(VALID.replace("示例活动", "caf\xe9").encode("latin-1", errors="replace"))
    with translation.override("en"), pytest.raises(TemplateError) as caught:
        load_template(path)
    assert caught.value.problems == [
        TemplateProblem(str(path), "", "the file is not valid UTF-8 text")
    ]


APPRAISAL_STEP = PHASES[PHASES.rindex("[[phases.steps]]") :]

FIVE_ONE = """
[[five_ones]]
code = "renew_oath"
title = "重温一次入党誓词"
needs_partner = "yes"
"""

VARIANT = """
[[thresholds.variants]]
match = { category = "school" }
min_study_hours = 30
"""

MISTAKES = {
    "missing key": (
        [('source = "示例通知"\n', "")],
        "campaign.source",
        "missing required key",
    ),
    "missing key in a step": (
        [('description = "广泛开展民主评议。"\n', "")],
        "phases[2].steps[1].description",
        "missing required key",
    ),
    "missing section": (
        [(SATISFACTION, "")],
        "satisfaction",
        "missing required key",
    ),
    "integer as string": (
        [("duration_days = 30", 'duration_days = "30"')],
        "phases[2].duration_days",
        "expected an integer, got string",
    ),
    "integer as float": (
        [("min_concentrated_days = 90", "min_concentrated_days = 90.5")],
        "thresholds.min_concentrated_days",
        "expected an integer, got float",
    ),
    "number as string": (
        [("phase_duration_tolerance = 0.5", 'phase_duration_tolerance = "0.5"')],
        "thresholds.phase_duration_tolerance",
        "expected a number, got string",
    ),
    "string as integer": (
        [('title = "思想发动"', "title = 3")],
        "phases[1].steps[1].title",
        "expected a string, got integer",
    ),
    "flag as string": (
        [(VOCABULARIES, VOCABULARIES + FIVE_ONE)],
        "five_ones[1].needs_partner",
        "expected true or false, got string",
    ),
    "list as string": (
        [('evidence = ["动员大会记录"]', 'evidence = "动员大会记录"')],
        "phases[1].steps[1].evidence",
        "expected a list, got string",
    ),
    "list item not a string": (
        [('evidence = ["动员大会记录"]', 'evidence = ["动员大会记录", 2]')],
        "phases[1].steps[1].evidence[2]",
        "expected a string, got integer",
    ),
    "section not a table": (
        [(CAMPAIGN, "thresholds = 40\n" + CAMPAIGN), (THRESHOLDS, "")],
        "thresholds",
        "expected a table, got integer",
    ),
    "tables not a list": (
        [(CAMPAIGN, 'mechanisms = "谈心谈话"\n' + CAMPAIGN)],
        "mechanisms",
        "expected a list of tables, got string",
    ),
    "empty string": (
        [('title = "示例活动"', 'title = " "')],
        "campaign.title",
        "must not be empty",
    ),
    "bad code": (
        [('code = "analysis"', 'code = "Analysis Phase"')],
        "phases[2].code",
        "a code starts with a lower-case letter and uses only a-z, 0-9, _ and -",
    ),
    "unknown choice": (
        [('kind = "basic"', 'kind = "core"')],
        "materials[1].kind",
        "must be one of: basic, key, auxiliary",
    ),
    "unknown key with a suggestion": (
        [('notice_ref = "五.1(3)"', 'notice_ref = "五.1(3)"\nnotice_rev = "x"')],
        "phases[1].steps[1].notice_rev",
        "unknown key; did you mean notice_ref?",
    ),
    "unknown key at the top": (
        [(CAMPAIGN, CAMPAIGN + "\n[colours]\nred = 1\n")],
        "colours",
        "unknown key",
    ),
    "unknown key in a variant's match": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace('"school" }', '"school", unit = "x" }'))],
        "thresholds.variants[1].match.unit",
        "unknown key",
    ),
    "duplicate phase code": (
        [('code = "analysis"', 'code = "study"')],
        "phases[2].code",
        'duplicate code "study", first used at phases[1].code',
    ),
    "duplicate step code across phases": (
        [('code = "appraisal_notice"', 'code = "mobilize"')],
        "phases[2].steps[1].code",
        'duplicate code "mobilize", first used at phases[1].steps[1].code',
    ),
    "duplicate vocabulary code": (
        [('code = "organ"', 'code = "school"')],
        "unit_categories[2].code",
        'duplicate code "school", first used at unit_categories[1].code',
    ),
    "duplicate satisfaction option": (
        [('{ code = "satisfied"', '{ code = "dissatisfied"')],
        "satisfaction.options[2].code",
        'duplicate code "dissatisfied", first used at satisfaction.options[1].code',
    ),
    "zero": (
        [("min_study_hours = 40", "min_study_hours = 0")],
        "thresholds.min_study_hours",
        "must be greater than zero",
    ),
    "negative": (
        [("duration_days = 45", "duration_days = -45")],
        "phases[1].duration_days",
        "must be greater than zero",
    ),
    "phase order not unique": (
        [("order = 2", "order = 1")],
        "phases[2].order",
        "duplicate order 1, first used at phases[1].order",
    ),
    "variant with an unknown category": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace('"school"', '"college"'))],
        "thresholds.variants[1].match.category",
        'unknown unit category "college"',
    ),
    "variant with an unknown group": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace('category = "school"', 'group = "youth"'))],
        "thresholds.variants[1].match.group",
        'unknown member group "youth"',
    ),
    "variant overriding an unknown threshold": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace("min_study_hours", "min_hours"))],
        "thresholds.variants[1].min_hours",
        "unknown threshold; the thresholds are: "
        "min_study_hours, min_concentrated, min_concentrated_days, phase_duration_tolerance, "
        "min_participation_rate, suggestion_answer_days, opinion_answer_days, "
        "online_study_max_hours",
    ),
    "variant overriding nothing": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace("min_study_hours = 30\n", ""))],
        "thresholds.variants[1]",
        "a variant must override at least one threshold",
    ),
    "variant matching everything": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace('{ category = "school" }', "{}"))],
        "thresholds.variants[1].match",
        "a variant must match a category, a group or both",
    ),
    "variant without match": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace('match = { category = "school" }\n', ""))],
        "thresholds.variants[1].match",
        "missing required key",
    ),
    "variant value of the wrong type": (
        [(THRESHOLDS, THRESHOLDS + VARIANT.replace("= 30", '= "30"'))],
        "thresholds.variants[1].min_study_hours",
        "expected a number, got string",
    ),
    "unknown dissatisfied option": (
        [('dissatisfied = ["dissatisfied"]', 'dissatisfied = ["angry"]')],
        "satisfaction.dissatisfied[1]",
        'unknown satisfaction option "angry"',
    ),
    "unknown survey method": (
        [('"random_sample"]', '"telephone"]')],
        "satisfaction.methods[2]",
        "must be one of: representatives, random_sample",
    ),
    "counts_for_step naming an unknown step": (
        [('counts_for_step = "mobilize"', 'counts_for_step = "mobilise"')],
        "session_kinds[1].counts_for_step",
        'unknown step "mobilise"',
    ),
    "no phases": (
        [
            (CAMPAIGN, "phases = []\n" + CAMPAIGN),
            (PHASES, ""),
            ('counts_for_step = "mobilize"\n', ""),
        ],
        "phases",
        "must not be empty",
    ),
    "phase without steps": (
        [(APPRAISAL_STEP, "")],
        "phases[2].steps",
        "missing required key",
    ),
    "phase with an empty list of steps": (
        [(APPRAISAL_STEP, "steps = []\n")],
        "phases[2].steps",
        "must not be empty",
    ),
}


@pytest.mark.parametrize(("replacements", "key", "message"), MISTAKES.values(), ids=MISTAKES)
def test_each_mistake_is_reported_at_its_key(replacements, key, message):
    assert problems_of(edit(VALID, *replacements)) == [TemplateProblem(FILE, key, message)]


UNKNOWN_KEY_PLACES = {
    "campaign.xyzzy": 'source = "示例通知"',
    "phases[2].xyzzy": 'notice_ref = "五.2"',
    "phases[1].steps[1].xyzzy": 'evidence = ["动员大会记录"]',
    "thresholds.xyzzy": "phase_duration_tolerance = 0.5",
    "materials[1].xyzzy": 'kind = "basic"',
    "member_groups[2].xyzzy": 'title = "预备党员"',
    "satisfaction.xyzzy": 'combine = "pooled"',
}


@pytest.mark.parametrize(("key", "line"), UNKNOWN_KEY_PLACES.items(), ids=UNKNOWN_KEY_PLACES)
def test_an_unknown_key_is_reported_at_every_level(key, line):
    text = edit(VALID, (line, f"{line}\nxyzzy = 1"))
    assert problems_of(text) == [TemplateProblem(FILE, key, "unknown key")]


def test_an_unknown_key_in_an_inline_table_is_reported():
    text = edit(VALID, ('title = "不满意" }', 'title = "不满意", xyzzy = 1 }'))
    assert problems_of(text) == [
        TemplateProblem(FILE, "satisfaction.options[2].xyzzy", "unknown key")
    ]


BATCH = """
[[campaign.batches_hint]]
title = "第一批"
starts = "2024-07"
ends = "2024-06"
scope = "机关"
categories = ["organ", "factory"]

[[campaign.batches_hint]]
title = "第二批"
starts = "2024-7"
ends = "2024-12"
scope = "学校"
"""


def test_batch_hints_are_checked():
    assert problems_of(edit(VALID, (CAMPAIGN, CAMPAIGN + BATCH))) == [
        TemplateProblem(FILE, "campaign.batches_hint[1].ends", "ends before it starts"),
        TemplateProblem(
            FILE, "campaign.batches_hint[1].categories[2]", 'unknown unit category "factory"'
        ),
        TemplateProblem(
            FILE, "campaign.batches_hint[2].starts", "expected a month as YYYY-MM, got 2024-7"
        ),
    ]


FIRST_STEP = "phases[1].steps[1].code"


def test_every_mistake_is_reported_at_once():
    text = edit(
        VALID,
        ('source = "示例通知"\n', ""),
        ("duration_days = 45", 'duration_days = "45"'),
        ('code = "appraisal_notice"', 'code = "mobilize"'),
        ("min_study_hours = 40", "min_study_hours = 40\nmin_study_hour = 40"),
        ('dissatisfied = ["dissatisfied"]', 'dissatisfied = ["angry"]'),
    )
    expected = {
        ("campaign.source", "missing required key"),
        ("phases[1].duration_days", "expected an integer, got string"),
        ("phases[2].steps[1].code", f'duplicate code "mobilize", first used at {FIRST_STEP}'),
        ("thresholds.min_study_hour", "unknown key; did you mean min_study_hours?"),
        ("satisfaction.dissatisfied[1]", 'unknown satisfaction option "angry"'),
    }
    problems = problems_of(text)
    assert {(p.key, p.message) for p in problems} == expected
    assert len(problems) == len(expected)
    assert {p.file for p in problems} == {FILE}


def test_the_error_lists_each_problem_on_its_own_line():
    text = edit(VALID, ('source = "示例通知"\n', ""), ("order = 2", "order = 1"))
    with translation.override("en"), pytest.raises(TemplateError) as caught:
        parse_template(text, FILE)
    assert str(caught.value).splitlines() == [
        "bad.toml: campaign.source: missing required key",
        "bad.toml: phases[2].order: duplicate order 1, first used at phases[1].order",
    ]


# --- Thresholds and variants -------------------------------------------------------

VARIANTS = """
[[thresholds.variants]]
match = { category = "school" }
min_study_hours = 30

[[thresholds.variants]]
match = { group = "leader_cadre" }
min_study_hours = 50

[[thresholds.variants]]
match = { category = "school", group = "leader_cadre" }
min_concentrated_days = 120
"""


@pytest.fixture(scope="module")
def varied() -> CampaignTemplate:
    return parse_template(edit(VALID, (THRESHOLDS, THRESHOLDS + VARIANTS)), "varied.toml")


@pytest.mark.parametrize(
    ("category", "groups", "hours", "days"),
    [
        (None, (), 40, 90),  # no match: the default
        ("organ", ("probationary",), 40, 90),
        ("school", (), 30, 90),  # category
        (None, ("leader_cadre",), 50, 90),  # group
        ("organ", ("leader_cadre", "formal"), 50, 90),
        ("school", ("leader_cadre",), 50, 120),  # both; the later group variant wins
        ("school", ("probationary",), 30, 90),  # both needed for the third
    ],
)
def test_thresholds_resolve_through_variants(varied, category, groups, hours, days):
    assert varied.threshold("min_study_hours", category=category, groups=groups) == hours
    assert varied.threshold("min_concentrated_days", category=category, groups=groups) == days


def test_a_later_matching_variant_wins():
    reordered = VARIANTS.split("\n\n")
    text = edit(VALID, (THRESHOLDS, THRESHOLDS + "\n\n".join([reordered[1], reordered[0]])))
    template = parse_template(text, "reordered.toml")
    assert template.threshold("min_study_hours", category="school", groups=["leader_cadre"]) == 30


def test_a_single_group_may_be_given_as_a_string(varied):
    assert varied.threshold("min_study_hours", groups="leader_cadre") == 50


def test_an_unknown_threshold_is_a_key_error(varied):
    with pytest.raises(KeyError):
        varied.threshold("min_hours")


# --- Snapshot ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["shipped", "varied"])
def test_to_dict_from_dict_round_trip(request, name):
    template = request.getfixturevalue(name)
    snapshot = json.loads(json.dumps(template.to_dict()))
    assert snapshot == template.to_dict()
    assert CampaignTemplate.from_dict(snapshot) == template


def test_a_broken_snapshot_is_reported_like_a_file(shipped):
    snapshot = shipped.to_dict()
    snapshot["thresholds"]["min_study_hours"] = None
    with translation.override("en"), pytest.raises(TemplateError) as caught:
        CampaignTemplate.from_dict(snapshot)
    assert caught.value.problems == [
        TemplateProblem("<snapshot>", "thresholds.min_study_hours", "expected a number, got null")
    ]


def test_redo_phases_default_to_the_rectification_steps():
    rules = load_template(shipped_template_path("xianjinxing-2024"))
    assert rules.satisfaction.redo_phases == ("rectification",)
    assert rules.redo_steps() == [s.code for s in rules.phase("rectification").steps]


def test_redo_phases_must_name_a_phase():
    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    bad = text.replace('redo_phases = ["rectification"]', 'redo_phases = ["rectify"]')
    with translation.override("en"), pytest.raises(TemplateError) as raised:
        parse_template(bad, "bad.toml")
    assert [(p.key, p.message) for p in raised.value.problems] == [
        ("satisfaction.redo_phases[1]", 'unknown phase "rectify"')
    ]


@pytest.mark.django_db
def test_a_campaigns_snapshot_is_parsed_once_per_process(campaign):
    """Every request loads its campaign afresh: the snapshot is not parsed again for each
    (`CampaignTemplate.from_snapshot`); a changed snapshot is."""
    from vanguard.campaigns.models import Campaign

    first = Campaign.objects.get(pk=campaign.pk).template
    again = Campaign.objects.get(pk=campaign.pk).template
    assert again is first
    changed = Campaign.objects.get(pk=campaign.pk)
    changed.template_data["thresholds"]["min_study_hours"] = 41
    assert changed.template is not first
    assert changed.template.threshold("min_study_hours") == 41 != first.threshold("min_study_hours")
