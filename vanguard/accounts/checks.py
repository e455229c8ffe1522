"""System checks that refuse a production start in an unsafe configuration.

With DEBUG off, several server processes share the rate limits, the login lock-outs
(django-axes counts in the database, the public forms' limits in the cache) and the cached
figures: process-local memory would silently limit each worker on its own, so production
needs the shared cache (Redis, `VANGUARD_CACHE_URL`).

The WSGI application (gunicorn, runserver) refuses to start without it
(`refuse_unsafe_production`, called by `vanguard/wsgi.py`), and `check --deploy` reports it.
Other management commands (migrations, messages) run without it.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "DEBUG is off but no shared cache is configured: rate limits and cached figures would "
    "be kept per worker process. Set VANGUARD_CACHE_URL=redis://127.0.0.1:6379/1 (Redis), "
    "or VANGUARD_DEBUG=1 for development."
)


def lacks_shared_cache() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return bool(settings.PRODUCTION) and backend.endswith(("LocMemCache", "DummyCache"))


@register(deploy=True)
def shared_cache_in_production(app_configs: object, **kwargs: object) -> list[Error]:
    if not lacks_shared_cache():
        return []
    return [Error(MESSAGE, id="vanguard.E001")]


def refuse_unsafe_production() -> None:
    if lacks_shared_cache():
        raise ImproperlyConfigured(MESSAGE)
