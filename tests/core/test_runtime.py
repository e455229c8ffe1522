"""The long-running processes tune the garbage collector once loaded
(`vanguard.core.runtime`): the web workers when the WSGI application is made, the
background worker when `manage.py db_worker` starts."""

import gc
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from vanguard.core.runtime import THRESHOLDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restored_collector():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_the_wsgi_application_tunes_the_collector(restored_collector):
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()
    import vanguard.wsgi

    importlib.reload(vanguard.wsgi)
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 0


def test_the_background_worker_tunes_the_collector():
    # manage.py tunes before the command runs: seen from a command that prints them
    probe = (
        "import gc, runpy, sys; sys.argv = ['manage.py', 'db_worker', '--help'];"
        "import django.core.management as m;"
        "m.execute_from_command_line = lambda argv: print(gc.get_threshold());"
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == str(THRESHOLDS)
