"""Signed peers and hostile bodies at the doors that take JSON: nesting past the limit is a 400 problem
(never a RecursionError), a callback for a step that was never sent or is finished is a 409, a result
that is not an object is a 422, and in every case nothing changes."""

import json
import time

import pytest
from django.conf import settings
from django.test import Client

from interconnect.models import CallbackReceipt
from portal.common import signatures
from registrations.models import Bundle, Person, Step
from tests.factories import WARD_A
from tests.registrations.helpers import Api, birth_declaration, start_body
from tests.registrations.states import Cast, _send, build, step
from tests.registrations.test_hospital_intake import Facility

pytestmark = pytest.mark.usefixtures("divisions")
DEEP = ("[" * 20_000 + "]" * 20_000).encode()
DEEP_OBJECT = ('{"a":' * 40 + "1" + "}" * 40).encode()


def callback(body: bytes):
    headers = signatures.signed_headers(secret=settings.AGENCIES["police"]["secrets"][0], body=body)
    return Client().post(
        "/api/v1/interconnect/callbacks/police/",
        body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )


def counts() -> tuple:
    return Bundle.objects.count(), Person.objects.count(), CallbackReceipt.objects.count()


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["20,000 levels", "40 levels"])
def test_deep_nesting_is_a_400_problem_at_every_json_door(db, body):
    cast = Cast()
    before = counts()
    api = Api(cast.citizen).client.generic("POST", "/api/v1/bundles/", body, content_type="application/json")
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    assert "lồng nhau" in api.json()["detail"]
    agency = callback(body)
    assert agency.status_code == 400 and agency["Content-Type"] == "application/problem+json"
    hospital = Facility("BV-SAU", WARD_A).send("/api/v1/hospital/birth-certificates/", body)
    assert hospital.status_code == 400 and hospital["Content-Type"] == "application/problem+json"
    assert counts() == before


def test_a_nesting_within_the_limit_still_reaches_validation(db):
    body = start_body(birth_declaration())
    body["child"]["full_name"] = {"x": {"y": "z"}}
    answer = Api(Cast().citizen).client.post("/api/v1/bundles/", body, format="json")
    assert answer.status_code == 400 and "child.full_name" in answer.json()["errors"]


def _done(key: str, result) -> bytes:
    return json.dumps({"idempotency_key": key, "status": "done", "result": result}).encode()


def test_a_callback_for_a_step_never_sent_is_refused_and_changes_nothing(db):
    """The bundle has not even been accepted; its personal ID step waits for registration."""
    bundle = build("submitted", Cast())
    waiting = step(bundle, "personal_id")
    answer = callback(_done(str(waiting.idempotency_key), {"personal_id": "040226000001"}))
    assert answer.status_code == 409
    assert Step.objects.get(pk=waiting.pk).state == "waiting"
    assert Bundle.objects.get(pk=bundle.pk).people.get(role="child").id_number is None
    assert not CallbackReceipt.objects.exists()


def test_a_callback_for_a_finished_step_is_refused(db):
    bundle = build("signed", Cast())
    done = step(bundle, "personal_id")
    answer = callback(_done(str(done.idempotency_key), {"personal_id": "040226999999"}))
    assert answer.status_code == 409
    assert Step.objects.get(pk=done.pk).result == {"personal_id": "040226000001"}


@pytest.mark.parametrize("result", [[1, 2], "xong", 7, True], ids=["list", "text", "number", "boolean"])
def test_a_result_that_is_not_an_object_is_a_422_and_the_pages_still_answer(db, client, result):
    cast = Cast()
    bundle = build("registered", cast)
    sent = step(bundle, "personal_id")
    _send(sent)
    answer = callback(_done(str(sent.idempotency_key), result))
    assert answer.status_code == 422
    assert Step.objects.get(pk=sent.pk).state == "sending" and Step.objects.get(pk=sent.pk).result == {}
    client.force_login(cast.citizen)
    assert client.get(f"/ho-so-cua-toi/{bundle.public_id}/").status_code == 200
    assert Api(cast.citizen).get(bundle.public_id).status_code == 200


def test_unsigned_callbacks_add_no_message_log_rows(db):
    from interconnect.models import MessageLog

    for _ in range(20):
        answer = Client().post(
            "/api/v1/interconnect/callbacks/police/",
            b'{"idempotency_key": "x", "status": "done"}',
            content_type="application/json",
            HTTP_X_TIMESTAMP="1700000000",
            HTTP_X_SIGNATURE="sha256=" + "0" * 64,
        )
        assert answer.status_code == 401
    assert not MessageLog.objects.exists()


def test_draft_scans_are_hidden_from_staff_in_the_admin(db):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from registrations.models import Attachment

    cast = Cast()
    build("draft", cast)
    filed = build("submitted", cast)
    request = RequestFactory().get("/quan-tri/")
    request.user = cast.clerk
    shown = site.get_model_admin(Attachment).get_queryset(request)
    assert {a.bundle_id for a in shown} == {filed.pk}


def _random_address() -> str:
    # Counters live in the shared cache between runs: each run its own address.
    import random

    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def test_an_address_that_keeps_failing_its_signature_is_refused_and_counted_not_logged(db, settings, caplog):
    from portal.common.peers import unsigned_totals

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "unsigned": "5/min"}
    stranger, agency_host = _random_address(), _random_address()
    before = unsigned_totals().get("callback", 0)
    forged = {
        "content_type": "application/json",
        "HTTP_X_TIMESTAMP": "1700000000",
        "HTTP_X_SIGNATURE": "sha256=" + "0" * 64,
    }
    body = b'{"idempotency_key": "x", "status": "done"}'
    answers = [
        Client().post("/api/v1/interconnect/callbacks/police/", body, REMOTE_ADDR=stranger, **forged)
        for _ in range(8)
    ]
    assert [a.status_code for a in answers] in ([401] * 5 + [429] * 3, [401] * 6 + [429] * 2)
    assert answers[-1]["Retry-After"].isdigit()
    assert answers[-1]["Content-Type"] == "application/problem+json"
    assert "chữ ký hợp lệ" in answers[-1].json()["detail"]
    # The hospital intake shares the address's budget; another address is not affected.
    intake = Client().post("/api/v1/hospital/birth-certificates/", b"{}", REMOTE_ADDR=stranger, **forged)
    assert intake.status_code == 429
    other = Client().post("/api/v1/interconnect/callbacks/police/", body, REMOTE_ADDR=agency_host, **forged)
    assert other.status_code == 401
    assert unsigned_totals().get("callback", 0) - before >= 6
    limited = [r for r in caplog.records if r.getMessage() == "peers.unsigned.limited"]
    assert len(limited) == 1
    assert 'portal_peer_unsigned_total{channel="callback"}' in Client().get("/metrics").content.decode()


def test_behind_our_own_proxy_the_address_is_the_one_it_saw(settings):
    from django.test import RequestFactory

    from portal.common.peers import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "10.0.0.2"  # no proxy trusted: the header is the client's word
    settings.TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy appended, not what came before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"group": "\\udcff"}', "group"),
        (b'{"group": "birth", "child": {"full_name": "a\\u0000b"}}', "child.full_name"),
        (b'{"\\ud800": 1}', "non_field_errors"),
    ],
    ids=["lone surrogate", "NUL in a value", "lone surrogate in a key"],
)
def test_text_no_database_or_page_can_hold_is_a_400_problem(db, body, field):
    """Found by tests/portal/test_hostile_corpus.py (bundle_api): the field's error message echoed the
    lone surrogate back and rendering it failed with a 500. Reproduce: POST /api/v1/bundles/ with
    {"group": "\\udcff"}."""
    api = Api(Cast().citizen)
    answer = api.client.generic("POST", "/api/v1/bundles/", body, content_type="application/json")
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert "ký tự không hợp lệ" in answer.json()["errors"][field][0]
    assert Bundle.objects.count() == 0


def test_a_signature_in_another_script_is_a_401_not_a_500(db):
    """Found by the corpus (callbacks): hmac.compare_digest refuses non-ASCII text with a TypeError.
    Reproduce: any callback with X-Signature: ²."""
    answer = Client().post(
        "/api/v1/interconnect/callbacks/police/",
        b"{}",
        content_type="application/json",
        HTTP_X_TIMESTAMP=str(int(time.time())),
        HTTP_X_SIGNATURE="sha256=²",
    )
    assert answer.status_code == 401
