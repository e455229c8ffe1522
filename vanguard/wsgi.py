"""WSGI entry point (gunicorn vanguard.wsgi). Refuses to start a production server
(DEBUG off) without a shared cache (`vanguard.accounts.checks`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanguard.settings")
application = get_wsgi_application()

from vanguard.accounts.checks import refuse_unsafe_production  # noqa: E402  (needs settings)

refuse_unsafe_production()
