"""The demo and development settings that ``make run`` uses: DEBUG on, mock e-ID and mock agencies
mounted, secrets generated once under ``var/`` (never in the repository)."""

import secrets
from datetime import date

from .base import *  # noqa: F403
from .base import VAR_DIR, env


def _local_secret(name: str) -> str:
    """A per-checkout random secret kept under var/, so restarts keep sessions and encrypted data."""
    path = VAR_DIR / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret("secret_key")
PERSONAL_DATA_KEY = env.str("PERSONAL_DATA_KEY", default="") or _local_secret("personal_data_key")
ROOT_URLCONF = "portal.urls_demo"
DEMO_MODE = True
CITIZEN_PASSWORD_LOGIN = True
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="lienthong-demo-2026")

# The mock agencies answer under /mock-agencies/ of this very server, with secrets made for this
# checkout; `python manage.py run_mock_agencies --port 8100` serves them on their own port instead.
INSTALLED_APPS = [*INSTALLED_APPS, "interconnect.mock_agencies", "interconnect.national_portal.mock"]  # noqa: F405
for _code, _agency in AGENCIES.items():  # noqa: F405
    _agency["base_url"] = _agency["base_url"] or f"{SITE_URL}/mock-agencies/{_code}"  # noqa: F405
    _agency["secrets"] = _agency["secrets"] or [_local_secret(f"agency_{_code}")]
SIGNING["passphrase"] = SIGNING["passphrase"] or _local_secret("signing_passphrase")  # noqa: F405
SIGNING["trust_roots"] = SIGNING["trust_roots"] or [str(SIGNING["pki_dir"] / "root.pem")]  # noqa: F405
# The test PKI answers under /mock-pki/ of this very server (certomancer's services, see signing.pki).
SIGNING["pki_url"] = SIGNING["pki_url"] or f"{SITE_URL}/mock-pki"  # noqa: F405
SIGNING["tsa_url"] = SIGNING["tsa_url"] or f"{SIGNING['pki_url']}/cong-lien-thong/tsa/current"  # noqa: F405
SIGNING["csc_url"] = SIGNING["csc_url"] or f"{SITE_URL}/mock-ky-so-tu-xa"  # noqa: F405
SIGNING["softhsm_conf"] = SIGNING["softhsm_conf"] or str(VAR_DIR / "softhsm" / "softhsm2.conf")  # noqa: F405
# The mock National Public Service Portal answers under /mock-dich-vu-cong/ of this very server. The demo
# shows the connector ahead of 1 January 2027, when Decree 301/2026/NĐ-CP makes it the way dossiers come.
NATIONAL_PORTAL["base_url"] = NATIONAL_PORTAL["base_url"] or f"{SITE_URL}/mock-dich-vu-cong"  # noqa: F405
NATIONAL_PORTAL["username"] = NATIONAL_PORTAL["username"] or "ubnd-xa-phuong"  # noqa: F405
NATIONAL_PORTAL["password"] = NATIONAL_PORTAL["password"] or _local_secret("national_portal")  # noqa: F405
NATIONAL_PORTAL["from"] = date.fromisoformat(env.str("NATIONAL_PORTAL_FROM", default="2026-09-01"))  # noqa: F405
# The demo pulls every ten seconds, so a dossier filed on the mock portal reaches the queue while one waits.
CELERY_BEAT_SCHEDULE["national-portal-pull"]["schedule"] = env.float(  # noqa: F405
    "NATIONAL_PORTAL_PULL_SECONDS", default=10.0
)
