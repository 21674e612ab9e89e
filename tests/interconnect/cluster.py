"""Real processes for the integration tests: a Celery worker and beat, the mock agencies on their own
port, and (for the fault test) a Redis server of the test's own that it can restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
AGENCY_CODES = ("POLICE", "SOCIAL_INSURANCE", "LABOUR")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class RedisServer:
    """A throw-away Redis that keeps nothing on disk, so a restart loses every queued message."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Cluster:
    def __init__(
        self,
        *,
        tmp_path: Path,
        site_url: str,
        broker_url: str,
        secrets: dict[str, str],
        interconnect: dict[str, str] | None = None,
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
            **(interconnect or {}),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def _start(self, name: str, args: list[str], settings_module: str) -> None:
        log = self.tmp_path / f"{name}.log"
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": settings_module},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_mock(self) -> None:
        self._start(
            "mock",
            [sys.executable, "manage.py", "run_mock_agencies", "--port", str(self.mock_port)],
            "portal.settings.dev",
        )
        wait_for_port(self.mock_port)

    def start_worker(self, name: str = "worker") -> None:
        self._start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=prefork",
                "--concurrency=4",
                "--loglevel=WARNING",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                self.queue,
                "-n",
                f"{name}-{self.queue}@%h",
            ],
            "portal.settings.test",
        )

    def start_beat(self) -> None:
        self._start(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel=WARNING",
                "--schedule",
                str(self.tmp_path / "beat-schedule"),
            ],
            "portal.settings.test",
        )

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group: the worker and its pool children die mid-task."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def tail(self) -> str:
        return "\n".join(
            f"--- {name}\n{log.read_text()[-3000:]}" for name, log in self.logs.items() if log.exists()
        )
