"""Schemathesis against the OpenAPI schema, in-process over WSGI: no 5xx and every response as the
schema declares it (problem responses included), with a bounded number of examples per operation.

Every default check runs except "schema-valid data must be accepted": the portal refuses values no
schema can describe (an ID number whose province or birth year does not fit, a reason with control
characters, a ward that does not exist), and must."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def token(db, divisions):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=UserFactory(citizen=True)).key


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema_and_never_fails_with_5xx(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance]
    )
