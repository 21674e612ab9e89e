"""Behaviour that only PostgreSQL can show: concurrent registration and query budgets."""

import contextlib
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registrations import services
from registrations.models import Bundle
from tests.factories import UserFactory

from .helpers import PDF, birth_declaration, death_declaration, start_body
from .states import Cast, build

WARDS = (16690, 16681, 16702, 16708)  # four wards of Nghệ An


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_unique_gapless_numbers_per_ward_and_book(divisions):
    clerks = {ward: UserFactory(clerk=True, ward_id=ward) for ward in WARDS}
    bundles = []
    for ward in WARDS:
        cast = Cast()
        cast.clerk = clerks[ward]
        for n in range(50):
            declaration = birth_declaration(ward=ward) if n % 2 else death_declaration(ward=ward)
            bundles.append(build("in_review", cast, declaration))
    assert len(bundles) == 200
    start = threading.Barrier(20)

    def register(bundle):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=30)
            services.bundle_register(bundle=bundle, actor=clerks[bundle.ward_id])
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(register, bundles))

    numbers = defaultdict(list)
    for ward, book, group, number in Bundle.objects.values_list(
        "ward_id", "registration_book", "group", "registration_number"
    ):
        numbers[(ward, group, book)].append(number)
    assert len(numbers) == 8
    for key, issued in numbers.items():
        assert sorted(issued) == list(range(1, 26)), key


def count_queries(call):
    with CaptureQueriesContext(connection) as context:
        response = call()
    return response, len(context.captured_queries)


def token_client(user):
    """Authenticated the way API clients are (a token looked up per request), not forced."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # services run in real transactions, as in production
def test_query_budgets_do_not_grow_with_the_procedures(divisions):
    """Counted as PostgreSQL sees them, BEGIN and COMMIT included, with token authentication. The
    first submission of a process also reads the catalogue (two queries, then cached for a minute);
    the warm-up round absorbs that, so the rounds compared are the steady state."""
    seen = {}
    for procedures in (
        ["health_insurance"],
        ["health_insurance"],
        ["permanent_residence", "health_insurance", "child_id_card"],
    ):
        cast = Cast()
        client = token_client(cast.citizen)
        created, create_queries = count_queries(
            lambda: client.post(
                "/api/v1/bundles/", start_body(birth_declaration(procedures=procedures)), format="json"
            )
        )
        assert created.status_code == 201, created.json()
        key = created.json()["id"]
        upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        attached = client.post(
            f"/api/v1/bundles/{key}/attachments/",
            {"kind": "medical_birth_certificate", "file": upload},
            format="multipart",
        )
        assert attached.status_code == 201
        submitted, submit_queries = count_queries(lambda: client.post(f"/api/v1/bundles/{key}/submit/"))
        assert submitted.status_code == 200, submitted.json()
        detail, detail_queries = count_queries(lambda: client.get(f"/api/v1/bundles/{key}/"))
        assert detail.status_code == 200
        seen[len(procedures)] = (create_queries, submit_queries, detail_queries)
    print("queries (create, submit, detail) by number of optional procedures:", seen)
    for create_queries, submit_queries, detail_queries in seen.values():
        assert create_queries <= 15
        assert submit_queries <= 16  # one of them: the facility's electronic certificate for the number typed
        assert detail_queries <= 10
    assert seen[1] == seen[3], seen
