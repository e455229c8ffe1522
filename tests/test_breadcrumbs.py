"""Issue 19: no dead breadcrumb. Every link of a page's breadcrumb opens for the user who
sees it (a member on a leading group's page was sent to a list that answers 404)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.test_csp import crawl
from vanguard.accounts.models import User

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
