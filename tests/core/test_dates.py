"""Dates through Django's localised formats: Chinese from `vanguard/formats/zh_Hans`,
English from Django's own; no template writes a Chinese date pattern of its own."""

import re
from datetime import date, datetime
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone, translation

import vanguard
from vanguard.core.dates import format_date

DAY = date(2024, 7, 1)


def render(text, **context):
    return Template(text).render(Context(context))


def test_templates_show_the_languages_date():
    page = (
        '{{ d|date:"DATE_FORMAT" }}|{{ d|date:"MONTH_DAY_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}'
    )
    moment = datetime(2024, 7, 1, 14, 30, tzinfo=timezone.get_current_timezone())
    with translation.override("zh-hans"):
        assert render(page, d=DAY, t=moment) == "2024年7月1日|7月1日|2024年7月1日 14:30"
    with translation.override("en"):
        assert render(page, d=DAY, t=moment).startswith("July 1, 2024|July 1|July 1, 2024")


def test_format_date_follows_the_language():
    with translation.override("zh-hans"):
        assert format_date(DAY) == "2024年7月1日"
    with translation.override("en"):
        assert format_date(DAY) == "July 1, 2024"
    assert format_date(None) == ""


def test_no_template_hard_codes_a_chinese_date():
    root = Path(vanguard.__file__).parent
    pattern = re.compile(r'date:"[^"]*[年月日]')
    offending = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_templates_format_dates_by_locale_not_by_pattern():
    """A date shown to a reader goes through a localised format name; a literal pattern is
    allowed only without a calendar part (a time of day, a machine timestamp)."""
    import re
    from pathlib import Path

    import vanguard

    names = {
        "DATE_FORMAT",
        "DATETIME_FORMAT",
        "SHORT_DATE_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "MONTH_DAY_FORMAT",
        "YEAR_MONTH_FORMAT",
        "TIME_FORMAT",
    }
    offenders = []
    for path in Path(vanguard.__file__).parent.rglob("templates/**/*.html"):
        for argument in re.findall(r'\|date:"([^"]+)"', path.read_text()):
            if argument not in names and re.search(r"[YyFMNbnmdjDlEo]", argument):
                offenders.append(f"{path.name}: {argument}")
    assert not offenders, offenders
