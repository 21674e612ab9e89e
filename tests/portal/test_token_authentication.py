"""API tokens: the caller is the token's user, with every field as stored; an unknown token or an
inactive account is refused with a 401 problem, never taken for someone."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registrations.models import Bundle
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("divisions")


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_signs_in_its_own_user_with_decrypted_personal_data():
    citizen, other = UserFactory(citizen=True), UserFactory(citizen=True)
    Token.objects.create(user=other)
    token = Token.objects.create(user=citizen)
    created = client_with(token.key).post(
        "/api/v1/bundles/",
        {"group": "birth", "procedures": ["health_insurance"], "privacy_notice_accepted": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    bundle = Bundle.objects.get(public_id=created.json()["id"])
    assert bundle.owner == citizen
    requester = bundle.people.get(role="requester")
    assert requester.id_number == citizen.id_number  # read from the token's user, decrypted
    assert requester.full_name == citizen.full_name


@pytest.mark.parametrize("key", ["0" * 40, "không-có", "x' OR '1'='1"])
def test_an_unknown_token_is_refused(key):
    UserFactory(citizen=True)
    response = client_with(key).get("/api/v1/bundles/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_token_of_an_inactive_account_is_refused():
    citizen = UserFactory(citizen=True, is_active=False)
    response = client_with(Token.objects.create(user=citizen).key).get("/api/v1/bundles/")
    assert response.status_code == 401
