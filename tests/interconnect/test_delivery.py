"""Delivery of steps to the mock agencies over real HTTP, driven by the relay in this process."""

import json
import time
import uuid
from datetime import date, timedelta
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from interconnect import services
from interconnect.mock_agencies import behaviour
from interconnect.mock_agencies.models import MockRequest
from interconnect.models import Attempt, CallbackReceipt, MessageLog
from portal.common import signatures
from portal.common.identifiers import personal_id_errors
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.models import Bundle, Step
from tests.registrations.helpers import Api, birth_declaration, death_declaration
from tests.registrations.states import Cast, build

from .conftest import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(agencies):
    return Cast()


def sign_and_finish(bundle, cast):
    """The leader signs once the extract is complete, then the relay delivers the rest."""
    drain(
        until=lambda: (
            bundle.steps.filter(procedure__in=["personal_id"], state="done").exists()
            or bundle.group == "death"
        )
    )
    bundle_services.bundle_sign(bundle=bundle, actor=cast.leader)
    drain()
    bundle.refresh_from_db()
    return bundle


def test_a_birth_bundle_reaches_completed_with_one_effect_per_step(cast):
    bundle = build(
        "registered",
        cast,
        birth_declaration(procedures=["permanent_residence", "health_insurance", "child_id_card"]),
    )
    bundle = sign_and_finish(bundle, cast)
    assert bundle.state == "completed"
    child = bundle.people.get(role="child")
    assert personal_id_errors(child.id_number, date_of_birth=child.date_of_birth, sex=child.sex) == []
    results = dict(bundle.steps.values_list("procedure", "result"))
    assert results["health_insurance"]["valid_to"].endswith(
        (child.date_of_birth.replace(year=child.date_of_birth.year + 6) - timedelta(days=1)).isoformat()[-5:]
    )
    assert results["child_id_card"]["card_number"] == child.id_number
    assert list(MockRequest.objects.values_list("effects", flat=True)) == [1, 1, 1, 1]
    assert Attempt.objects.filter(outcome="done").count() == 4
    assert MessageLog.objects.filter(direction="out", kind="request").count() == 4


def test_a_death_bundle_pays_ten_times_the_reference_level_to_an_insured_persons_family(cast):
    """Social Insurance Law 2024 Art. 86; 2,530,000 VND from 1 July 2026 (Decree 161/2026/NĐ-CP)."""
    bundle = build("registered", cast, death_declaration(survivor=True, died=date(2026, 7, 3)))
    bundle = sign_and_finish(bundle, cast)
    assert bundle.state == "completed"
    funeral = bundle.steps.get(procedure="funeral_allowance")
    assert funeral.agency == "social_insurance"
    assert funeral.result["amount_vnd"] == 25_300_000
    assert "161/2026/NĐ-CP" in funeral.result["legal_basis"]
    assert funeral.result["survivor_benefit"]["form"] == "monthly"


def test_202_then_callback(cast):
    behaviour.set_knobs({"accept_rate": 1.0, "callback_delay_ms": 100})
    bundle = build("registered", cast)
    drain(until=lambda: Step.objects.filter(procedure="personal_id", state="accepted").exists())
    drain()
    assert Step.objects.get(bundle=bundle, procedure="personal_id").state == "done"
    assert CallbackReceipt.objects.count() == 1
    assert MessageLog.objects.filter(kind="callback", direction="in").count() == 1


def test_a_rejected_step_shows_the_reason_and_completes_after_a_fix_and_replay(cast):
    behaviour.set_knobs({"reject_rate": 1.0})
    bundle = build("registered", cast)
    drain()
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    assert step.state == "rejected" and "không khớp" in step.reason
    detail = Api(cast.clerk).get(bundle.public_id).json()
    shown = next(s for s in detail["steps"] if s["procedure"] == "personal_id")
    assert shown["state"] == "rejected" and "không khớp" in shown["reason"]
    # The agency's data was corrected; the mock now accepts a fresh request.
    behaviour.set_knobs({})
    MockRequest.objects.all().delete()
    response = Api(cast.clerk).client.post(f"/api/v1/bundles/{bundle.public_id}/steps/personal_id/replay/")
    assert response.status_code == 200, response.json()
    drain()
    assert Step.objects.get(pk=step.pk).state == "done"


def test_a_dead_step_is_replayable_by_api_and_by_command(cast):
    behaviour.set_knobs({"fail_first": 100})
    bundle = build("registered", cast)
    drain()
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    assert step.state == "dead" and step.attempts == 6
    assert Attempt.objects.filter(step=step).count() == 6
    assert set(Attempt.objects.filter(step=step).values_list("status_code", flat=True)) == {500}
    # The citizen may not replay; the clerk may.
    replay_url = f"/api/v1/bundles/{bundle.public_id}/steps/personal_id/replay/"
    assert Api(cast.citizen).client.post(replay_url).status_code == 403
    behaviour.set_knobs({})
    out = StringIO()
    call_command("interconnect_replay", "--dead", stdout=out)
    assert "1" in out.getvalue()
    drain()
    assert Step.objects.get(pk=step.pk).state == "done"
    assert MockRequest.objects.get().effects == 1


def test_a_timeout_after_the_effect_is_retried_without_a_second_effect(cast, settings):
    settings.INTERCONNECT = {**settings.INTERCONNECT, "read_timeout": 0.5}
    behaviour.set_knobs({"fail_first": 1, "fail_first_mode": "timeout", "timeout_seconds": 1.0})
    bundle = build("registered", cast)
    drain()
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    assert step.state == "done"
    outcomes = list(Attempt.objects.filter(step=step).order_by("number").values_list("outcome", flat=True))
    assert outcomes[0] == "retry" and outcomes[-1] == "done"
    assert MockRequest.objects.get().effects == 1


def test_reconciliation_resolves_a_step_whose_callback_never_comes(cast):
    behaviour.set_knobs({"accept_rate": 1.0, "drop_callbacks": True})
    bundle = build("registered", cast)
    drain(until=lambda: Step.objects.filter(procedure="personal_id", state="accepted").exists())
    assert services.reconcile() == {"done": 1, "rejected": 0, "resent": 0, "waiting": 0, "error": 0}
    assert Step.objects.get(bundle=bundle, procedure="personal_id").state == "done"


def test_a_worker_killed_mid_send_leaves_a_lease_that_expires(cast):
    build("registered", cast)
    [(step_id, attempt)] = services.relay_claim()
    assert attempt == 1
    # The worker dies here. Nothing is claimable until the lease expires…
    assert services.relay_claim() == []
    Step.objects.filter(pk=step_id).update(lease_until=timezone.now() - timedelta(seconds=1))
    [(again, second)] = services.relay_claim()
    assert (again, second) == (step_id, 2)
    # …and the first worker's late report is fenced off.
    assert (
        bundle_services.step_schedule_retry(
            step_id=step_id, attempt=1, error="late", next_attempt_at=timezone.now()
        )
        is False
    )
    assert services.step_deliver(step_id=step_id, attempt=1) == "stale"
    assert services.step_deliver(step_id=step_id, attempt=2) == "done"
    assert Step.objects.get(pk=step_id).state == "done"


# --- callbacks ----------------------------------------------------------------------------------


def post_callback(live_server, agency, message, *, secret=None, timestamp=None, raw=None):
    from django.conf import settings

    body = raw if raw is not None else json.dumps(message).encode()
    secret = secret or settings.AGENCIES[agency]["secrets"][0]
    headers = {
        "Content-Type": "application/json",
        **signatures.signed_headers(secret=secret, body=body, now=timestamp),
    }
    url = f"{live_server.url}/api/v1/interconnect/callbacks/{agency}/"
    return requests.post(url, data=body, headers=headers, timeout=5), headers, body


def test_callbacks_are_verified_and_replays_refused(cast, agencies):
    behaviour.set_knobs({"accept_rate": 1.0, "drop_callbacks": True})
    bundle = build("registered", cast)
    drain(until=lambda: Step.objects.filter(procedure="personal_id", state="accepted").exists())
    step = Step.objects.get(bundle=bundle, procedure="personal_id")
    child = bundle.people.get(role="child")
    number = f"040{2 + (child.sex == 'female')}{child.date_of_birth.year % 100:02d}123456"
    good = {"idempotency_key": str(step.idempotency_key), "status": "done", "result": {"personal_id": number}}

    def unchanged():
        assert Step.objects.get(pk=step.pk).state == "accepted"

    assert post_callback(agencies, "police", good, secret="not-the-secret")[0].status_code == 401
    unchanged()
    stale = post_callback(agencies, "police", good, timestamp=time.time() - 3600)[0]
    assert stale.status_code == 401 and stale.headers["Content-Type"] == "application/problem+json"
    unchanged()
    unknown = {**good, "idempotency_key": str(uuid.uuid4())}
    assert post_callback(agencies, "police", unknown)[0].status_code == 404
    assert post_callback(agencies, "labour", good)[0].status_code == 404  # not that agency's request
    unchanged()
    ok, headers, body = post_callback(agencies, "police", good)
    assert ok.status_code == 200
    assert Step.objects.get(pk=step.pk).state == "done"
    replay = requests.post(
        f"{agencies.url}/api/v1/interconnect/callbacks/police/", data=body, headers=headers, timeout=5
    )
    assert replay.status_code == 409
    assert Bundle.objects.get(pk=bundle.pk).people.get(role="child").id_number == number


@pytest.mark.parametrize(
    ("knobs", "outcome", "budget"),
    [
        ({}, "done", 24),
        ({"accept_rate": 1.0, "drop_callbacks": True}, "accepted", 21),
        ({"fail_first": 1}, "retry", 18),
    ],
    ids=["answered", "accepted", "retried"],
)
@pytest.mark.services  # on SQLite the live server's mock agencies share this thread's connection
def test_a_delivered_step_stays_within_its_query_budget(cast, knobs, outcome, budget):
    """Claim, attempt row, message log in and out, the step's move, its audit event and the roll-ups:
    the same number of queries for every step, whatever else is in the tables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    behaviour.set_knobs(knobs)
    counts = []
    for _ in range(3):
        bundle = build("registered", cast)
        with CaptureQueriesContext(connection) as claim:
            [(step_id, attempt)] = services.relay_claim()
        with CaptureQueriesContext(connection) as delivery:
            assert services.step_deliver(step_id=step_id, attempt=attempt) == outcome
        counts.append((len(claim.captured_queries), len(delivery.captured_queries)))
        build("completed", cast)  # more rows of every kind before the next round
        Step.objects.filter(bundle=bundle).exclude(state="done").update(state="waiting")
    assert counts[1] == counts[2]
    assert sum(counts[2]) <= budget


def test_the_mock_police_can_ask_for_verification_and_the_portal_extends_the_limits(cast):
    behaviour.set_knobs({"residence_verification_rate": 1.0, "callback_delay_ms": 50})
    bundle = build("registered", cast, birth_declaration(procedures=["permanent_residence"]))
    bundle = sign_and_finish(bundle, cast)
    assert bundle.state == "completed" and bundle.verification_needed
    event = bundle_selectors.bundle_timeline(bundle, actions=["step.verification_needed"])
    assert [e.data["procedure"] for e in event] == ["permanent_residence"]
