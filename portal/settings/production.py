"""Production settings. Every secret comes from the environment and the process refuses to start
without one; no demo-only URL (mock e-ID, mock agencies) is mounted."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
PERSONAL_DATA_KEY = _required("PERSONAL_DATA_KEY")
# The metrics name agencies and counts of work in progress: never an open page in production.
METRICS_TOKEN = _required("METRICS_TOKEN")
# The API's schema and documentation: for signed-in staff and API clients unless said otherwise.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
ROOT_URLCONF = "portal.urls"
DEMO_MODE = False
CITIZEN_PASSWORD_LOGIN = False
CITIZEN_EID = "oidc"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "portal.accounts.oidc.CitizenOIDCBackend",
]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if "EMAIL_URL" not in env:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

for _code, _agency in AGENCIES.items():  # noqa: F405
    if not _agency["base_url"] or not _agency["secrets"]:
        raise ImproperlyConfigured(
            f"AGENCY_{_code.upper()}_URL and AGENCY_{_code.upper()}_SECRETS must be set."
        )
SIGNING["passphrase"] = _required("SIGNING_KEY_PASSPHRASE")  # noqa: F405
if not SIGNING["trust_roots"]:  # noqa: F405
    raise ImproperlyConfigured("SIGNING_TRUST_ROOTS must list the PEM files of the trusted signing roots.")
SIGNING["tsa_url"] = _required("SIGNING_TSA_URL")  # noqa: F405 - extracts are B-LTA: a TSA is needed
SIGNING["pki_url"] = ""  # noqa: F405 - the test PKI does not exist here
