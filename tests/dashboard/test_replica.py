"""Where the deployment has a read replica, the dashboard's reads go there and nothing else's do."""

from datetime import date

import pytest

from portal.dashboard import selectors
from registrations.models import Bundle


def test_the_dashboard_reads_from_the_replica_when_there_is_one(settings):
    filters = selectors.Filters(start=date(2026, 11, 1), end=date(2026, 11, 30), province=40)
    assert selectors._rows(filters).db == "default"
    settings.DASHBOARD_DATABASE = "replica"
    assert selectors._rows(filters).db == "replica"
    assert selectors._rows(filters, by_ward=True).db == "replica"
    assert selectors._live_bundles(filters).db == "replica"
    # The filings, the queue and everything that writes keep the primary.
    assert Bundle.objects.all().db == "default"


@pytest.mark.parametrize(
    ("url", "alias"), [("", "default"), ("postgres://reader@replica.example:5432/portal", "replica")]
)
def test_a_replica_url_adds_the_database_and_routes_the_dashboard(monkeypatch, url, alias):
    import importlib

    import portal.settings.base as base

    monkeypatch.setenv("DATABASE_REPLICA_URL", url)
    try:
        reloaded = importlib.reload(base)
        assert alias == reloaded.DASHBOARD_DATABASE
        if url:
            replica = reloaded.DATABASES["replica"]
            assert replica["HOST"] == "replica.example" and replica["USER"] == "reader"
            assert replica["TEST"] == {"MIRROR": "default"}
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        importlib.reload(base)
