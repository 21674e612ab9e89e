"""Citizen sign-in through a national e-ID provider speaking OpenID Connect (production). The claims
carrying the personal ID number and name are configurable; the user is matched through the ID number's
keyed HMAC, never by e-mail."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal.common.crypto import lookup_hmac
from portal.common.identifiers import personal_id_errors

from .constants import Role
from .services import citizen_from_eid


def _claims_identity(claims: dict) -> dict:
    birth = claims.get("birthdate") or ""
    try:
        date_of_birth = date.fromisoformat(birth) if birth else None
    except ValueError:
        date_of_birth = None
    sex = {"male": "male", "female": "female", "nam": "male", "nữ": "female"}.get(
        str(claims.get("gender", "")).lower(), ""
    )
    return {
        "id_number": str(claims.get(settings.OIDC_ID_NUMBER_CLAIM, "")),
        "full_name": str(claims.get(settings.OIDC_NAME_CLAIM, "")),
        "date_of_birth": date_of_birth,
        "sex": sex,
    }


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        identity = _claims_identity(claims)
        return not personal_id_errors(identity["id_number"]) and bool(identity["full_name"])

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            role=Role.CITIZEN, id_number_hmac=lookup_hmac(_claims_identity(claims)["id_number"])
        )

    def create_user(self, claims):
        return citizen_from_eid(**_claims_identity(claims))

    def update_user(self, user, claims):
        return citizen_from_eid(**_claims_identity(claims))
