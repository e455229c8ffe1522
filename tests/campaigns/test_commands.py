"""The template check and campaign start commands."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from vanguard.campaigns.models import Campaign
from vanguard.campaigns.template import shipped_template_path


def test_check_template_accepts_the_shipped_template():
    out = StringIO()
    call_command("check_template", str(shipped_template_path("xianjinxing-2024")), stdout=out)
    assert "xianjinxing-2024.toml" in out.getvalue()


def test_check_template_lists_every_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    text = shipped_template_path("xianjinxing-2024").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("min_study_hours = 40", 'min_study_hours = "40"').replace(
            "duration_days = 45", "duration_days = -45"
        ),
        encoding="utf-8",
    )
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="2 problems"):
        call_command("check_template", str(bad), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(
        line.startswith(str(bad)) and ": thresholds.min_study_hours: " in line for line in lines
    )
    assert any(": phases[1].duration_days: " in line for line in lines)


def test_start_campaign_creates_the_campaign_and_batches(tree):
    call_command(
        "start_campaign",
        str(shipped_template_path("xianjinxing-2024")),
        "--batch=第一批,2024-01-01,2024-06-30",
        "--batch=第二批,2024-07-01,2024-12-31",
        org="R",
        stdout=StringIO(),
    )
    campaign = Campaign.objects.get()
    assert campaign.rules.threshold("min_study_hours") == 40
    assert [b.title for b in campaign.batches.order_by("number")] == ["第一批", "第二批"]


@pytest.mark.parametrize(
    "batch", ["第一批,2024-01-01", "第一批,2024-13-01,2024-06-30", "第一批,2024-06-30,2024-01-01"]
)
def test_start_campaign_refuses_a_bad_batch(tree, batch):
    with pytest.raises(CommandError):
        call_command(
            "start_campaign",
            str(shipped_template_path("xianjinxing-2024")),
            org="R",
            batch=[batch],
        )
    assert not Campaign.objects.exists()


def test_start_campaign_refuses_an_unknown_org(db):
    with pytest.raises(CommandError):
        call_command(
            "start_campaign",
            str(shipped_template_path("xianjinxing-2024")),
            org="NOPE",
            batch=["第一批,2024-01-01,2024-06-30"],
        )
