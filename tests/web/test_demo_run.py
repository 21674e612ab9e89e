"""What `make run` serves, with no servers installed: SQLite, the filesystem broker, a Celery worker
and beat, the mock agencies inside the web server. The demo leader signs the two registered demo
bundles and both reach *completed* in the background."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIGN_DEMO = """
from portal.accounts.models import User
from registrations.models import Bundle
from signing.services import bundle_sign_extract
leader = User.objects.get(username="leader1")
for bundle in Bundle.objects.filter(state="registered"):
    bundle_sign_extract(bundle=bundle, leader=leader)
print(sorted(Bundle.objects.values_list("state", flat=True)))
"""
REMOTE_CREDENTIAL = """
from signing.models import SignerCertificate
print(SignerCertificate.objects.get(user__username="leader2", active=True, holding="csc").credential_id)
"""
STATES = (
    "from registrations.models import Bundle; print(sorted(Bundle.objects.values_list('state', flat=True)))"
)


FILE_ON_PORTAL = """
from portal.accounts.models import User
from interconnect.national_portal.mock.filing import file_dossier
print(file_dossier(citizen=User.objects.get(username="citizen3"), group="birth", ward=16690).code)
"""
TAKEN = """
from interconnect.national_portal.models import InboundDossier
row = InboundDossier.objects.filter(code="{code}").first()
print("key:" + (str(row.bundle.public_id) if row and row.bundle else ""))
print("reasons:" + str(row.reasons if row else ""))
"""
ACCEPT = """
from portal.accounts.models import User
from registrations import services
from registrations.models import Bundle
clerk = User.objects.get(username="clerk1")
services.bundle_accept(bundle=Bundle.objects.get(public_id="{key}"), actor=clerk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_signed_demo_bundle_completes_in_the_background_on_embedded_defaults(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        PORTAL_VAR_DIR=str(tmp_path),
        SITE_URL=f"http://127.0.0.1:{port}",
        RELAY_SECONDS="0.5",
        NATIONAL_PORTAL_PULL_SECONDS="2",
        DEBUG="true",
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    for command in (["migrate", "-v0"], ["load_divisions"], ["seed_demo"], ["init_dev_pki"]):
        manage(*command)
    log = (tmp_path / "run.log").open("w")
    portal = subprocess.Popen(
        [sys.executable, "manage.py", "run_portal", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.3)
        # The personal ID number of the registered birth arrives from the mock police in the background.
        deadline = time.monotonic() + 90
        while "registered" in manage("shell", "-c", STATES) and time.monotonic() < deadline:
            output = manage(
                "shell",
                "-c",
                "from registrations.models import Step; "
                "print(Step.objects.filter(procedure='personal_id', state='done').count())",
            )
            if output.strip().endswith("1"):
                break
            time.sleep(1)
        # leader2's key is held by the demo's remote-signing provider, mounted in the site.
        credential = manage("shell", "-c", REMOTE_CREDENTIAL).strip().splitlines()[-1]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/mock-ky-so-tu-xa/csc/v1/credentials/info",
            data=json.dumps({"credentialID": credential, "certificates": "chain"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            assert len(json.load(answer)["cert"]["certificates"]) == 3
        manage("shell", "-c", SIGN_DEMO)
        deadline = time.monotonic() + 120
        states = ""
        while time.monotonic() < deadline:
            states = manage("shell", "-c", STATES).strip().splitlines()[-1]
            if states.count("completed") == 2:
                break
            time.sleep(1)
        assert states == "['completed', 'completed', 'submitted']", (tmp_path / "run.log").read_text()[-3000:]
        # A dossier filed on the mock national portal reaches the clerk's queue at the next pull, and
        # what the clerk does shows on the portal's page, as do the demo bundles' results.
        code = manage("shell", "-c", FILE_ON_PORTAL).strip().splitlines()[-1]
        key, deadline = "", time.monotonic() + 60
        while not key and time.monotonic() < deadline:
            # The shell prints its own line about automatic imports: the answer is the "key:" one.
            answer = manage("shell", "-c", TAKEN.format(code=code))
            key = next(line[4:] for line in answer.splitlines() if line.startswith("key:"))
            time.sleep(1)
        assert key, answer
        manage("shell", "-c", ACCEPT.format(key=key))
        deadline, page = time.monotonic() + 30, ""
        while time.monotonic() < deadline:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/mock-dich-vu-cong/ho-so/", timeout=5
            ) as answer:  # noqa: S310
                page = answer.read().decode()
            section = page.split(code, 1)[-1].split("</section>", 1)[0]
            if "2 · Được tiếp nhận" in section and page.count("10 · Đã trả kết quả") == 2:
                break
            time.sleep(1)
        assert "2 · Được tiếp nhận" in section and page.count("10 · Đã trả kết quả") == 2, page[-3000:]
    finally:
        os.killpg(portal.pid, signal.SIGTERM)
        portal.wait(timeout=30)
        log.close()
