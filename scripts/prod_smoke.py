"""Boot the production configuration on loopback and use it: gunicorn
(deploy/gunicorn.conf.py) and the background worker on a fresh PostgreSQL database with
Redis as the cache, DEBUG off. Checks the health endpoint (database, cache, storage, disk,
worker queue), the HTTPS redirect and security headers, a unit administrator's login and
a page, and the office's two-factor set-up. Cleans up its processes, database and Redis
database whatever happens; each set-up step is bounded (10 minutes) and the servers get
--timeout seconds to come up and answer.

    .venv/bin/python scripts/prod_smoke.py [--port 8150] [--redis-db 14]

Requests carry `X-Forwarded-Proto: https`, as nginx would send them.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SETUP_TIMEOUT = 600  # each of migrate, collectstatic, load_demo
PG_ADMIN = os.environ.get("VANGUARD_SMOKE_PG", "postgres://postgres@127.0.0.1:5432/postgres")


class Smoke(Exception):
    pass


class Browser:
    """Just enough of a browser: cookies, the forwarded scheme, no redirects followed."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, https=True, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, content

    def login(self, username, password):
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        return response


def expect(condition, message):
    if not condition:
        raise Smoke(message)
    print(f"  ok  {message}")


def wait_for_health(browser, deadline):
    last = None
    while time.monotonic() < deadline:
        try:
            response, content = browser.request("GET", "/health/?format=json", https=False)
            if response.status == 200:
                return json.loads(content)
            last = f"{response.status} {content[:300]}"
        except OSError as error:
            last = str(error)
        time.sleep(1)
    raise Smoke(f"the health endpoint did not answer 200 in time: {last}")


def run(args, env, deadline):
    browser = Browser(args.port)
    health = wait_for_health(browser, deadline)
    expect(len(health) >= 5, f"/health/ answers 200 with {len(health)} checks passing")

    response, _ = browser.request("GET", "/accounts/login/", https=False)
    expect(response.status == 301, "plain HTTP is redirected to HTTPS")

    response, page = browser.request("GET", "/accounts/login/")
    csp = response.headers.get("Content-Security-Policy", "")
    expect(response.status == 200 and "登录" in page, "the login page answers in Chinese")
    expect("script-src 'self'" in csp, "Content-Security-Policy is sent")
    expect("max-age=" in response.headers.get("Strict-Transport-Security", ""), "HSTS is sent")
    expect("Secure" in (response.headers.get("Set-Cookie") or ""), "cookies are Secure")

    passwords = env["_PASSWORDS"]
    response = browser.login("admin_kszx", passwords["admin_kszx"])
    expect(response.status == 302, "a unit administrator logs in")
    location = response.headers["Location"]
    for _ in range(3):  # the landing page may send on once or twice
        response, page = browser.request("GET", location)
        if response.status != 302:
            break
        location = response.headers["Location"]
    expect(response.status == 200 and "市教育考试中心党支部" in page, f"a page ({location})")

    office = Browser(args.port)
    response = office.login("guojianmin", passwords["guojianmin"])
    response, _ = office.request("GET", "/")
    expect(
        response.status == 302 and "/accounts/two-factor/setup/" in response.headers["Location"],
        "the office is sent to set up two-factor sign-in",
    )


def load_demo(env):
    result = subprocess.run(
        [PYTHON, "manage.py", "load_demo", "--force"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=SETUP_TIMEOUT,
    )
    passwords = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in {"admin_kszx", "guojianmin"}:
            passwords[parts[0]] = parts[1]
    return passwords


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument(
        "--timeout", type=int, default=180, help="seconds for the servers to come up and answer"
    )
    args = parser.parse_args()
    database = f"vanguard_smoke_{os.getpid()}"
    admin = psycopg.connect(PG_ADMIN, autocommit=True)
    admin.execute(f'CREATE DATABASE "{database}"')
    media = tempfile.mkdtemp(prefix="vanguard-smoke-media-")
    base = PG_ADMIN.rsplit("/", 1)[0]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VANGUARD_", "DJANGO_", "PYTEST"))
    }
    env.update(
        {
            "DATABASE_URL": f"{base}/{database}",
            "VANGUARD_CACHE_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "VANGUARD_SECRET_KEY": secrets.token_urlsafe(50),
            "VANGUARD_MEDIA_ROOT": media,
            "VANGUARD_ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_LOG_LEVEL": "warning",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
    )
    processes = []
    print(f"== production smoke test: gunicorn + db_worker on 127.0.0.1:{args.port}, {database}")
    try:
        for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
            subprocess.run(
                [PYTHON, "manage.py", *command, "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=SETUP_TIMEOUT,
            )
        env["_PASSWORDS"] = load_demo(env)
        child_env = {k: v for k, v in env.items() if k != "_PASSWORDS"}
        processes.append(
            subprocess.Popen(
                [GUNICORN, "-c", "deploy/gunicorn.conf.py", "vanguard.wsgi"],
                cwd=ROOT,
                env=child_env,
                start_new_session=True,
            )
        )
        processes.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "db_worker", "--queue-name", "default"],
                cwd=ROOT,
                env=child_env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
            )
        )
        run(args, env, time.monotonic() + args.timeout)
        for process in processes:
            expect(process.poll() is None, f"{process.args[0].rsplit('/', 1)[-1]} still running")
        print("production smoke test: passed")
        return 0
    except (Smoke, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        detail = getattr(error, "stderr", b"") or b""
        if isinstance(detail, bytes):
            detail = detail.decode(errors="replace")
        print(f"production smoke test FAILED: {error}\n{detail[-2000:]}", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
        subprocess.run(["rm", "-rf", media], check=False)
        try:
            import redis

            redis.Redis(db=args.redis_db).flushdb()
        except Exception as error:
            print(f"note: Redis database {args.redis_db} not emptied: {error}")


if __name__ == "__main__":
    sys.exit(main())
