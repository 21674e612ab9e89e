import secrets
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from interconnect import services
from interconnect.mock_agencies import behaviour
from registrations.models import Step


@pytest.fixture
def agencies(live_server, settings, divisions):
    """The mock agencies served over real HTTP by the live server; the portal's callbacks go there too."""
    settings.SITE_URL = live_server.url
    settings.AGENCIES = {
        code: {**agency, "base_url": f"{live_server.url}/mock-agencies/{code}"}
        for code, agency in django_settings.AGENCIES.items()
    }
    settings.INTERCONNECT = {
        **django_settings.INTERCONNECT,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "backoff_base": 0.05,
        "backoff_cap": 0.2,
        "max_attempts": 6,
        "accepted_grace_seconds": 0.0,
    }
    behaviour.set_knobs({})
    return live_server


def drain(*, until=None, seconds: float = 30.0) -> None:
    """Run the relay in this process until nothing is due or in flight (or ``until()`` holds)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        claimed_at = timezone.now()  # as the relay's task does
        for step_id, attempt in services.relay_claim(now=claimed_at):
            services.step_deliver(step_id=step_id, attempt=attempt, claimed_at=claimed_at)
        behaviour.pump_once()
        if until is not None and until():
            return
        active = Step.objects.filter(state__in=["pending", "sending", "accepted"]).exists()
        if until is None and not active:
            return
        time.sleep(0.05)
    raise AssertionError(
        "the relay did not settle in time: "
        + str(list(Step.objects.values_list("procedure", "state", "reason")))
    )


@pytest.fixture
def wired(live_server, settings, divisions, tmp_path):
    """Secrets shared by the portal (callback checks on the live server), the worker and the mock."""
    agency_secrets = {code: secrets.token_hex(16) for code in django_settings.AGENCY_CODES}
    settings.SITE_URL = live_server.url
    settings.AGENCIES = {code: {"base_url": "", "secrets": [agency_secrets[code]]} for code in agency_secrets}
    behaviour.set_knobs({})
    return agency_secrets
