import pytest
from django.urls import reverse

from portal.accounts.demo import DEMO_CITIZENS
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("divisions")
PASSWORD = "mat-khau-thu-nghiem"


def test_staff_sign_in_with_password_is_audited(client):
    clerk = UserFactory(clerk=True)
    response = client.post(
        reverse("accounts:staff-login"), {"username": clerk.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(stream=f"user:{clerk.pk}", action="auth.sign_in").exists()


def test_failed_sign_in_is_audited_without_the_password(client):
    clerk = UserFactory(clerk=True)
    response = client.post(
        reverse("accounts:staff-login"), {"username": clerk.username, "password": "sai-mat-khau-1"}
    )
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    event = AuditEvent.objects.get(stream=f"user:{clerk.pk}", action="auth.sign_in_failed")
    assert event.data == {"username": clerk.username}
    assert "sai-mat-khau-1" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_staff_are_locked_out_after_repeated_failures(client, settings):
    clerk = UserFactory(clerk=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:staff-login"), {"username": clerk.username, "password": "sai"})
    locked = client.post(reverse("accounts:staff-login"), {"username": clerk.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "tạm thời bị khoá" in locked.content.decode()
    # The API refuses the same account too.
    api = client.post(
        reverse("api:auth-token"),
        {"username": clerk.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api["Content-Type"] == "application/problem+json"


def test_citizens_cannot_use_the_staff_password_form(client):
    citizen = UserFactory(citizen=True)
    response = client.post(
        reverse("accounts:staff-login"), {"username": citizen.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "VNeID" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_mock_vneid_signs_in_a_verified_citizen_with_identity_from_the_provider(client):
    page = client.get(reverse("mock-eid"))
    assert page.status_code == 200
    assert DEMO_CITIZENS[0]["full_name"] in page.content.decode()
    response = client.post(reverse("mock-eid"), {"citizen": "0"})
    assert response.status_code == 302
    user = User.objects.get(id_number_hmac__isnull=False, full_name=DEMO_CITIZENS[0]["full_name"])
    assert user.role == "citizen" and user.eid_verified_at is not None
    assert user.id_number == DEMO_CITIZENS[0]["id_number"]
    assert int(client.session["_auth_user_id"]) == user.pk
    # A second sign-in finds the same account through the keyed hash, never creating a twin.
    client.logout()
    client.post(reverse("mock-eid"), {"citizen": "0"})
    assert User.objects.filter(full_name=DEMO_CITIZENS[0]["full_name"]).count() == 1


def test_mock_vneid_refuses_an_unknown_choice_and_an_external_redirect(client):
    assert client.post(reverse("mock-eid"), {"citizen": "99"}).status_code == 200
    response = client.post(reverse("mock-eid") + "?next=https://evil.example/", {"citizen": "1"})
    assert response["Location"] == reverse("web:home")


def test_personal_id_is_encrypted_at_rest(db):
    citizen = UserFactory(citizen=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_hmac FROM accounts_user WHERE id = %s", [citizen.pk])
        stored, digest = cursor.fetchone()
    assert citizen.id_number not in stored
    assert len(digest) == 64 and citizen.id_number not in digest
    assert User.objects.get(pk=citizen.pk).id_number == citizen.id_number


def test_api_token_for_staff_and_for_demo_citizens(client, settings):
    clerk = UserFactory(clerk=True)
    ok = client.post(
        reverse("api:auth-token"),
        {"username": clerk.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40

    citizen = UserFactory(citizen=True)
    settings.CITIZEN_PASSWORD_LOGIN = False
    refused = client.post(
        reverse("api:auth-token"),
        {"username": citizen.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert refused.status_code == 401
    assert refused.json()["title"] == "Chưa đăng nhập"
    settings.CITIZEN_PASSWORD_LOGIN = True
    allowed = client.post(
        reverse("api:auth-token"),
        {"username": citizen.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert allowed.status_code == 200


def test_api_token_with_missing_fields_answers_problem_details(client):
    response = client.post(reverse("api:auth-token"), {"username": ""}, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body["errors"]) == {"username", "password"}
    assert body["status"] == 400
