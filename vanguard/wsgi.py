"""WSGI entry point (gunicorn vanguard.wsgi). Refuses to start a production server
(DEBUG off) without a shared cache (`vanguard.accounts.checks`). Tunes the garbage
collector once the application is loaded (`vanguard.core.runtime`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanguard.settings")
application = get_wsgi_application()

from vanguard.accounts.checks import refuse_unsafe_production  # noqa: E402  (needs settings)

refuse_unsafe_production()

from vanguard.core.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()  # what is loaded by now is never walked again
