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
from tests.wsgi import keeping_the_test_connection

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def token(db, divisions):
    """A citizen's API token. Requests go straight to the WSGI application, which closes the database
    connection after each one; the test's transaction must outlive them, as Django's test client
    arranges for its own requests."""
    from rest_framework.authtoken.models import Token

    with keeping_the_test_connection():
        yield Token.objects.create(user=UserFactory(citizen=True)).key


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema_and_never_fails_with_5xx(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance]
    )


def test_a_page_number_that_is_not_one_is_refused_with_a_field_error(db, divisions):
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory(citizen=True))
    for page in ("", "0", "x", "-1"):
        response = client.get("/api/v1/bundles/", {"page": page})
        assert response.status_code == 400, page
        assert "page" in response.json()["errors"]
    assert client.get("/api/v1/bundles/", {"page": "1"}).status_code == 200
