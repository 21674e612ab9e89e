"""The mock agencies alone, for `python manage.py run_mock_agencies --port 8100`."""

from django.urls import include, path

urlpatterns = [path("mock-agencies/", include("interconnect.mock_agencies.urls"))]
