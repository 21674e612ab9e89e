"""Beat schedules, the broker carries, a worker runs: the heartbeat reaches the database through real
processes, on the embedded defaults (SQLite + filesystem broker) and on PostgreSQL + Redis."""

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

from bench.processes import PortalProcesses
from portal.health.models import Heartbeat

ROOT = Path(__file__).resolve().parents[2]


def worker_and_beat(env, tmp_path) -> PortalProcesses:
    processes = PortalProcesses(cwd=ROOT, env=env, log_dir=tmp_path)
    processes.start_worker(pool="solo")
    processes.start_beat(schedule=tmp_path / "beat-schedule")
    return processes


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_heartbeat_flows_through_beat_and_worker_on_embedded_defaults(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_VAR_DIR=str(tmp_path), HEARTBEAT_SECONDS="1"
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    database = tmp_path / "portal.sqlite3"

    def beat_recorded():
        with sqlite3.connect(database) as db:
            return db.execute("SELECT count(*) FROM health_heartbeat").fetchone()[0] == 1

    processes = worker_and_beat(env, tmp_path)
    try:
        assert wait_for(beat_recorded), "worker/beat produced no heartbeat"
    finally:
        processes.stop()
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_heartbeat_flows_through_beat_and_worker_on_postgresql_and_redis(tmp_path, client):
    # The same server and credentials as the suite, but the test database pytest-django created.
    database_url = (
        urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
        "HEARTBEAT_SECONDS": "1",
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
    }
    processes = worker_and_beat(env, tmp_path)
    try:
        assert wait_for(lambda: Heartbeat.objects.exists()), "worker/beat produced no heartbeat"
    finally:
        processes.stop()
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["checks"]["broker"] == "ok"
