"""The demo adds rectification lists that make every page show something, with verdicts
red, amber and green."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from vanguard.campaigns.compliance import evaluate
from vanguard.campaigns.models import Campaign
from vanguard.campaigns.verdicts import Severity
from vanguard.rectification import changes
from vanguard.rectification.models import Level as ItemLevel
from vanguard.rectification.models import (
    Mechanism,
    Occurrence,
    Pairing,
    PracticalDeed,
    PublicComment,
    RectificationItem,
    Status,
)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return Campaign.objects.get()


def test_the_demo_has_items_at_every_level_and_status(demo):
    levels = set(RectificationItem.objects.values_list("level", flat=True))
    statuses = set(RectificationItem.objects.values_list("status", flat=True))
    assert levels == set(ItemLevel.values)
    assert {Status.IN_PROGRESS, Status.DONE, Status.VERIFIED, Status.REOPENED} <= statuses
    assert RectificationItem.objects.filter(published_at__isnull=False).count() > 40
    for model in (PublicComment, PracticalDeed, Mechanism, Occurrence, Pairing):
        assert model.objects.exists(), model


def test_the_demo_verdicts_show_red_and_amber(demo):
    report = evaluate(demo)
    levels = {v.code: v.level for v in report.verdicts if v.code.startswith("rectification.")}
    assert levels == {
        "rectification.owners": Severity.FAILING,
        "rectification.overdue": Severity.FAILING,
        "rectification.published": Severity.FAILING,
        "rectification.reopened": Severity.WARNING,
    }


def test_the_demo_history_reads_as_the_work_went(demo):
    item = RectificationItem.objects.get(status=Status.REOPENED)
    history = changes.public_changes(item)
    assert history[-1].kind == "published"
    assert history[0].on.year == 2024
    assert any(field.new.startswith("群众反映") for field in history[0].fields)  # the reason


def test_the_demo_pages_open(demo):
    client = Client()
    assert client.get(reverse("rectification:public-campaign", args=[demo.code])).status_code == 200
    client.login(username="member", password="xianfeng2024")
    body = client.get(reverse("portal:me")).content.decode()
    assert 'id="my-rectification"' in body
