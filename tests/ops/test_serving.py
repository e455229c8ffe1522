"""Production serving: the health endpoint, files through X-Accel-Redirect, `check
--deploy` clean with the production settings, no production start without a shared cache."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from vanguard.ops.files import send_file

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VANGUARD_", "PYTEST", "DJANGO_"))
    }
    env.update(
        {
            "VANGUARD_SECRET_KEY": secrets.token_urlsafe(50),
            "VANGUARD_CACHE_URL": "redis://127.0.0.1:6379/14",
            "VANGUARD_ALLOWED_HOSTS": "vanguard.example.org",
        }
    )
    env.update(extra)
    return env


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_a_shared_cache_refuses_to_serve():
    env = _production_env()
    env.pop("VANGUARD_CACHE_URL")
    deploy = _manage("check", "--deploy", env=env)
    assert deploy.returncode != 0 and "vanguard.E001" in deploy.stderr
    wsgi = subprocess.run(
        [sys.executable, "-c", "import vanguard.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wsgi.returncode != 0 and "no shared cache" in wsgi.stderr


def test_production_defaults_are_secure():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='vanguard.settings';"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.VANGUARD_REQUIRE_2FA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


@pytest.mark.django_db
def test_health_endpoint_reports_every_check(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get(reverse("health"), {"format": "json"})
    assert response.status_code == 200, response.content
    names = " ".join(response.json())
    for check in ("Database", "Cache", "Storage", "MediaDisk", "WorkerQueue"):
        assert check in names


@pytest.mark.django_db(transaction=True)  # the checks run in another thread
def test_health_fails_when_the_worker_queue_is_stuck(client, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path
    long_ago = timezone.now() - timedelta(hours=1)
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="vanguard.nothing",
        queue_name="default",
        backend_name="default",
        run_after=long_ago,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=long_ago)
    response = client.get(reverse("health"), {"format": "json"})
    assert response.status_code == 500
    assert "db_worker" in response.content.decode()


def _stored(name: str) -> FieldFile:
    saved = default_storage.save(name, ContentFile(b"evidence"))
    field = FieldFile(
        instance=None, field=type("F", (), {"storage": default_storage})(), name=saved
    )
    return field


@pytest.mark.django_db
def test_files_stream_from_django_by_default(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = send_file(_stored("evidence/记录.txt"))
    assert b"".join(response.streaming_content) == b"evidence"
    assert "attachment" in response["Content-Disposition"]
    response.close()  # no server here to close the file once sent


def test_files_go_through_nginx_when_x_accel_is_configured(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.VANGUARD_X_ACCEL_REDIRECT = "/protected-media/"
    response = send_file(_stored("evidence/记录.txt"))
    assert response["X-Accel-Redirect"] == "/protected-media/evidence/%E8%AE%B0%E5%BD%95.txt"
    assert response.content == b""
    assert "utf-8''%E8%AE%B0%E5%BD%95.txt" in response["Content-Disposition"]


# -- the demo outside development ---------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_refuses_in_production_without_force(settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from vanguard.accounts.models import User

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


@pytest.mark.django_db
def test_forced_demo_in_production_never_has_the_readme_password(settings):
    from io import StringIO

    from django.core.management import call_command

    from vanguard.accounts.models import User
    from vanguard.campaigns.demo import DEMO_PASSWORD

    settings.PRODUCTION = True
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    users = list(User.objects.all())
    assert users
    assert not any(user.check_password(DEMO_PASSWORD) for user in users)
    office = User.objects.get(username="guojianmin")
    printed = next(line for line in out.getvalue().splitlines() if "guojianmin" in line)
    assert office.check_password(printed.split()[1])
    assert DEMO_PASSWORD not in out.getvalue()
