"""Serve the portal together with a Celery worker and beat, as one foreground command: Ctrl-C (or
SIGTERM) stops all three, and if one of them dies the others are stopped too, so nothing runs
half-alive unnoticed."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy cổng web, worker Celery và Celery beat cùng lúc (Ctrl-C dừng cả ba)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, addr: str, concurrency: int, **options):
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "portal"]
        worker = [*celery, "worker", "--loglevel=INFO", f"--concurrency={concurrency}"]
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            # No broadcast exchange on the filesystem transport: skip the cluster chatter that needs one.
            worker += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": worker,
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Cổng đang chạy tại http://{addr}/ cùng worker và beat. Nhấn Ctrl-C để dừng.")
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} đã dừng (mã {child.returncode}); dừng các tiến trình còn lại.")
                    exit_code, stopping = child.returncode or 1, True
                    break
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(exit_code)
