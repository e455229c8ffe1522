"""Issue 19, on the demo as each persona sees it (one demo load for the checks):

- no dead breadcrumb: every link of a page's breadcrumb opens for the user who sees it (a
  member on a leading group's page was sent to a list that answers 404);
- the demo's 五个一 partners fit their item (结对 a person in difficulty, 帮带 a young
  teacher or an activist — they were swapped)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.test_csp import crawl
from vanguard.accounts.models import User
from vanguard.study.models import FiveOneRecord

CRUMBS = re.compile(r'<nav aria-label="breadcrumb">(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"]*)"')


@pytest.mark.django_db
def test_every_breadcrumb_link_opens(settings):
    settings.VANGUARD_REQUIRE_2FA = False
    call_command("load_demo", stdout=StringIO())
    dead, checked = {}, 0
    for username in ["member", "liaison", "admin_kszx", "qianjun", None]:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        for url, _response, html in crawl(client, ["/", "/me/", "/public/"], limit=80):
            for crumbs in CRUMBS.findall(html):
                for link in HREF.findall(crumbs):
                    checked += 1
                    status = client.get(link.replace("&amp;", "&")).status_code
                    if status not in (200, 302):
                        dead[f"{username}: {url} → {link}"] = status
    assert dead == {}
    assert checked >= 20

    partners = {
        code: set(FiveOneRecord.objects.filter(item=code).values_list("partner", flat=True))
        for code in ("pair_with_needy", "mentor")
    }
    assert partners["mentor"] and partners["mentor"] <= {"青年教师", "入党积极分子"}
    assert partners["pair_with_needy"] and all("困难" in p for p in partners["pair_with_needy"])
