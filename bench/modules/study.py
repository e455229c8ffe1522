"""Study's pages in the benchmark: a unit's hours page and its roster (点名册)."""

from __future__ import annotations

from bench.fixture import page


def pages(campaign, enrollment, *, office: str, unit_admin: str) -> list[dict]:
    unit = (campaign.pk, enrollment.pk)
    return [
        page("unit hours page", "study:unit-hours", unit, session=unit_admin, replay=True),
        page("roster (点名册)", "study:roster", unit, session=unit_admin),
    ]


def measure(fixture: dict) -> dict[str, float]:
    """Export the campaign's hours (every member of every unit) to Excel, as the office
    does from the hours page, through the view (in-process)."""
    from django.test import Client
    from django.urls import reverse

    from bench.bulk import timed

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = fixture["sessions"]["office"]
    url = reverse("study:shortfalls-xlsx", args=[fixture["campaign"]]) + "?all=1"

    def export():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return b"".join(response.streaming_content) if response.streaming else response.content

    return {"export the campaign's hours to Excel": timed(export)}
