"""Production citizen sign-in: the OpenID Connect backend maps the provider's claims to one citizen
account, found by the personal ID number's keyed hash."""

from datetime import date

import pytest

from portal.accounts.models import User
from portal.accounts.oidc import CitizenOIDCBackend


@pytest.fixture
def backend(settings):
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_RP_CLIENT_SECRET = "test-client-secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://eid.example.invalid/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://eid.example.invalid/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://eid.example.invalid/jwks"
    settings.OIDC_ID_NUMBER_CLAIM = "citizen_id"
    settings.OIDC_NAME_CLAIM = "name"
    return CitizenOIDCBackend()


CLAIMS = {
    "citizen_id": "040195012345",
    "name": "Nguyễn Thị Lan",
    "birthdate": "1995-03-12",
    "gender": "female",
}


def test_claims_with_a_valid_personal_id_are_accepted(backend):
    assert backend.verify_claims(CLAIMS)
    assert not backend.verify_claims({**CLAIMS, "citizen_id": "12345"})
    assert not backend.verify_claims({**CLAIMS, "name": ""})


@pytest.mark.django_db
def test_first_sign_in_creates_the_citizen_and_later_ones_find_and_refresh_it(backend):
    user = backend.create_user(CLAIMS)
    assert user.role == "citizen" and user.id_number == "040195012345"
    assert user.date_of_birth == date(1995, 3, 12) and user.sex == "female"
    assert not user.has_usable_password()
    assert list(backend.filter_users_by_claims(CLAIMS)) == [user]
    renamed = backend.update_user(user, {**CLAIMS, "name": "Nguyễn Thị Lan Anh"})
    assert renamed.pk == user.pk and User.objects.get(pk=user.pk).full_name == "Nguyễn Thị Lan Anh"
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_claims_inconsistent_with_the_id_number_are_refused(backend):
    with pytest.raises(ValueError, match="không khớp"):
        backend.create_user({**CLAIMS, "birthdate": "1996-03-12"})
    assert not User.objects.exists()
