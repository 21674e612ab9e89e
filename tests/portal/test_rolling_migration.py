"""A deploy never needs a restart: while a release's expand migrations run (a nullable column on every
table, a column with a database default, a new table), the portal already serving under gunicorn, with
its database connections kept, goes on answering every kind of request without a single 5xx."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import requests
from rest_framework.authtoken.models import Token

from portal.common import signatures
from registrations import services as bundle_services
from signing import services as signing_services
from signing.views import REAUTH_KEY
from tests.factories import UserFactory
from tests.interconnect.cluster import ROOT, Cluster, free_port
from tests.portal.live import signed_in
from tests.registrations.helpers import PDF, birth_declaration, start_body
from tests.registrations.states import Cast, _send, build, step

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PROBE_SETTINGS = "tests.rolling_probe.settings"


def _migrate(env: dict, target: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "rolling_probe", target, "--noinput"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": PROBE_SETTINGS},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _api(user) -> requests.Session:
    browser = requests.Session()
    browser.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    return browser


class Traffic:
    """Every kind of request the portal answers, over and over, each answer's status counted."""

    def __init__(self, base: str, *, cast: Cast, accepted: list, police_secret: str, province_staff):
        self.base, self.cast, self.accepted, self.police_secret = base, cast, accepted, police_secret
        self.citizen = _api(cast.citizen)
        self.clerk = signed_in(cast.clerk)
        self.leader = signed_in(cast.leader, **{REAUTH_KEY: time.time()})
        self.province = signed_in(province_staff)
        self.province_api = _api(province_staff)
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.rounds = 0
        self.stop = threading.Event()

    def _check(self, what: str, response: requests.Response, expected: int) -> requests.Response:
        self.statuses[response.status_code] += 1
        if response.status_code != expected:
            self.failures.append(f"{what}: {response.status_code} {response.text[:300]}")
        return response

    def one_round(self) -> None:
        url = self.base
        listed = self._check("token list", self.citizen.get(f"{url}/api/v1/bundles/"), 200)
        declaration = start_body(birth_declaration(procedures=["health_insurance"]))
        created = self._check("create", self.citizen.post(f"{url}/api/v1/bundles/", json=declaration), 201)
        key = created.json()["id"] if created.status_code == 201 else None
        if key:
            self._check(
                "attach",
                self.citizen.post(
                    f"{url}/api/v1/bundles/{key}/attachments/",
                    data={"kind": "medical_birth_certificate"},
                    files={"file": ("giay-chung-sinh.pdf", PDF, "application/pdf")},
                ),
                201,
            )
            self._check("submit", self.citizen.post(f"{url}/api/v1/bundles/{key}/submit/"), 200)
            self._check("token detail", self.citizen.get(f"{url}/api/v1/bundles/{key}/"), 200)
        if listed.status_code == 200 and self.accepted:
            bundle, step_key, number = self.accepted.pop()
            body = json.dumps(
                {"idempotency_key": step_key, "status": "done", "result": {"personal_id": number}}
            ).encode()
            headers = {
                "Content-Type": "application/json",
                **signatures.signed_headers(secret=self.police_secret, body=body),
            }
            self._check(
                "callback",
                requests.post(f"{url}/api/v1/interconnect/callbacks/police/", data=body, headers=headers),
                200,
            )
            self._check("signing queue", self.leader.get(f"{url}/ky-so/"), 200)
            signed = self.leader.post(
                f"{url}/ky-so/",
                data={
                    "bundles": [str(bundle.public_id)],
                    "confirm": "on",
                    "csrfmiddlewaretoken": self.leader.headers["X-CSRFToken"],
                },
                allow_redirects=False,
            )
            self._check("sign", signed, 302)
            self._check("case page", self.clerk.get(f"{url}/can-bo/ho-so/{bundle.public_id}/"), 200)
        self._check("clerk queue", self.clerk.get(f"{url}/can-bo/ho-so/"), 200)
        self._check("dashboard page", self.province.get(f"{url}/so-lieu/"), 200)
        self._check("dashboard api", self.province_api.get(f"{url}/api/v1/dashboard/"), 200)
        self.rounds += 1

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.one_round()
            except requests.RequestException as exc:
                self.failures.append(f"no answer: {exc!r}")


@pytest.fixture
def portal_under_gunicorn(divisions, tmp_path, settings, test_pki):
    police_secret = secrets.token_hex(16)
    cluster = Cluster(
        tmp_path=tmp_path,
        site_url="http://127.0.0.1",
        broker_url=f"{settings.CELERY_BROKER_URL}",
        secrets={"police": police_secret, "social_insurance": "s" * 32, "labour": "l" * 32},
        extra_env={
            **test_pki.environment(),
            "RATE_LIMIT_USER": "100000/min",
            "RATE_LIMIT_AGENCY": "100000/min",
            "CONN_MAX_AGE": "600",
        },
    )
    port = free_port()
    cluster.start_web(port)
    try:
        yield cluster, f"http://127.0.0.1:{port}", police_secret
    finally:
        cluster.stop()
        _migrate(cluster.env, "zero")


def _accepted_births(cast: Cast, count: int) -> list:
    """Registered births whose personal-ID request the police accepted: each waits for its callback."""
    out = []
    for n in range(count):
        bundle = build("registered", cast)
        pending = step(bundle, "personal_id")
        _send(pending)
        pending.refresh_from_db()
        bundle_services.step_mark_accepted(step_id=pending.pk, attempt=pending.attempts, reference=f"CA-{n}")
        child = bundle.people.get(role="child")
        number = f"040{2 + (child.sex == 'female')}{child.date_of_birth.year % 100:02d}{n:06d}"
        out.append((bundle, str(pending.idempotency_key), number))
    return out


def test_requests_keep_answering_while_expand_migrations_run(portal_under_gunicorn):
    cluster, base, police_secret = portal_under_gunicorn
    cast = Cast()
    cast.leader.full_name = "Phan Đình Quý"
    cast.leader.save()
    signing_services.certificate_issue_dev(user=cast.leader)
    traffic = Traffic(
        base,
        cast=cast,
        accepted=_accepted_births(cast, 40),
        police_secret=police_secret,
        province_staff=UserFactory(province_staff=True),
    )
    traffic.one_round()  # every kind of request answers before the deploy, each on a kept connection
    assert traffic.failures == [], traffic.failures

    runner = threading.Thread(target=traffic.run)
    runner.start()
    try:
        before = traffic.rounds
        migrated = _migrate(cluster.env, "0003_new_table")
        during = traffic.rounds - before
        time.sleep(3)  # and after it, on the same processes and the same connections
    finally:
        traffic.stop.set()
        runner.join(timeout=120)

    assert migrated.returncode == 0, migrated.stderr[-3000:]
    assert "Applying rolling_probe.0003_new_table... OK" in migrated.stdout
    assert during >= 1, "no request ran while the migrations were applied"
    assert traffic.failures == [], traffic.failures[:10]
    assert not [code for code in traffic.statuses if code >= 500], traffic.statuses
    assert len(traffic.accepted) < 39, "the callbacks and signatures did not run"
