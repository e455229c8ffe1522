"""The demo campaign loaded once for a whole test module (the access matrix, the evidence
links, the archive): inside an outer transaction rolled back at the module's end, with its
uploaded files in a temporary media folder of the module's own.

    from tests.demo_module import demo_loaded
    pytestmark = pytest.mark.usefixtures("demo_media")  # the fixtures: a plugin of conftest

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, module_media):
        with demo_loaded(django_db_blocker, module_media):
            yield ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def module_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def demo_media(settings, module_media):
    """The demo's files are written once for the module; every test reads them (a module
    uses it with `pytest.mark.usefixtures("demo_media")`)."""
    settings.MEDIA_ROOT = module_media


@contextmanager
def demo_loaded(django_db_blocker, media: Path) -> Iterator[None]:
    """`load_demo` run once, its rows kept until the block ends, then rolled back."""
    from django.conf import settings

    settings.MEDIA_ROOT = media
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with open(os.devnull, "w") as devnull:
                call_command("load_demo", stdout=devnull)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
