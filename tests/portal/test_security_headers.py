"""Every page carries a Content-Security-Policy without inline script or style, and frames are denied."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/tai-khoan/dang-nhap/", "/healthz", "/api/v1/bundles/"])
def test_pages_and_api_answers_carry_a_strict_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin" and response["X-Content-Type-Options"] == "nosniff"


def test_only_the_api_documentation_may_run_its_inline_starter(client):
    policy = client.get(reverse("openapi-docs"))["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy
