"""The mock agencies served by gunicorn (docker-compose's ``mock-agencies``, the bench, the tests with
real processes): each worker process starts its callback sender once it has loaded the application,
so callbacks due from before a restart go out too."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.mock_agencies")
application = get_wsgi_application()

from interconnect.mock_agencies.behaviour import ensure_pump  # noqa: E402  (needs the loaded apps)

ensure_pump()
