"""Settings of the stand-alone mock agencies service (docker-compose's ``mock-agencies``): the mock
police, social-insurance and labour services with their own database, no portal pages. For trying a
deployment without the real agencies; never the portal's own settings."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AGENCIES, INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set for the mock agencies service.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["mock-agencies", "localhost", "127.0.0.1"])
INSTALLED_APPS = [*INSTALLED_APPS, "interconnect.mock_agencies"]
ROOT_URLCONF = "interconnect.mock_agencies.urls_standalone"
for _code, _agency in AGENCIES.items():
    if not _agency["secrets"]:
        raise ImproperlyConfigured(f"AGENCY_{_code.upper()}_SECRETS must be set (the same as the portal's).")
