"""Settings shared by every environment. Everything that differs between machines comes from the
environment (django-environ); with nothing set, the portal runs on embedded defaults: SQLite in WAL mode
and Celery on kombu's filesystem transport, both under ``var/``."""

from datetime import date, time
from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# Demo-only pages (mock e-ID, mock agencies) exist only where this is true; production forces it off.
DEMO_MODE = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.accounts.lockout_app.LockoutConfig",  # django-axes, named in Vietnamese
    "django_otp",
    "django_otp.plugins.otp_totp",
    # base floor
    "portal.divisions",
    "portal.accounts",
    "portal.workcalendar",
    "portal.audit",
    # core and upper floors
    "registrations",
    "signing",
    "interconnect",
    "interconnect.national_portal",
    # top floor
    "portal.health",
    "portal.dashboard",
    "portal.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.common.requestguard.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.common.security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The API's browsable documentation (Swagger UI) starts itself with an inline script: it alone may.
CONTENT_SECURITY_POLICY_EXCEPTIONS = {
    "/api/docs/": CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", "script-src 'self' 'unsafe-inline'"
    ).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.web.context_processors.portal",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Short transactional queries only: PostgreSQL's JIT would spend longer compiling the queue's
        # counts than running them. A deployer turns it back on with ?options=-c%20jit%3Don.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A streaming replica of PostgreSQL for the provincial dashboard's reads (README, "Deployment shape"):
# its figures may lag the primary by the replication delay, its load never reaches the filings.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DASHBOARD_DATABASE = "replica" if "replica" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:staff-login"
LOGIN_REDIRECT_URL = "web:staff-home"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_RESET_TIMEOUT = env.int("SET_PASSWORD_LINK_SECONDS", default=3 * 24 * 3600)

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Lock the account wherever the guesses come from, and a single browser that sprays many usernames;
# not a bare address, because a ward's clerks often share one office IP.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.lockout_response"
AXES_VERBOSE = False

# Citizens sign in through e-ID. In the demo a mock VNeID page stands in for it; in production an
# OpenID Connect provider configured here (mozilla-django-oidc).
CITIZEN_EID = env.str("CITIZEN_EID", default="mock")  # "mock" or "oidc"
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
OIDC_ID_NUMBER_CLAIM = env.str("OIDC_ID_NUMBER_CLAIM", default="citizen_id")
OIDC_NAME_CLAIM = env.str("OIDC_NAME_CLAIM", default="name")
LOGIN_REDIRECT_URL_FAILURE = "/"
# The demo password also opens citizen accounts at the token endpoint, so scripts and benchmarks can
# act as citizens. Never in production.
CITIZEN_PASSWORD_LOGIN = False

# --- personal data ------------------------------------------------------------------------------
# One secret from which the encryption key for personal ID numbers and the key of their lookup HMAC
# are derived. Production must set it; development generates one under var/.
PERSONAL_DATA_KEY = env.str("PERSONAL_DATA_KEY", default="")

# --- internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- working-day calendar -----------------------------------------------------------------------
# A bundle received after the cut-off (Vietnamese time) counts from the next working day.
RECEIPT_CUTOFF = time(*map(int, env.str("RECEIPT_CUTOFF", default="15:00").split(":")))
# The hour by which a deadline's last working day ends.
WORKING_DAY_END = time(*map(int, env.str("WORKING_DAY_END", default="17:00").split(":")))

# --- static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "private"  # attachments are never served from a public URL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- e-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng dịch vụ công liên thông <no-reply@localhost>"
)
if "EMAIL_URL" in env:
    globals().update(env.email_url("EMAIL_URL"))

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "portal.common.schema.ProblemAwareAutoSchema",
    "EXCEPTION_HANDLER": "portal.common.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["portal.common.jsonbody.GuardedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.common.ratelimit.PerUserThrottle"],
    "DEFAULT_PAGINATION_CLASS": "portal.common.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
}
# Uploads: one attachment per request, refused past this size before the body is read into memory.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# What one bundle may hold, so no stranger can grow storage through a draft: files of one kind, files
# in all, and their total size.
ATTACHMENT_CAPS = {
    "per_kind": env.int("ATTACHMENT_MAX_PER_KIND", default=5),
    "per_bundle": env.int("ATTACHMENT_MAX_PER_BUNDLE", default=15),
    "bundle_bytes": env.int("ATTACHMENT_MAX_BUNDLE_BYTES", default=40 * 1024 * 1024),
}
# One file per upload request; Django's own default allows 100.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# The privacy notice a citizen accepts before filing; a new text gets a new version, and each
# acceptance records the version that was shown.
PRIVACY_NOTICE_VERSION = "2026-09-01"
# Law 03/2026/QH16 on Civil Status: from 1 March 2027 a commune may start a birth registration from the
# hospital's electronic certificate (the family confirms before anything is filed), rolled out province
# by province until 2031. Provinces by code; "*" for all; empty for none yet.
PROACTIVE_REGISTRATION_FROM = env.str("PROACTIVE_REGISTRATION_FROM", default="2027-03-01")
PROACTIVE_REGISTRATION_PROVINCES = env.list("PROACTIVE_REGISTRATION_PROVINCES", default=[])
# The dashboard lists medical facilities that have sent nothing for this many days.
DASHBOARD_SILENT_FACILITY_DAYS = env.int("DASHBOARD_SILENT_FACILITY_DAYS", default=7)
# How long each kind of record is kept (days), shown in the privacy notice and applied by the daily
# purge. Civil-status records (bundles, people, registrations, extracts) are permanent: no entry here.
RETENTION_DAYS = {
    "attachments": env.int("RETENTION_ATTACHMENTS_DAYS", default=5 * 365),
    "message_log": env.int("RETENTION_MESSAGE_LOG_DAYS", default=2 * 365),
}
# The OpenAPI schema and its documentation page: public here (development, the demo); production
# serves them to signed-in staff and API clients unless API_DOCS_PUBLIC=true (see the README).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng liên thông khai sinh, khai tử — API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.common.schema.strict_request_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AttachmentKindEnum": "registrations.constants.AttachmentKind",
        "RelationshipEnum": "registrations.constants.Relationship",
        "SexEnum": "registrations.constants.Sex",
        "BundleStateEnum": "registrations.constants.BundleState",
        "EthnicityEnum": "registrations.constants.ETHNICITY_CHOICES",
    },
}

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Messages renamed into place once written (portal/common/broker.py), never read half-written. The
    # alias, not broker_transport: that would also take over a connection made to another URL.
    from kombu.transport import TRANSPORT_ALIASES

    TRANSPORT_ALIASES["filesystem"] = "portal.common.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # The default one-second poll leaves a demo's steps visibly waiting between tasks.
        "polling_interval": 0.05,
    }
    # The transport expects its folders to exist before the first message is written or read.
    for _folder in ("queue", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    # The filesystem transport has no broadcast exchange for remote control.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    # Short socket timeouts: with Redis down, a request that only wanted to nudge the relay gives up
    # quickly (the relay's beat picks the work up later; nothing is lost).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
REDIS_URL = env.str("REDIS_URL", default="")
# The shared cache holds request counters (and nothing that cannot be lost). Without Redis (the
# embedded first run) each process counts on its own.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if REDIS_URL:
    # Short timeouts: with Redis down a request waits at most this long before going on unlimited.
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
RATE_LIMIT_CACHE = "default"
# Requests per window: "user" per signed-in account on the API, "anon" per address, "agency" per
# agency on the callback endpoint (counted after the signature is checked, so nobody can spend an
# agency's budget for it), "hospital" per medical facility on the certificate intake, "unsigned" per
# address on those two when the signature fails.
RATE_LIMITS = {
    "user": env.str("RATE_LIMIT_USER", default="240/min"),
    "anon": env.str("RATE_LIMIT_ANON", default="60/min"),
    "agency": env.str("RATE_LIMIT_AGENCY", default="6000/min"),
    "hospital": env.str("RATE_LIMIT_HOSPITAL", default="1200/min"),
    # Bad or missing signatures per address on the peer endpoints: past it, the address is refused
    # for the rest of the window without its signature being checked.
    "unsigned": env.str("RATE_LIMIT_UNSIGNED", default="20/min"),
    # Name checks on the public verification page, per address: a few honest tries, no guessing.
    "name_check": env.str("RATE_LIMIT_NAME_CHECK", default="10/hour"),
}
# Proxies of our own in front of gunicorn (docker-compose has one): the client's address is the one
# the outermost of them saw in X-Forwarded-For; 0 trusts no such header.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES or None
# Deployments (and the test suite) sharing one broker keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Agency calls wait on the network, not on the CPU: they have a queue of their own, served in production
# by a worker with many threads (docker-compose's `delivery`), so a slow agency or a burst of them never
# takes the slots of the relay and the other jobs. A worker started without -Q serves both queues.
CELERY_DELIVERY_QUEUE = env.str("CELERY_DELIVERY_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}.delivery")
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(CELERY_DELIVERY_QUEUE))
CELERY_TASK_ROUTES = {
    "interconnect.tasks.deliver_step": {"queue": CELERY_DELIVERY_QUEUE},
    "interconnect.tasks.probe_delivery": {"queue": CELERY_DELIVERY_QUEUE},
    "national_portal.tasks.deliver_status": {"queue": CELERY_DELIVERY_QUEUE},
}
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, and given back if its worker dies, so a crash loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=10.0)
# /readyz calls beat stale after this long without a heartbeat reaching the database.
HEARTBEAT_STALE_SECONDS = env.float("HEARTBEAT_STALE_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "health-heartbeat": {"task": "portal.health.tasks.heartbeat", "schedule": HEARTBEAT_SECONDS},
    "interconnect-relay": {
        "task": "interconnect.tasks.relay_tick",
        "schedule": env.float("RELAY_SECONDS", default=2.0),
    },
    "interconnect-reconcile": {"task": "interconnect.tasks.reconcile", "schedule": 60.0},
    "national-portal-pull": {
        "task": "national_portal.tasks.pull_dossiers",
        "schedule": env.float("NATIONAL_PORTAL_PULL_SECONDS", default=60.0),
    },
    "national-portal-push": {
        "task": "national_portal.tasks.push_statuses",
        "schedule": env.float("NATIONAL_PORTAL_PUSH_SECONDS", default=2.0),
    },
    "supplement-deadlines": {"task": "registrations.tasks.process_supplement_deadlines", "schedule": 15 * 60},
    "retention-purge": {"task": "portal.web.tasks.purge_expired", "schedule": crontab(hour=1, minute=30)},
    "dashboard-provinces": {
        "task": "portal.dashboard.tasks.refresh_provinces",
        "schedule": env.float("DASHBOARD_REFRESH_SECONDS", default=30.0),
    },
    "audit-seal-yesterday": {
        "task": "portal.audit.tasks.seal_previous_day",
        "schedule": crontab(hour=0, minute=5),
    },
    # Extracts are for life: a new document timestamp before the newest one's certificate expires.
    "signing-archive-renewal": {
        "task": "signing.tasks.renew_archive_timestamps",
        "schedule": crontab(hour=2, minute=15),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- the National Public Service Portal (interconnect.national_portal) ----------------------------
# Decree 301/2026/NĐ-CP, Art. 18.3: from 1 January 2027 the two groups are coordinated through the
# national portal. Its endpoints and login are not published: everything here is configuration.
NATIONAL_PORTAL = {
    # "coordination": the interconnection software's style (token, list / detail / acknowledge /
    # status); "sync": the portal's dossier-sync services (session, one endpoint, a service field).
    "style": env.str("NATIONAL_PORTAL_STYLE", default="coordination"),
    "base_url": env.str("NATIONAL_PORTAL_URL", default="").rstrip("/"),
    "username": env.str("NATIONAL_PORTAL_USERNAME", default=""),
    "password": env.str("NATIONAL_PORTAL_PASSWORD", default=""),
    "from": date.fromisoformat(env.str("NATIONAL_PORTAL_FROM", default="2027-01-01")),
    # Province codes where the connector runs ("*": everywhere), as proactive registration is switched on.
    "provinces": env.list("NATIONAL_PORTAL_PROVINCES", default=["*"]),
    "status_map": env.str("NATIONAL_PORTAL_STATUS_MAP", default=""),
    "connect_timeout": env.float("NATIONAL_PORTAL_CONNECT_TIMEOUT", default=3.0),
    "read_timeout": env.float("NATIONAL_PORTAL_READ_TIMEOUT", default=10.0),
    "max_attempts": env.int("NATIONAL_PORTAL_MAX_ATTEMPTS", default=12),
    "backoff_base": env.float("NATIONAL_PORTAL_BACKOFF_BASE", default=2.0),
    "backoff_cap": env.float("NATIONAL_PORTAL_BACKOFF_CAP", default=600.0),
    "lease_seconds": env.float("NATIONAL_PORTAL_LEASE_SECONDS", default=60.0),
    "batch": env.int("NATIONAL_PORTAL_BATCH", default=100),
    # /readyz calls the connector stalled when a message has waited this long.
    "stall_seconds": env.float("NATIONAL_PORTAL_STALL_SECONDS", default=600.0),
    # Service names and paths of each style, should the published contract name them otherwise.
    "paths": {
        "token": env.str("NATIONAL_PORTAL_PATH_TOKEN", default="/auth/token"),
        "dossiers": env.str("NATIONAL_PORTAL_PATH_DOSSIERS", default="/dossiers"),
        "login": env.str("NATIONAL_PORTAL_PATH_LOGIN", default="/login"),
        "service": env.str("NATIONAL_PORTAL_PATH_SERVICE", default="/service"),
    },
}

# --- agencies (interconnect) --------------------------------------------------------------------
AGENCY_CODES = ("police", "social_insurance", "labour")
# Each agency: its base URL and the HMAC secrets in force (the first signs; any verifies, so a secret
# can be rotated without downtime). Production sets AGENCY_<CODE>_URL and AGENCY_<CODE>_SECRETS.
AGENCIES = {
    code: {
        "base_url": env.str(f"AGENCY_{code.upper()}_URL", default=""),
        "secrets": env.list(f"AGENCY_{code.upper()}_SECRETS", default=[]),
    }
    for code in AGENCY_CODES
}
INTERCONNECT = {
    "connect_timeout": env.float("INTERCONNECT_CONNECT_TIMEOUT", default=3.0),
    "read_timeout": env.float("INTERCONNECT_READ_TIMEOUT", default=10.0),
    "max_attempts": env.int("INTERCONNECT_MAX_ATTEMPTS", default=8),
    "backoff_base": env.float("INTERCONNECT_BACKOFF_BASE", default=2.0),
    "backoff_cap": env.float("INTERCONNECT_BACKOFF_CAP", default=600.0),
    "lease_seconds": env.float("INTERCONNECT_LEASE_SECONDS", default=60.0),
    "relay_batch": env.int("INTERCONNECT_RELAY_BATCH", default=100),
    # An accepted request with no callback after this long is asked about (reconciliation).
    "accepted_grace_seconds": env.float("INTERCONNECT_ACCEPTED_GRACE", default=300.0),
    "callback_window_seconds": env.float("INTERCONNECT_CALLBACK_WINDOW", default=300.0),
    # /readyz calls the relay stalled when a due step has waited this long.
    "stall_seconds": env.float("INTERCONNECT_STALL_SECONDS", default=300.0),
}
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- signing ------------------------------------------------------------------------------------
# PKCS#12 files of the leaders' signing certificates, the passphrase that opens them, and the roots a
# verifier trusts. Development keeps a self-made PKI under var/pki (never in the repository).
SIGNING = {
    "pki_dir": Path(env.str("SIGNING_PKI_DIR", default=str(VAR_DIR / "pki"))),
    "passphrase": env.str("SIGNING_KEY_PASSPHRASE", default=""),
    "trust_roots": env.list("SIGNING_TRUST_ROOTS", default=[]),
    # The time-stamping authority of the signatures' B-LTA timestamps (required: without it no
    # signature can outlive its certificate).
    "tsa_url": env.str("SIGNING_TSA_URL", default=""),
    # Renew an extract's archive timestamp this long before the newest one's certificate expires.
    "renew_before_days": env.int("SIGNING_RENEW_BEFORE_DAYS", default=180),
    # Demo and tests: where the test PKI (OCSP, CRLs, time stamps) answers; empty in production.
    "pki_url": env.str("SIGNING_PKI_URL", default=""),
    # Leaders' keys on PKCS#11 tokens: the module the tokens are reached through.
    "pkcs11_module": env.str("SIGNING_PKCS11_MODULE", default="/usr/lib/softhsm/libsofthsm2.so"),
    # Demo: SoftHSM's configuration (its token folder under var/); production sets SOFTHSM2_CONF or
    # uses its HSM vendor's module.
    "softhsm_conf": env.str("SIGNING_SOFTHSM_CONF", default=""),
    # Leaders' keys held by a remote-signing provider: its CSC API (the part before /csc/v1/) and, when
    # it asks for one, the portal's OAuth token there.
    "csc_url": env.str("SIGNING_CSC_URL", default=""),
    "csc_token": env.str("SIGNING_CSC_TOKEN", default=""),
    "font_dir": Path(env.str("SIGNING_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")),
    # A batch signature needs the password re-entered within this many seconds.
    "reauth_seconds": env.int("SIGNING_REAUTH_SECONDS", default=300),
}

# --- logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
