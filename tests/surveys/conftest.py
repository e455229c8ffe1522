"""Fixtures of the survey tests: a survey of unit A (its upper level is the office), lists
of people, a frame workbook on disk, and a clean rate-limit cache for every test."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import translation
from openpyxl import Workbook

from tests.surveys.factories import open_
from vanguard.surveys import frames, services
from vanguard.surveys.models import Channel, Method
from vanguard.surveys.sampling import FrameRow

OPENS = date(2024, 11, 20)
CLOSES = date(2024, 11, 30)
DURING = date(2024, 11, 25)


@pytest.fixture(autouse=True)
def default_language():
    """A request with Accept-Language activates that language for the thread and Django
    leaves it active; put the default back so that later tests are not affected."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def clean_rate_limits():
    """Rate-limit counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def people(count: int, groups=("学生家长", "教师", "社区居民"), start: int = 2) -> list[FrameRow]:
    return [
        FrameRow(n, f"群众{n}", groups[n % len(groups)], f"1380000{n:04d}", "")
        for n in range(start, start + count)
    ]


def workbook_bytes(rows, headers=frames.HEADERS, sheet=frames.SHEET) -> bytes:
    """An .xlsx with `headers` in row 1 and `rows` (tuples of cells) below."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(headers))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def frame_bytes(frame_rows: list[FrameRow]) -> bytes:
    """The workbook whose rows are `frame_rows` (row numbers 2, 3, … in order)."""
    return workbook_bytes([(r.name, r.group, r.phone, r.address) for r in frame_rows])


@pytest.fixture
def campaign(campaign):
    """The shipped template with survey validity and k-anonymity loosened (one respondent
    is valid, groups of 3 are shown): these tests are about the other rules of a survey,
    with a handful of answers. Validity and k-anonymity at the shipped values have their
    own tests (`test_validity.py`, which uses `strict_campaign`)."""
    loosen(campaign, min_respondents=1, min_response_rate=0.01, min_group_size=3)
    return campaign


def loosen(campaign, **satisfaction):
    """Change the campaign's stored template's `[satisfaction]` values."""
    from vanguard.campaigns.models import Campaign

    data = campaign.template_data
    data["satisfaction"].update(satisfaction)
    Campaign.objects.filter(pk=campaign.pk).update(template_data=data)
    campaign.template_data = data
    campaign.__dict__.pop("template", None)


@pytest.fixture
def survey(enrollments):
    return services.create_survey(enrollments["A"], opens_on=OPENS, closes_on=CLOSES, acting=None)


@pytest.fixture
def open_survey(survey):
    """Survey of A, open, with 5 representatives and a drawn sample of 10 from 40."""
    services.store_frame(
        survey,
        Method.REPRESENTATIVES,
        people(5, groups=("群众代表",)),
        filename="reps.xlsx",
        acting=None,
    )
    frame = services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(40), filename="list.xlsx", acting=None
    )
    draw = services.announce_draw(
        frame,
        services.Announcement(
            seed="1-2-3-4-5-6",
            seed_source="掷骰子",
            witnesses=["甲", "乙"],
            size=10,
            strata={},
        ),
        acting=None,
    )
    services.make_draw(draw, acting=None)
    open_(survey)
    return survey


@pytest.fixture
def codes(open_survey):
    """Every invitation's code, issued as slips."""
    return [
        code for _inv, code in services.issue_codes(open_survey, channel=Channel.SLIP, acting=None)
    ]


def answers(overall="satisfied", comment="", **graded):
    return services.Answers(overall=overall, graded=graded, comment=comment)
