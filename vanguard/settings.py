"""Settings, read from the environment with a working default for everything.

SQLite is the default so a fresh checkout just works; `DATABASE_URL` switches to
PostgreSQL. DEBUG is off unless `VANGUARD_DEBUG=1`.
"""

import os
import secrets
import sys
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("VANGUARD_SECRET_KEY")
    if key:
        return key
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        if "pytest" not in sys.modules:
            warnings.warn(
                f"VANGUARD_SECRET_KEY is unset: generated a development key in {key_file}. "
                "Set VANGUARD_SECRET_KEY in production.",
                stacklevel=1,
            )
    return key_file.read_text().strip()


DEBUG = envbool("VANGUARD_DEBUG")
# The test suite runs with DEBUG off but is no production server (the test client speaks
# plain HTTP); everything else with DEBUG off is production and gets its safe defaults.
TESTING = "pytest" in sys.modules
PRODUCTION = not DEBUG and not TESTING
# Opinions (appraisal): answer deadline when the template sets none, length, public rates.
VANGUARD_OPINION_ANSWER_DAYS = envint("VANGUARD_OPINION_ANSWER_DAYS", 15)
VANGUARD_OPINION_MAX_CHARS = envint("VANGUARD_OPINION_MAX_CHARS", 2000)
VANGUARD_PUBLIC_OPINION_RATE = os.environ.get("VANGUARD_PUBLIC_OPINION_RATE", "10/h")
VANGUARD_PUBLIC_LOOKUP_RATE = os.environ.get("VANGUARD_PUBLIC_LOOKUP_RATE", "30/h")
# The public site's address, for QR codes and text messages (default: the request's host).
VANGUARD_PUBLIC_URL = os.environ.get("VANGUARD_PUBLIC_URL", "")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("VANGUARD_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("VANGUARD_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "health_check",
    "csp",
    "vanguard.accounts",
    "vanguard.orgs",
    "vanguard.campaigns",
    "vanguard.study",
    "vanguard.schools",
    "vanguard.appraisal",
    "vanguard.rectification",
    "vanguard.surveys",
    "vanguard.oversight",
    "vanguard.notifications",
    "vanguard.situation",
    "vanguard.reporting",
    "vanguard.archive",
    "vanguard.reports",
    "vanguard.datagen",
    "vanguard.portal",
    "vanguard.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "vanguard.accounts.middleware.ScopeMiddleware",
    # A write refused because its campaign has ended: 409 with the reason.
    "vanguard.campaigns.middleware.CampaignReadOnlyMiddleware",
    "vanguard.accounts.middleware.IdleTimeoutMiddleware",
    "vanguard.accounts.middleware.TwoFactorMiddleware",
    "vanguard.uploads.OversizeUploadMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that a locked-out login answers with its own page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vanguard.urls"
WSGI_APPLICATION = "vanguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vanguard" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vanguard.accounts.context_processors.scope",
                "vanguard.portal.context_processors.navigation",
                "vanguard.core.registry.context",
                "vanguard.notifications.context_processors.unread",
                "vanguard.campaigns.revision.figures_timeout",
            ],
        },
    },
]

# Form widgets are rendered with Django's own Jinja2 templates for them (the same markup):
# a unit page's 60 step-form widgets cost 13 ms through the Django template engine, a
# third of that through Jinja2; the admin's widgets (no Jinja2 version) through Django's.
# Pages themselves stay Django templates.
FORM_RENDERER = "vanguard.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("VANGUARD_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a real server: readers never wait for the writer (WAL), a commit waits for
    # the disk only at checkpoints (synchronous=NORMAL, safe with WAL), and a transaction
    # takes the write lock when it begins, so concurrent writers queue (up to `timeout`
    # seconds) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler costs up to a second on the pages' aggregate queries, whose
    # cost it overestimates, and saves nothing on queries that run in milliseconds
    # (measured: the roster 1.8 s with JIT, 60 ms without; bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A shared cache (Redis) in production: `VANGUARD_CACHE_URL=redis://127.0.0.1:6379/1`.
# The default, process-local memory, is enough for one development server.
CACHE_URL = os.environ.get("VANGUARD_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    # Room for each unit's stored figures (`campaigns.figures`): the default 300 entries
    # would cull them at city scale.
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
# How long computed figures stay cached (`campaigns.revision`). Every write moves the data
# revision, so with a shared cache they are never stale; process-local memory does not see
# writes made by other processes (a management command beside the development server), so
# there they are kept a minute only.
FIGURES_CACHE_SECONDS = envint("VANGUARD_FIGURES_CACHE_SECONDS", 86400 if CACHE_URL else 60)
# A page part that follows the whole campaign (the overview, the office's verdict pages, the
# campaign hours table, the public rectification list) is rendered again at most once per
# this many times its last rendering's cost (at most 5 s apart), the last one served
# meanwhile with its time (`parts.cached_part`): under steady writes it would otherwise be
# rendered with every worker round. 0: rendered with every new version.
FIGURES_RENDER_PACE = envint("VANGUARD_FIGURES_RENDER_PACE", 10)
# …and one whose rendering costs this much or more (seconds) is rendered again by the
# background worker, never by a reader (`campaigns/parts.py`); a cheaper one by the reader
# who finds it due (the task's round trip would cost more than the rendering).
FIGURES_RENDER_IN_WORKER_SECONDS = float(
    os.environ.get("VANGUARD_FIGURES_RENDER_IN_WORKER_SECONDS", "0.1")
)
# django-ratelimit asks for a shared cache; process-local memory is fine for one process
# (development, tests). In production the system check `vanguard.E001`
# (`vanguard.accounts.checks`) refuses to start without VANGUARD_CACHE_URL, so rate limits and
# login lock-outs are never silently per worker.
SILENCED_SYSTEM_CHECKS = [] if CACHE_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
# Behind a reverse proxy, rate limits must key on the client's address, not the proxy's.
RATELIMIT_IP_META_KEY = os.environ.get("VANGUARD_CLIENT_IP_HEADER") or None
# The benchmark turns rate limits off (all its requests come from 127.0.0.1).
RATELIMIT_ENABLE = envbool("VANGUARD_RATELIMIT", True)

# Background work (exports, imports, figures, notifications): Django's task framework
# (the django-tasks backport) on the database backend, run by `manage.py db_worker`
# (`make run` starts one beside the web server). Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "VANGUARD_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if "pytest" in sys.modules
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "vanguard.accounts.passwords.ComplexityValidator"},
]
# Logins go through django-axes first (it counts failures and refuses a locked-out login),
# then Django's own user table.
AUTHENTICATION_BACKENDS = [
    "vanguard.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out for an hour
# (the office can unlock earlier in the admin, "Access attempts").
AXES_FAILURE_LIMIT = envint("VANGUARD_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("VANGUARD_LOGIN_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "vanguard.accounts.views.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    [os.environ["VANGUARD_CLIENT_IP_HEADER"], "REMOTE_ADDR"]
    if os.environ.get("VANGUARD_CLIENT_IP_HEADER")
    else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False
# Two-factor sign-in (django-otp, TOTP): required for the campaign office and superusers in
# production, offered to everyone. Off by default in development and tests so the demo
# logins and the browser tests sign in with a password alone.
VANGUARD_REQUIRE_2FA = envbool("VANGUARD_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "Vanguard"
# Sessions end when the browser closes; staff roles are signed out after 30 idle minutes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
VANGUARD_STAFF_IDLE_MINUTES = envint("VANGUARD_STAFF_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Dates through the localised formats (`date:"DATE_FORMAT"`), ours for Chinese.
FORMAT_MODULE_PATH = ["vanguard.formats"]
LOCALE_PATHS = [BASE_DIR / "vanguard" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("VANGUARD_MEDIA_ROOT", BASE_DIR / "media"))
# Evidence files: at most this many megabytes each.
VANGUARD_MAX_UPLOAD_MB = envint("VANGUARD_MAX_UPLOAD_MB", 20)
# Files of exports in "my downloads" are deleted this many hours after they are ready
# (`manage.py expire_downloads`, run hourly by cron).
VANGUARD_DOWNLOAD_HOURS = envint("VANGUARD_DOWNLOAD_HOURS", 24)
# Reading one uploaded workbook stops after this many seconds (vanguard/reports/sheets.py).
VANGUARD_SHEET_SECONDS = envint("VANGUARD_SHEET_SECONDS", 30)
# Reading a request stops as soon as one file passes VANGUARD_MAX_UPLOAD_MB (vanguard/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "vanguard.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
# HTTPS everywhere in production (behind nginx, which sets X-Forwarded-Proto): secure
# cookies, redirect to HTTPS, HSTS. `VANGUARD_HTTPS=0` serves plain HTTP (loopback checks).
VANGUARD_HTTPS = envbool("VANGUARD_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = envbool("VANGUARD_SECURE_COOKIES", VANGUARD_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = VANGUARD_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("VANGUARD_HSTS_SECONDS", 31536000) if VANGUARD_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = VANGUARD_HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancer and monitoring ask /health/ over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SILENCED_SYSTEM_CHECKS += [
    # HSTS preload is a commitment of the whole domain that an operator makes, not the app.
    "security.W021",
]

# Content-Security-Policy (django-csp): no inline script or style anywhere; everything
# the pages run or style with comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Files the access-checking views send: with `VANGUARD_X_ACCEL_REDIRECT=/protected-media/`
# the view answers with an empty response and that header, and nginx sends the file from
# its `internal` location (deploy/nginx/vanguard.conf); unset, Django streams it.
VANGUARD_X_ACCEL_REDIRECT = os.environ.get("VANGUARD_X_ACCEL_REDIRECT", "")

# Backups (`manage.py backup` / `restore`): where they go, the key that encrypts them
# (PyNaCl secret box; 32 bytes base64, `manage.py backup --new-key` prints one) and how
# many are kept.
VANGUARD_BACKUP_DIR = Path(os.environ.get("VANGUARD_BACKUP_DIR", BASE_DIR / "backups"))
VANGUARD_BACKUP_KEY = os.environ.get("VANGUARD_BACKUP_KEY", "")
VANGUARD_BACKUP_KEEP = envint("VANGUARD_BACKUP_KEEP", 14)

# The worker queue counts as unhealthy when a task has waited longer than this (minutes).
VANGUARD_HEALTH_QUEUE_MINUTES = envint("VANGUARD_HEALTH_QUEUE_MINUTES", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VANGUARD_LOG_LEVEL", "WARNING")},
}


# --- Notifications (vanguard/notifications, docs/notifications.md) ----------------------
# Email goes through Django's SMTP backend when VANGUARD_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("VANGUARD_EMAIL_HOST", "")
EMAIL_PORT = envint("VANGUARD_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("VANGUARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VANGUARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("VANGUARD_EMAIL_TLS", False)
EMAIL_TIMEOUT = envint("VANGUARD_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("VANGUARD_EMAIL_FROM", "vanguard@localhost")
# 企业微信: the API's base, the corp, the app's secret and agent id (app messages to a
# person); group robots' webhooks must start with the base.
VANGUARD_WECOM_API = os.environ.get("VANGUARD_WECOM_API", "https://qyapi.weixin.qq.com")
VANGUARD_WECOM_CORP_ID = os.environ.get("VANGUARD_WECOM_CORP_ID", "")
VANGUARD_WECOM_SECRET = os.environ.get("VANGUARD_WECOM_SECRET", "")
VANGUARD_WECOM_AGENT_ID = os.environ.get("VANGUARD_WECOM_AGENT_ID", "0")
# 钉钉: likewise (work notices to a person; signed group robots).
VANGUARD_DINGTALK_API = os.environ.get("VANGUARD_DINGTALK_API", "https://oapi.dingtalk.com")
VANGUARD_DINGTALK_APP_KEY = os.environ.get("VANGUARD_DINGTALK_APP_KEY", "")
VANGUARD_DINGTALK_APP_SECRET = os.environ.get("VANGUARD_DINGTALK_APP_SECRET", "")
VANGUARD_DINGTALK_AGENT_ID = os.environ.get("VANGUARD_DINGTALK_AGENT_ID", "0")
# SMS through Alibaba Cloud's SendSms (or a gateway speaking its shape).
VANGUARD_SMS_ENDPOINT = os.environ.get("VANGUARD_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com")
VANGUARD_SMS_ACCESS_KEY_ID = os.environ.get("VANGUARD_SMS_ACCESS_KEY_ID", "")
VANGUARD_SMS_ACCESS_KEY_SECRET = os.environ.get("VANGUARD_SMS_ACCESS_KEY_SECRET", "")
VANGUARD_SMS_SIGN_NAME = os.environ.get("VANGUARD_SMS_SIGN_NAME", "")
VANGUARD_SMS_TEMPLATE_CODE = os.environ.get("VANGUARD_SMS_TEMPLATE_CODE", "")
VANGUARD_NOTIFY_TIMEOUT = envint("VANGUARD_NOTIFY_TIMEOUT", 10)
# Messages per minute and channel (the providers' own limits: a DingTalk robot takes 20).
VANGUARD_NOTIFY_RATES = {
    "email": envint("VANGUARD_NOTIFY_RATE_EMAIL", 120),
    "sms": envint("VANGUARD_NOTIFY_RATE_SMS", 60),
    "wecom": envint("VANGUARD_NOTIFY_RATE_WECOM", 300),
    "dingtalk": envint("VANGUARD_NOTIFY_RATE_DINGTALK", 300),
    "wecom_robot": envint("VANGUARD_NOTIFY_RATE_WECOM_ROBOT", 20),
    "dingtalk_robot": envint("VANGUARD_NOTIFY_RATE_DINGTALK_ROBOT", 20),
}
