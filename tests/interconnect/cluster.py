"""Real processes for the integration tests: a Celery worker and beat and the mock agencies on their
own port (the throw-away Redis of the fault test comes from ``bench.processes``)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection

from bench.processes import PortalProcesses, RedisServer, free_port, wait_for_port

__all__ = ["Cluster", "RedisServer", "free_port", "wait_for_port"]

ROOT = Path(__file__).resolve().parents[2]
AGENCY_CODES = ("POLICE", "SOCIAL_INSURANCE", "LABOUR")


class Cluster(PortalProcesses):
    def __init__(
        self,
        *,
        tmp_path: Path,
        site_url: str,
        broker_url: str,
        secrets: dict[str, str],
        extra_env: dict[str, str] | None = None,
    ):
        self.tmp_path = tmp_path
        self.mock_port = free_port()
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        database_url = urlparse(os.environ["DATABASE_URL"])._replace(
            path=f"/{connection.settings_dict['NAME']}"
        )
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AGENCY_", "INTERCONNECT_"))}
        self.env = {
            **base,
            "DATABASE_URL": database_url.geturl(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_QUEUE": self.queue,
            "SITE_URL": site_url,
            "PORTAL_VAR_DIR": str(tmp_path),
            "RELAY_SECONDS": "0.5",
            # The same keys as this process: the workers read what this process encrypted.
            "SECRET_KEY": settings.SECRET_KEY,
            "PERSONAL_DATA_KEY": settings.PERSONAL_DATA_KEY,
            "HEARTBEAT_SECONDS": "5",
            **{
                f"AGENCY_{code}_URL": f"http://127.0.0.1:{self.mock_port}/mock-agencies/{code.lower()}"
                for code in AGENCY_CODES
            },
            **{f"AGENCY_{code}_SECRETS": secrets[code.lower()] for code in AGENCY_CODES},
            **(extra_env or {}),  # settings of this test (INTERCONNECT_*, signing, limits)
        }
        super().__init__(cwd=ROOT, env=self.env, log_dir=tmp_path)

    def start_web(
        self, port: int, settings_module: str = "portal.settings.dev", access_log: Path | None = None
    ) -> None:
        """The portal under gunicorn, as deployed: kept database connections, two workers."""
        super().start_web(port=port, access_log=access_log, DJANGO_SETTINGS_MODULE=settings_module)

    def start_mock(self) -> None:
        super().start_mock(port=self.mock_port, DJANGO_SETTINGS_MODULE="portal.settings.dev")

    def start_worker(self, name: str = "worker") -> None:
        super().start_worker(
            name=name,
            queues=(self.queue, f"{self.queue}.delivery"),
            concurrency=4,
            node=f"{name}-{self.queue}@%h",
            DJANGO_SETTINGS_MODULE="portal.settings.test",
        )

    def start_beat(self) -> None:
        super().start_beat(
            schedule=self.tmp_path / "beat-schedule", DJANGO_SETTINGS_MODULE="portal.settings.test"
        )
