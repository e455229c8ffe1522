"""The template's `[summaries]` and `[briefs]` tables: checked like the others, each problem
with its key (and, in check_template, its file); both shipped templates stay clean."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from vanguard.campaigns.template import (
    BriefRule,
    CampaignTemplate,
    SummaryRule,
    TemplateError,
    load_template,
    shipped_template_path,
)


def snapshot(**tables):
    data = load_template(shipped_template_path("xianjinxing-2024")).to_dict()
    data.update(tables)
    return data


def problems_of(data) -> dict[str, str]:
    with pytest.raises(TemplateError) as caught, translation.override("en"):
        CampaignTemplate.from_dict(data)
    return {p.key: p.message for p in caught.value.problems}


def test_the_shipped_templates():
    xianjinxing = load_template(shipped_template_path("xianjinxing-2024"))
    assert xianjinxing.summaries == SummaryRule(True, "六.3（加强督促检查工作）")
    assert xianjinxing.briefs == BriefRule(2, "六.5（加强舆论宣传工作）")
    assert xianjinxing.has_module("summaries") and xianjinxing.has_module("briefs")
    dangji = load_template(shipped_template_path("dangji-2026"))
    assert dangji.summaries is None and dangji.briefs is None
    assert not dangji.has_module("summaries") and not dangji.has_module("briefs")


def test_a_snapshot_keeps_the_tables():
    template = load_template(shipped_template_path("xianjinxing-2024"))
    assert CampaignTemplate.from_dict(template.to_dict()) == template


def test_bad_values_are_reported_with_their_keys():
    found = problems_of(
        snapshot(
            summaries={"approval_required": "yes", "aproval_required": True},
            briefs={"min_per_phase": 0},
        )
    )
    assert "true or false" in found["summaries.approval_required"]
    assert "approval_required" in found["summaries.aproval_required"]  # did you mean …
    assert "greater than zero" in found["briefs.min_per_phase"]


def test_check_template_names_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    bad.write_text(text.replace("min_per_phase = 2", "min_per_phase = 1.5"), encoding="utf-8")
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="1 problem"):
        call_command("check_template", str(bad), stderr=err)
    assert any(": briefs.min_per_phase: " in line for line in err.getvalue().splitlines())
