from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from portal.health import checks
from portal.health.models import Heartbeat
from portal.health.tasks import BEAT, heartbeat


@pytest.fixture
def fresh_heartbeat(db):
    heartbeat()  # what the worker runs when beat schedules it


def test_healthz_answers_while_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_is_ready_when_database_broker_and_beat_are(client, fresh_heartbeat):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "broker": "ok", "beat": "ok", "relay": "ok", "national_portal": "ok"},
        "failed": [],
    }


def test_readyz_names_the_database_when_it_is_down(client, fresh_heartbeat, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(checks, "connection", Unreachable())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database" in response.json()["failed"]
    assert response.json()["checks"]["database"].startswith("database unreachable")


def test_readyz_names_the_broker_when_it_is_down(client, fresh_heartbeat, monkeypatch):
    real = checks.app.connection_for_write
    # A real connection attempt to a port nothing listens on.
    monkeypatch.setattr(checks.app, "connection_for_write", lambda: real(url="redis://127.0.0.1:1/0"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_readyz_names_beat_when_its_heartbeat_is_stale_or_missing(client, db, settings):
    assert client.get("/readyz").json()["failed"] == ["beat"]
    Heartbeat.objects.create(
        name=BEAT, beat_at=timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS + 5)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["beat"]
    assert "old" in response.json()["checks"]["beat"]


def test_check_ready_command_fails_on_a_stale_beat_and_passes_when_fresh(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="beat"):
        call_command("check_ready", "--only", "beat")
    heartbeat()
    call_command("check_ready", "--only", "beat", "--only", "database")


def test_readyz_names_a_stalled_national_portal_connector(client, fresh_heartbeat, settings):
    from datetime import date, timedelta

    from django.utils import timezone

    from interconnect.national_portal.models import StatusMessage

    settings.NATIONAL_PORTAL = {
        **settings.NATIONAL_PORTAL,
        "base_url": "http://127.0.0.1:9/cong",
        "from": date(2026, 1, 1),
    }
    long_ago = timezone.now() - timedelta(seconds=settings.NATIONAL_PORTAL["stall_seconds"] + 60)
    StatusMessage.objects.create(
        dossier_code="H40.16690-261201-0001",
        seq=1,
        status=2,
        occurred_at=long_ago,
        payload={},
        idempotency_key="H40.16690-261201-0001:2:x",
        next_attempt_at=long_ago,
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["national_portal"]
    assert "stalled" in response.json()["checks"]["national_portal"]


def test_readyz_says_when_the_connector_is_due_but_not_configured(client, fresh_heartbeat, settings):
    from datetime import date

    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "base_url": "", "from": date(2026, 1, 1)}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "NATIONAL_PORTAL_URL is not set" in response.json()["checks"]["national_portal"]
