import importlib
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from portal.divisions.models import Province
from portal.divisions.services import divisions_load

# Hà Nội and Nghệ An: enough for two provinces with several wards each, loaded in a fraction of the
# time the full 3,321 wards take (one test loads them all).
TEST_PROVINCES = {1, 40}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def services_problem() -> str | None:
    """Why the PostgreSQL + Redis tests cannot run here, or None when they can."""
    database = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        return "DATABASE_URL does not point at PostgreSQL"
    if not broker.startswith("redis://"):
        return "CELERY_BROKER_URL does not point at Redis"
    if not _reachable(database, 5432):
        return "PostgreSQL is not reachable"
    if not _reachable(broker, 6379):
        return "Redis is not reachable"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("services") is None:
        return
    problem = services_problem()
    if problem:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"service required but unavailable: {problem}")
        pytest.skip(problem)


def require_tool(name: str) -> None:
    """Skip a test whose command-line tool is missing, or fail it where CI demands every service."""
    if shutil.which(name) is None:
        message = f"{name} is not installed (.ci/run installs it)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def test_pki(tmp_path_factory):
    """One test PKI for the run (tests/pki.py); every signature of the suite is B-LTA against it."""
    from tests.pki import SuitePKI

    served = SuitePKI(tmp_path_factory.mktemp("pki"))
    original = settings.SIGNING
    settings.SIGNING = {**original, **served.signing_settings}
    yield served
    settings.SIGNING = original
    served.close()


@pytest.fixture(scope="session")
def remote_provider(test_pki):
    """The remote-signing provider (certomancer-csc-dummy wrapped with codes and expiring activation)
    served on loopback for the run; the portal's CSC client points at it."""
    from django.conf import settings

    from signing.pki.remote import RemoteSigningProvider, ServedProvider

    served = ServedProvider(RemoteSigningProvider(test_pki.pki))
    original = settings.SIGNING
    settings.SIGNING = {**original, "csc_url": served.url}
    yield served.provider
    settings.SIGNING = original
    served.close()


@pytest.fixture(scope="session", autouse=True)
def softhsm_tokens(tmp_path_factory):
    """SoftHSM2 keeps this run's tokens in a folder of its own (read once, when the library loads)."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    from signing.tokens import softhsm_conf_text

    conf.write_text(softhsm_conf_text(folder / "tokens"))
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    yield conf
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        divisions_load(province_codes=TEST_PROVINCES)


@pytest.fixture
def divisions(db):
    """The test provinces' divisions and the procedure catalogue; restored when a transactional test
    emptied the tables (its flush also removes what data migrations seeded)."""
    if Province.objects.filter(code__in=TEST_PROVINCES).count() != len(TEST_PROVINCES):
        divisions_load(province_codes=TEST_PROVINCES)
    from registrations.models import CatalogueVersion

    if not CatalogueVersion.objects.exists():
        seed = importlib.import_module("registrations.migrations.0002_seed_catalogue")
        seed.seed(django_apps, None)
        # The later data migrations that amend the seeded catalogue, as a fresh database has them.
        for amending in ("0014_registration_place_by_version", "0016_procedure_english_names_seed"):
            importlib.import_module(f"registrations.migrations.{amending}").apply(django_apps)
    from registrations.models import BenefitRate

    if not BenefitRate.objects.exists():
        importlib.import_module("registrations.migrations.0007_dated_benefit_amounts").seed(django_apps, None)
    from registrations.models import AgencyName

    if not AgencyName.objects.exists():
        importlib.import_module("registrations.migrations.0009_agency_names_by_date").seed(django_apps, None)


@pytest.fixture
def demo_password():
    return settings.DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """The catalogue and the calendar windows are kept by each process for a minute and forgotten
    when they are saved; a test's rolled-back rows send no such signal, so each test starts clean."""
    from portal.workcalendar.services import overrides_cache_clear
    from registrations.selectors import catalogue_cache_clear

    overrides_cache_clear()
    catalogue_cache_clear()
