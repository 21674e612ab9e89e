"""Real processes on loopback for the bench, `make chaos` and the integration tests: free ports,
waiting for a listener, a throw-away Redis that keeps nothing on disk (so a restart loses every queued
message), and the portal's own processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


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
    """A Redis of one's own on a spare port, without persistence."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Processes:
    """Named processes, each in its own session so that a kill takes its children (a worker's pool)
    with it; output goes to ``<log_dir>/<name>.log``."""

    def __init__(self, *, cwd: Path, env: dict[str, str], log_dir: Path):
        self.cwd, self.env, self.log_dir = cwd, env, log_dir
        self.running: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.commands: dict[str, tuple[list[str], dict[str, str]]] = {}

    def start(self, name: str, args: list[str], **env: str) -> None:
        log = self.log_dir / f"{name}.log"
        self.logs[name] = log
        self.commands[name] = (args, env)
        self.running[name] = subprocess.Popen(
            args,
            cwd=self.cwd,
            env={**self.env, **env},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str) -> None:
        """SIGKILL the whole group: the process and its children die mid-work."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def restart_exited(self) -> list[str]:
        """What a supervisor does (docker-compose's ``restart: unless-stopped``): start again every
        process that exited on its own. Returns their names."""
        exited = [name for name, process in list(self.running.items()) if process.poll() is not None]
        for name in exited:
            args, env = self.commands[name]
            self.start(name, args, **env)
        return exited

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.running.clear()

    def tail(self) -> str:
        return "\n".join(
            f"--- {name}\n{log.read_text()[-3000:]}" for name, log in self.logs.items() if log.exists()
        )

    def pid(self, name: str) -> int:
        return self.running[name].pid


class PortalProcesses(Processes):
    """The portal's own processes as a deployment runs them: gunicorn, a Celery worker and beat, and
    the mock agencies on a port of their own. The one launcher of the bench, `make chaos` and the
    tests that need real processes; ``env`` overrides the environment for one process."""

    def start_web(
        self,
        *,
        port: int,
        workers: int = 2,
        threads: int = 4,
        name: str = "web",
        access_log: Path | None = None,
        **env: str,
    ) -> None:
        logging = ["--access-logfile", str(access_log)] if access_log else []
        self.start(
            name,
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
             "--keep-alive", "30", "--log-level", "warning", *logging],
            **env,
        )  # fmt: skip
        wait_for_port(port)

    def start_worker(
        self,
        *,
        name: str = "worker",
        queues: tuple[str, ...] = (),
        concurrency: int = 2,
        node: str = "",
        pool: str = "prefork",
        **env: str,
    ) -> None:
        """A Celery worker; without ``queues`` it serves every queue of the settings (the jobs and the
        deliveries), as a small deployment's single worker does."""
        args = [sys.executable, "-m", "celery", "-A", "portal", "worker", f"--pool={pool}",
                f"--concurrency={concurrency}", "--loglevel=WARNING",
                "--without-mingle", "--without-gossip"]  # fmt: skip
        if queues:
            args += ["-Q", ",".join(queues)]
        if node:
            args += ["-n", node]
        self.start(name, args, **env)

    def start_beat(self, *, schedule: Path, name: str = "beat", **env: str) -> None:
        self.start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "beat",
                "--loglevel=WARNING",
                "--schedule",
                str(schedule),
            ],
            **env,
        )

    def start_mock(
        self, *, port: int, name: str = "mock", workers: int = 2, threads: int = 8, **env: str
    ) -> None:
        """The mock agencies as a real service is served: gunicorn, several workers, TCP_NODELAY
        (gunicorn sets it on the listening socket; accepted connections inherit it)."""
        self.start(
            name,
            [sys.executable, "-m", "gunicorn", "interconnect.mock_agencies.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
             "--threads", str(threads), "--keep-alive", "30", "--log-level", "warning"],
            **env,
        )  # fmt: skip
        wait_for_port(port)

    def start_deployment_workers(
        self, *, queue: str, jobs: str = "", delivery: tuple[str, ...] = (), threads: int = 8
    ) -> None:
        """The deployment's shape: a worker for the relay and the jobs on ``queue``, and delivery
        workers with ``threads`` threads each on its delivery queue."""
        if jobs:
            self.start_worker(name=jobs, queues=(queue,), node=f"{jobs}@%h")
        for name in delivery:
            self.start_worker(
                name=name,
                queues=(f"{queue}.delivery",),
                pool="threads",
                concurrency=threads,
                node=f"{name}@%h",
            )

    def supervise(self, events: list, stop, log) -> None:
        """Restart what exits on its own, as the deployment's restart policy does: a Celery worker that
        holds unacknowledged messages when Redis goes away stops with "Unrecoverable error" (kombu
        cannot give them back to a broker that is gone); the outbox keeps its steps, and the new
        worker's relay claims them again when their leases expire."""
        while not stop.wait(1.0):
            for name in self.restart_exited():
                log(f"supervisor: {name} had exited; started again")
                events.append({"event": f"{name} exited and was restarted by the supervisor"})
