"""Signed peers and hostile bodies at the doors that take JSON: nesting past the limit is a 400 problem
(never a RecursionError), a callback for a step that was never sent or is finished is a 409, a result
that is not an object is a 422, and in every case nothing changes."""

import json

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
