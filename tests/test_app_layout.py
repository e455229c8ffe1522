"""One layout for every app, so that a newcomer finds the same thing in the same place:

- pages in a `views/` package (public pages, no login, in `views/public.py`), never
  `views.py`, `views_*.py` or `*_views.py` beside it;
- one `urls.py` whose `app_name` is the app's label (URL names are `<app>:<name>`), holding
  the app's signed-in and public pages — no `public_urls.py`;
- the campaign's id is `campaign_pk` in every URL;
- the template-tag library is named `<app>_tags`.
"""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import vanguard

ROOT = Path(vanguard.__file__).parent
APPS = sorted(p.parent.name for p in ROOT.glob("*/urls.py"))


def test_the_apps_with_pages_are_found():
    assert {"accounts", "campaigns", "study", "portal"} <= set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_pages_live_in_a_views_package(app):
    folder = ROOT / app
    assert (folder / "views" / "__init__.py").exists(), f"{app}: no views/ package"
    stray = [
        p.name
        for p in folder.glob("*.py")
        if p.name == "views.py" or p.name.startswith("views_") or p.name.endswith("_views.py")
    ]
    assert not stray, f"{app}: views outside the views/ package: {stray}"
    assert not (folder / "public_urls.py").exists(), f"{app}: public pages belong in urls.py"


@pytest.mark.parametrize("app", APPS)
def test_urls_carry_the_app_namespace(app):
    source = (ROOT / app / "urls.py").read_text()
    assert re.search(rf'^app_name = "{app}"$', source, re.M), f"{app}: app_name missing"


def _namespaced(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _namespaced(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


def test_every_project_url_is_namespaced():
    bare = [
        p.name
        for namespace, p in _namespaced(get_resolver())
        if p.callback.__module__.startswith("vanguard.")
        and not namespace
        and p.name not in {"health"}
    ]
    assert not bare, f"URL names without an app namespace: {bare}"


def test_the_campaign_id_has_one_name():
    """Views take the campaign as `campaign_pk`; a view that fetches a campaign (or one of its
    units) by a bare `pk` is the old word order."""
    offenders = []
    for path in ROOT.glob("*/views/*.py"):
        text = path.read_text()
        for call in ("get_campaign_or_404(pk", "get_enrollment_or_404(pk"):
            if call in text:
                offenders.append(f"{path.relative_to(ROOT)}: {call}")
    assert not offenders, offenders


@pytest.mark.parametrize("app", APPS)
def test_template_tag_libraries_are_named_after_the_app(app):
    folder = ROOT / app / "templatetags"
    libraries = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
    assert libraries in ([], [f"{app}_tags"]), f"{app}: tag libraries {libraries}"
