"""Content-Security-Policy: every page carries the header, and no page or template holds an
inline script, style or event handler (the policy would block them).

The pages are found by crawling the demo campaign as each persona from their landing page,
following every same-site link, each URL pattern visited once per persona; the
templates are read whole. Templates rendered only into PDFs (WeasyPrint, no browser, no
CSP) keep their inline print styles. Django's own admin is not ours and not crawled.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from vanguard.accounts.models import User

ROOT = Path(__file__).resolve().parents[1]
PDF_ONLY = ("/print/", "print_base.html", "slips_pdf.html")
# A script with neither src nor a data type (`json_script`'s application/json is data, not
# run, and allowed by the policy).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
HANDLER = re.compile(r"\s(on[a-z]+|style)\s*=", re.I)
SKIP = ("/admin/", "/accounts/logout/", "/static/", "/i18n/", "/health/")


def inline_problems(html: str) -> list[str]:
    problems = [m.group(0) for m in INLINE_SCRIPT.finditer(html)]
    problems += re.findall(r"<style\b[^>]*>", html, re.I)
    for tag in TAG.findall(html):
        if tag.lower().startswith("<svg") or tag.lower().startswith("<path"):
            continue  # QR codes: presentation attributes only, no style
        if HANDLER.search(tag):
            problems.append(tag[:160])
    return problems


def test_inline_problems_are_found():
    """The checker itself: each kind of inline code is caught, plain markup is not."""
    assert inline_problems('<div style="width: 3px">') == ['<div style="width: 3px">']
    assert inline_problems("<script>alert(1)</script>") == ["<script>"]
    assert inline_problems("<style>p{}</style>") == ["<style>"]
    assert inline_problems('<button onclick="go()">') == ['<button onclick="go()">']
    assert inline_problems('<script src="/static/js/vanguard.js" defer></script>') == []
    assert inline_problems('<script id="d" type="application/json">{}</script>') == []
    assert inline_problems('<div data-width="30%" class="progress-bar">one=1</div>') == []


def test_no_template_holds_inline_script_or_style():
    found = {}
    for path in sorted((ROOT / "vanguard").rglob("templates/**/*.html")):
        if any(part in str(path) for part in PDF_ONLY):
            continue
        problems = inline_problems(path.read_text())
        if problems:
            found[str(path.relative_to(ROOT))] = problems
    assert found == {}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])


def crawl(client: Client, starts: list[str], per_pattern: int = 1, limit: int = 120):
    seen, queue, visits, pages = set(), list(starts), Counter(), []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        try:
            route = resolve(url.split("?")[0]).route
        except Resolver404:
            continue
        if visits[route] >= per_pattern:
            continue
        visits[route] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.insert(0, response["Location"])
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        pages.append((url, response, html))
        parser = Links()
        parser.feed(html)
        queue += [link for link in parser.links if link not in seen]
    return pages


@pytest.mark.django_db
def test_every_page_has_the_csp_and_no_inline_code(settings):
    settings.VANGUARD_REQUIRE_2FA = False
    call_command("load_demo", stdout=StringIO())
    personas = ["guojianmin", "qianjun", "liaison", "admin_kszx", "member", "admin", None]
    problems, routes, total = {}, set(), 0
    for username in personas:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        for url, response, html in crawl(client, ["/", "/public/"]):
            total += 1
            routes.add(resolve(url.split("?")[0]).route)
            policy = response.get("Content-Security-Policy", "")
            if "script-src 'self'" not in policy or "unsafe-inline" in policy:
                problems[url] = f"CSP header: {policy!r}"
            found = inline_problems(html)
            if found:
                problems[url] = found
    print(f"crawled {total} pages of {len(routes)} URL patterns")
    assert problems == {}
    # the crawl reached a real share of the site, not just the landing pages
    assert total >= 100 and len(routes) >= 60, (total, len(routes))
