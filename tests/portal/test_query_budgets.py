"""Every request stays within its query budget, counted as the database receives them (token
sign-in, sessions, savepoints, the audit trail and the roll-ups included), and the budget does not
grow with the number of bundles, people or steps behind the page."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.common import signatures
from registrations import services
from signing import services as signing_services
from signing.views import REAUTH_KEY
from tests.factories import UserFactory
from tests.registrations.helpers import PDF, birth_declaration, death_declaration, start_body
from tests.registrations.states import Cast, _send, build, step

pytestmark = pytest.mark.usefixtures("divisions")


def counted(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        answer = call()
    return answer, len(queries.captured_queries)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def page_client(user, **session) -> Client:
    client = Client()
    client.force_login(user)
    stored = client.session
    stored.update(session)
    stored.save()
    return client


@dataclass
class World:
    cast: Cast
    citizen_api: APIClient
    clerk_api: APIClient
    citizen: Client
    clerk: Client
    leader: Client
    province: Client


@pytest.fixture
def world(db, settings, tmp_path):
    cast = Cast()
    signing_services.certificate_issue_dev(user=cast.leader)
    return World(
        cast=cast,
        citizen_api=token_client(cast.citizen),
        clerk_api=token_client(cast.clerk),
        citizen=page_client(cast.citizen),
        clerk=page_client(cast.clerk),
        leader=page_client(cast.leader, **{REAUTH_KEY: 2**40}),
        province=page_client(UserFactory(province_staff=True)),
    )


def more_of_everything(world: World) -> None:
    """Bundles in many states, birth and death, so a page that reads per row would show it."""
    for state in ("submitted", "in_review", "registered", "signed", "completed"):
        build(state, world.cast)
        build(state, world.cast, death_declaration())


# name → (budget, how to make the request given the world and a bundle prepared for it)
def _create(w, b):
    return w.citizen_api.post("/api/v1/bundles/", start_body(birth_declaration()), format="json")


def _attach(w, b):
    upload = {"kind": "medical_birth_certificate", "file": SimpleUploadedFile("a.pdf", PDF)}
    return w.citizen_api.post(f"/api/v1/bundles/{b.public_id}/attachments/", upload, format="multipart")


def _callback(w, b):
    accepted = step(b, "personal_id")
    _send(accepted)
    accepted.refresh_from_db()
    services.step_mark_accepted(step_id=accepted.pk, attempt=accepted.attempts, reference="CA-1")
    body = json.dumps(
        {
            "idempotency_key": str(accepted.idempotency_key),
            "status": "done",
            "result": {"personal_id": "040226000001"},
        }
    ).encode()
    headers = signatures.signed_headers(secret=settings.AGENCIES["police"]["secrets"][0], body=body)
    return counted(
        lambda: Client().post(
            "/api/v1/interconnect/callbacks/police/",
            body,
            content_type="application/json",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
        )
    )


REQUESTS = {
    # The citizen's API
    "api: create a draft": (9, "none", _create, 201),
    "api: attach a scan": (6, "draft", _attach, 201),  # one of them reads what the caps count
    "api: submit": (
        15,
        "draft",
        lambda w, b: w.citizen_api.post(f"/api/v1/bundles/{b.public_id}/submit/"),
        200,
    ),
    "api: list my bundles": (3, "submitted", lambda w, b: w.citizen_api.get("/api/v1/bundles/"), 200),
    "api: bundle detail": (
        8,
        "signed",
        lambda w, b: w.citizen_api.get(f"/api/v1/bundles/{b.public_id}/"),
        200,
    ),
    # The clerk's API
    "api: accept": (
        10,
        "submitted",
        lambda w, b: w.clerk_api.post(f"/api/v1/bundles/{b.code}/accept/"),
        200,
    ),
    "api: register": (
        18,
        "in_review",
        lambda w, b: w.clerk_api.post(f"/api/v1/bundles/{b.code}/register/"),
        200,
    ),
    "api: list the ward's bundles": (3, "submitted", lambda w, b: w.clerk_api.get("/api/v1/bundles/"), 200),
    "api: reject": (
        10,
        "in_review",
        lambda w, b: w.clerk_api.post(
            f"/api/v1/bundles/{b.code}/reject/", {"reason": "Sai nơi"}, format="json"
        ),
        200,
    ),
    "api: withdraw": (
        10,
        "submitted",
        lambda w, b: w.citizen_api.post(f"/api/v1/bundles/{b.code}/withdraw/"),
        200,
    ),
    # The result recorded as a delivery records it, and the end of the 202'd attempt's trace.
    "api: agency callback": (20, "registered", _callback, 200),
    # Pages
    # One read of the bundles, one of their steps (whose move it is, said on each line).
    "page: my bundles": (5, "signed", lambda w, b: w.citizen.get("/ho-so-cua-toi/"), 200),
    "page: status": (10, "signed", lambda w, b: w.citizen.get(f"/ho-so-cua-toi/{b.public_id}/"), 200),
    "page: clerk's queue": (5, "submitted", lambda w, b: w.clerk.get("/can-bo/ho-so/"), 200),
    # … and its national portal sync: the dossier taken in, if any, and the status messages (2).
    "page: case": (17, "signed", lambda w, b: w.clerk.get(f"/can-bo/ho-so/{b.public_id}/"), 200),
    "page: case action accept": (
        8,
        "submitted",
        lambda w, b: w.clerk.post(f"/can-bo/ho-so/{b.public_id}/accept/"),
        302,
    ),
    # One of them reads whose extract each is (the child or the deceased), for all rows at once.
    "page: signing queue": (6, "registered_with_id", lambda w, b: w.leader.get("/ky-so/"), 200),
    "page: sign one": (
        29,
        "registered_with_id",
        lambda w, b: w.leader.post("/ky-so/", {"bundles": [str(b.public_id)], "confirm": "on"}),
        302,
    ),
    "page: search": (
        6,
        "submitted",
        lambda w, b: w.clerk.post("/can-bo/tim-kiem/", {"q": "nguyen minh"}),
        200,
    ),
    # … and the national portal sync: the messages' figures, the last pull, the dossiers refused (3).
    "page: dashboard": (21, "completed", lambda w, b: w.province.get("/so-lieu/"), 200),
    "page: dashboard CSV": (10, "completed", lambda w, b: w.province.get("/so-lieu/xuat.csv"), 200),
    "api: dashboard": (17, "completed", lambda w, b: w.province.get("/api/v1/dashboard/"), 200),
}


def prepared(world: World, kind: str):
    if kind == "none":
        return None
    if kind == "registered_with_id":
        bundle = build("registered", world.cast)
        _send(step(bundle, "personal_id"))
        services.step_record_result(step=step(bundle, "personal_id"), result={"personal_id": "040226000001"})
        return bundle
    return build(kind, world.cast)


@pytest.mark.parametrize("name", list(REQUESTS))
def test_each_request_stays_within_its_budget_however_much_lies_behind_it(world, name):
    budget, kind, request, status = REQUESTS[name]
    counts = []
    # The first round reads what each process keeps for a minute (the catalogue, the calendar).
    for _ in range(3):
        bundle = prepared(world, kind)
        if request is _callback:  # counts only the callback, not the steps set up for it
            response, queries = request(world, bundle)
        else:
            response, queries = counted(lambda bundle=bundle: request(world, bundle))
        assert response.status_code == status, getattr(response, "content", b"")[:500]
        counts.append(queries)
        more_of_everything(world)
    assert counts[1] == counts[2], f"{name}: {counts[1]} queries, then {counts[2]} with more rows"
    assert counts[2] <= budget, f"{name}: {counts[2]} queries, budget {budget}"
