"""Settings for `make bench`: production behaviour (no DEBUG, real password hashing, PostgreSQL and
Redis) on loopback without TLS, plus one bare view that measures the framework's own ceiling."""

from .dev import *  # noqa: F403
from .dev import INSTALLED_APPS  # noqa: F401

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "portal.urls_bench"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Sixteen load-generator accounts stand for thousands of citizens: each may send far more than a person
# would. The counters still run, so their cost is measured.
RATE_LIMITS = {**RATE_LIMITS, "user": "1000000/min"}  # noqa: F405
