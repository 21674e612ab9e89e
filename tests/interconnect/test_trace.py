"""Each try of a step keeps its trace on its attempt row, hop by hop, and the clerk's sync panel shows
it; a delivered step costs a bounded number of queries; deliveries have their own queue."""

import contextlib
import json
import threading
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interconnect import services
from interconnect.mock_agencies import behaviour
from interconnect.models import Attempt
from portal.celery import app as celery_app
from portal.common import signatures
from registrations import services as bundle_services
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import Cast, build

from .conftest import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(agencies):
    return Cast()


def test_every_try_keeps_its_hops_in_order_and_the_sync_panel_shows_them(cast, client):
    # Every answer a 202, so every try also has its callback's hop (the 200 path is the budget test's).
    behaviour.set_knobs({"accept_rate": 1.0, "callback_delay_ms": 0})
    bundle = build(
        "registered", cast, birth_declaration(procedures=["permanent_residence", "health_insurance"])
    )
    drain(until=lambda: bundle.steps.filter(procedure="personal_id", state="done").exists())
    bundle_services.bundle_sign(bundle=bundle, actor=cast.leader)
    drain()
    bundle.refresh_from_db()
    assert bundle.state == "completed"
    attempts = list(Attempt.objects.filter(step__bundle=bundle))
    assert len(attempts) == 3
    for a in attempts:
        assert a.due_at <= a.claimed_at <= a.started_at <= a.answered_at <= a.recorded_at, a
    accepted = [a for a in attempts if a.outcome == "accepted"]
    assert len(accepted) == 3
    for a in accepted:
        assert a.result_at is not None and a.result_at >= a.recorded_at
    for a in attempts:  # a step released by another's result is due when that result was recorded
        if a.step.procedure != "personal_id":
            assert a.due_at >= bundle.signed_at
    client.force_login(cast.clerk)
    page = client.get(reverse("web:case", args=[bundle.public_id])).content.decode()
    for words in ("Hành trình (ms)", "chờ lấy", "hàng đợi", "cơ quan", "ghi nhận", "chờ kết quả"):
        assert words in page, words
    assert "Từ khi ký đến khi các cơ quan giải quyết xong:" in page


@contextlib.contextmanager
def queries_of_this_thread():
    """The statements this thread sends: on SQLite the live server's thread (the mock agency) may
    share the test's connection, and its statements are the agency's, not the delivery's."""
    me, seen = threading.get_ident(), []

    def wrapper(execute, sql, params, many, context):
        if threading.get_ident() == me:
            seen.append(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def _deliver_counting_queries() -> tuple[str, list[str]]:
    claimed_at = timezone.now()
    [(step_id, attempt)] = services.relay_claim(now=claimed_at)
    with queries_of_this_thread() as queries:
        outcome = services.step_deliver(step_id=step_id, attempt=attempt, claimed_at=claimed_at)
    return outcome, queries


# Per delivered step, answered 200: read the step with its declaration, write the attempt and the two
# message-log rows, record the result under the bundle's lock (its audit event, the dashboard's
# roll-up, the steps it releases, the notice to the citizen) and close the attempt; the last step also
# completes the bundle (its transition, audited, and the day's roll-up). Measured at 19 (personal ID)
# and 26 (the step that completes the bundle), counting BEGIN and not COMMIT: one query more per
# delivery fails here first.
DELIVERY_QUERY_BUDGET = 26


def test_a_delivered_step_costs_a_bounded_number_of_queries(cast):
    bundle = build("registered", cast, birth_declaration(procedures=["permanent_residence"]))
    outcome, queries = _deliver_counting_queries()
    assert outcome == "done"
    assert len(queries) <= DELIVERY_QUERY_BUDGET, "\n".join(queries)
    bundle_services.bundle_sign(bundle=bundle, actor=cast.leader)
    outcome, queries = _deliver_counting_queries()
    assert outcome == "done"
    assert len(queries) <= DELIVERY_QUERY_BUDGET, "\n".join(queries)
    bundle.refresh_from_db()
    assert bundle.state == "completed"


def test_the_bare_endpoint_checks_the_signature_and_touches_no_database(agencies, client):
    body = json.dumps({"padding": "x" * 2000}).encode()
    secret = django_settings.AGENCIES["police"]["secrets"][0]
    url = "/mock-agencies/police/_bare/"
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            url,
            data=body,
            content_type="application/json",
            headers={
                "idempotency-key": str(uuid.uuid4()),
                **signatures.signed_headers(secret=secret, body=body),
            },
        )
    assert answer.status_code == 200 and answer.json()["status"] == "done"
    assert len(queries) == 0
    assert client.post(url, data=body, content_type="application/json").status_code == 401


def test_deliveries_have_their_own_queue_and_the_relay_stays_off_it():
    route = celery_app.amqp.router.route
    delivery = route({}, "interconnect.tasks.deliver_step")["queue"].name
    relay = route({}, "interconnect.tasks.relay_tick")["queue"].name
    assert delivery == django_settings.CELERY_DELIVERY_QUEUE != relay
    assert relay == django_settings.CELERY_TASK_DEFAULT_QUEUE
    # A worker started without -Q serves both (make run, a small deployment).
    assert {q.name for q in celery_app.conf.task_queues} == {delivery, relay}
