"""A database that fails mid-request: the caller gets a clear 503 (problem details in the API, a page
in the browser) and nothing of the interrupted change is kept."""

import contextlib

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from registrations.models import Bundle, Step
from registrations.services import bundle_submit
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@contextlib.contextmanager
def connection_lost_at(statement: str):
    """The server goes away when the request reaches ``statement``: the statements before it ran
    inside the request's transaction, as they would before a real outage."""

    def wrapper(execute, sql, params, many, context):
        if statement in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def draft_and_its_owner() -> tuple[Bundle, Client]:
    """A complete draft, and its owner signed in on a client that turns server errors into responses."""
    cast = Cast()
    client = Client(raise_request_exception=False)
    client.force_login(cast.citizen)
    return build("draft", cast), client


def unchanged_draft(bundle: Bundle) -> None:
    bundle.refresh_from_db()
    assert bundle.state == "draft" and bundle.code is None and bundle.submitted_at is None
    assert not Step.objects.filter(bundle=bundle).exists()
    assert not AuditEvent.objects.filter(stream=f"bundle:{bundle.pk}", action__contains="submit").exists()


def test_an_api_submission_cut_off_mid_transaction_gets_a_503_problem_and_leaves_the_draft(db):
    bundle, client = draft_and_its_owner()
    with connection_lost_at('INSERT INTO "registrations_step"'):
        response = client.post(reverse("api:bundle-submit", args=[bundle.public_id]))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    assert "không có gì được lưu dở" in response.json()["detail"]
    unchanged_draft(bundle)
    # Once the database is back, the same submission goes through, and takes the ward's first code:
    # the interrupted one used no number.
    submitted = bundle_submit(bundle=bundle, actor=bundle.owner)
    assert submitted.code.endswith("-0001")


def test_a_page_submission_cut_off_gets_a_plain_503_page(db):
    bundle, client = draft_and_its_owner()
    with connection_lost_at('INSERT INTO "registrations_step"'):
        response = client.post(reverse("web:filing-review", args=[bundle.public_id]), {"confirm": "on"})
    assert response.status_code == 503
    assert "tạm thời gián đoạn" in response.content.decode()
    unchanged_draft(bundle)


def test_a_fault_that_is_not_the_database_stays_a_500(db):
    bundle, client = draft_and_its_owner()

    def wrapper(execute, sql, params, many, context):
        if 'INSERT INTO "registrations_step"' in sql:
            raise ValueError("a bug, not an outage")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = client.post(reverse("api:bundle-submit", args=[bundle.public_id]))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    unchanged_draft(bundle)


@pytest.mark.django_db(transaction=True)
def test_a_commit_broken_off_is_answered_in_doubt_and_the_retry_is_harmless(monkeypatch):
    """The server committed, then the connection broke before it could say so: the answer must not
    claim that nothing was saved. Submitting again answers with the bundle as it was submitted."""
    bundle, client = draft_and_its_owner()
    real_commit = connection._commit

    def committed_then_lost():
        real_commit()
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "_commit", committed_then_lost)
    response = client.post(reverse("api:bundle-submit", args=[bundle.public_id]))
    monkeypatch.undo()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    problem = response.json()
    assert problem["title"] == "Chưa rõ kết quả"
    assert "có thể đã được ghi nhận" in problem["detail"] and "lưu dở" not in problem["detail"]
    bundle.refresh_from_db()
    assert bundle.state == "submitted" and bundle.code
    again = client.post(reverse("api:bundle-submit", args=[bundle.public_id]))
    assert again.status_code == 200 and again.json()["code"] == bundle.code
    assert Step.objects.filter(bundle=bundle, procedure="personal_id").count() == 1
    submits = AuditEvent.objects.filter(stream=f"bundle:{bundle.public_id}", action="bundle.submit")
    assert submits.count() == 1  # the repeated submit recorded nothing


def test_an_error_before_the_commit_is_not_in_doubt():
    from portal.common.indoubt import failed_while_committing

    try:
        raise OperationalError("connection refused")
    except OperationalError as error:
        assert not failed_while_committing(error)
