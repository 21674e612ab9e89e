"""Settings for the test suite: the development settings with fast hashing and in-memory mail."""

from datetime import date

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
MOCK_AGENCY_CALLBACK_THREAD = False
# Live-server request threads must not keep connections open past a request: the test database is
# dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The suite acts as a few accounts making many requests in seconds; the limits' own tests set theirs.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/min")  # noqa: F405
# The connector runs from the date the law sets; its own tests switch it on.
NATIONAL_PORTAL["from"] = date.fromisoformat(env.str("NATIONAL_PORTAL_FROM", default="2027-01-01"))  # noqa: F405
