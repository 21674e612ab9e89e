"""Bytes no value takes, in any part of a request a view reads before its serializer: a NUL byte in a
path, a query value or a header, and digits that are not ASCII in a numeric parameter or X-Timestamp,
are a 400 or 404, never a 500, and change nothing."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from registrations.models import Bundle
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def world(db):
    cast = Cast()
    bundle = build("submitted", cast)
    clerk = Client(raise_request_exception=False)
    clerk.force_login(cast.clerk)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(cast.clerk)
    return cast, bundle, clerk, api


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bundles/40.16690-261201-0001%00/",
        "/api/v1/bundles/?ward=16690%00",
        "/api/v1/bundles/?state=submitted%00",
        "/can-bo/tim-kiem/?q=nguyen%00",
        "/can-bo/ho-so/?q=%00",
    ],
)
def test_a_nul_byte_in_a_path_or_a_query_is_a_400(world, url):
    _cast, _bundle, clerk, api = world
    client = api if url.startswith("/api/") else clerk
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_a_header_is_a_400(world):
    _cast, _bundle, _clerk, api = world
    assert api.get("/api/v1/bundles/", HTTP_X_CORRELATION_ID="a\x00b").status_code == 400


@pytest.mark.parametrize(
    "query", ["?ward=²", "?ward=١٦٦٩٠", "?page=²", "?page=١"], ids=["superscript", "arabic", "page²", "page١"]
)
def test_digits_that_are_not_ascii_are_refused_as_numbers(world, query):
    _cast, _bundle, _clerk, api = world
    answer = api.get(f"/api/v1/bundles/{query}")
    assert answer.status_code in (400, 404)
    assert answer["Content-Type"] == "application/problem+json"


def test_a_timestamp_in_other_digits_is_a_refused_signature(world):
    answer = Client().post(
        "/api/v1/interconnect/callbacks/police/",
        b"{}",
        content_type="application/json",
        HTTP_X_TIMESTAMP="١٧٠٠٠٠٠٠٠٠",
        HTTP_X_SIGNATURE="sha256=00",
    )
    assert answer.status_code == 401
    assert Bundle.objects.count() == 1


def test_a_ward_code_too_large_for_any_ward_is_a_400(world):
    """Found by the schema fuzzing: `?ward=19706921587729976034754297856` overflowed the database's
    integer. Reproduce: GET /api/v1/bundles/?ward=19706921587729976034754297856"""
    cast, _bundle, _clerk, api = world
    assert api.get("/api/v1/bundles/?ward=19706921587729976034754297856").status_code == 400
    citizen = APIClient(raise_request_exception=False)
    citizen.force_authenticate(cast.citizen)
    body = {"group": "birth", "procedures": ["health_insurance"], "privacy_notice_accepted": True}
    created = citizen.post("/api/v1/bundles/", {**body, "registration_ward": 10**30}, format="json")
    assert created.status_code == 400 and "registration_ward" in created.json()["errors"]


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_nul_byte_in_a_submitted_form_is_a_400_page_not_a_database_error(world, encoding):
    """Found by tests/portal/test_hostile_corpus.py (staff_search, case_actions) on PostgreSQL, which
    refuses NUL in text: POST /can-bo/tim-kiem/ with q=a%00b answered 500."""
    _cast, bundle, clerk, _api = world
    if encoding == "multipart":
        answer = clerk.post("/can-bo/tim-kiem/", {"q": "a\x00b"})
    else:
        answer = clerk.generic(
            "POST", "/can-bo/tim-kiem/", b"q=a%00b", content_type="application/x-www-form-urlencoded"
        )
    assert answer.status_code == 400 and "error-summary" in answer.content.decode()
    rejected = clerk.post(f"/can-bo/ho-so/{bundle.public_id}/reject/", {"confirm": "on", "reason": "x\x00"})
    assert rejected.status_code == 400
