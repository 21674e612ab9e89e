"""The national portal connector with real processes on PostgreSQL: a Celery worker and beat pull the
dossiers filed on the mock portal (served by the live server) and push every status back, while the
mock fails a share of calls with 500s and timeouts, lists dossiers twice, loses acknowledgements, and
the worker is killed with SIGKILL once."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.db import connections

from interconnect.national_portal.mock.filing import file_dossier
from interconnect.national_portal.mock.models import MockDossier, MockKnobs, MockStatus
from interconnect.national_portal.models import InboundDossier, StatusMessage
from registrations import services as bundle_services
from registrations.models import Bundle
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import Cast

from .cluster import Cluster
from .test_cluster import declarations, run_to_completion, use_broker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
WARD = 16690
DOSSIERS = 50


def _portal_env(live_server) -> dict[str, str]:
    config = django_settings.NATIONAL_PORTAL
    return {
        "NATIONAL_PORTAL_URL": f"{live_server.url}/mock-dich-vu-cong",
        "NATIONAL_PORTAL_USERNAME": config["username"],
        "NATIONAL_PORTAL_PASSWORD": config["password"],
        "NATIONAL_PORTAL_FROM": "2026-01-01",
        "NATIONAL_PORTAL_PULL_SECONDS": "1",
        "NATIONAL_PORTAL_PUSH_SECONDS": "0.5",
        "NATIONAL_PORTAL_READ_TIMEOUT": "0.6",
        "NATIONAL_PORTAL_BACKOFF_BASE": "0.1",
        "NATIONAL_PORTAL_BACKOFF_CAP": "1",
        "NATIONAL_PORTAL_LEASE_SECONDS": "4",
        "NATIONAL_PORTAL_MAX_ATTEMPTS": "40",
    }


def _on_time_at_the_portal(codes: list[str]) -> int:
    """The index's rule on the portal's own record: NgayKetThucXuLy ≤ NgayHenTra (yyyyMMddHHmmss)."""
    rows = MockDossier.objects.filter(code__in=codes).values_list("finished_at", "due_at")
    return sum(1 for finished, due in rows if finished and due and finished <= due)


def _on_time_here(bundles) -> int:
    return sum(
        1
        for b in Bundle.objects.filter(pk__in=[b.pk for b in bundles])
        if b.completed_at.replace(microsecond=0) <= b.due_at.replace(microsecond=0)
    )


def test_fifty_portal_dossiers_come_in_once_and_every_status_goes_back_in_order(
    wired, tmp_path, live_server, settings
):
    settings.NATIONAL_PORTAL = {
        **django_settings.NATIONAL_PORTAL,
        "base_url": f"{live_server.url}/mock-dich-vu-cong",
        "from": date(2026, 1, 1),
    }
    cast = Cast()
    cast.citizen.full_name = "Nguyễn Thị Hoà"
    cast.citizen.save(update_fields=["full_name"])
    filed = [
        file_dossier(citizen=cast.citizen, group=d["group"], ward=WARD, declaration=d, xml=n % 3 == 0)
        for n, d in enumerate(declarations(DOSSIERS))
    ]
    broken = birth_declaration()
    broken["mother"]["id_number"] = "12345"
    bad = file_dossier(citizen=cast.citizen, group="birth", ward=WARD, declaration=broken)
    MockKnobs.objects.update_or_create(
        pk=1, defaults={"knobs": {"lose_first_ack": True, "duplicate_listing": True, "error_rate": 0.1}}
    )
    cluster = Cluster(
        tmp_path=tmp_path,
        site_url=live_server.url,
        broker_url=django_settings.CELERY_BROKER_URL,
        secrets=wired,
        extra_env=_portal_env(live_server),
    )
    codes = [d.code for d in filed]
    try:
        cluster.start_mock()
        cluster.start_worker()
        cluster.start_beat()
        with use_broker(django_settings.CELERY_BROKER_URL, cluster.queue):
            # 1. Inbound: pulled again and again, with every first acknowledgement lost.
            wait_until(
                lambda: MockDossier.objects.filter(acknowledged_at__isnull=True).count() == 0,
                seconds=120,
                cluster=cluster,
                what="every dossier acknowledged",
            )
            bundles = list(Bundle.objects.filter(origin="national_portal", national_dossier__code__in=codes))
            assert len(bundles) == DOSSIERS == InboundDossier.objects.filter(outcome="accepted").count()
            assert {b.group for b in bundles} == {"birth", "death"}
            assert InboundDossier.objects.get(code=bad.code).outcome == "refused"
            # 2. Outbound under faults, with the worker killed once mid-way.
            MockKnobs.objects.update_or_create(
                pk=1, defaults={"knobs": {"error_rate": 0.2, "timeout_rate": 0.05, "timeout_seconds": 1.0}}
            )
            for bundle in bundles:
                bundle_services.bundle_accept(bundle=bundle, actor=cast.clerk)

            def kill_once():
                cluster.kill("worker")
                cluster.start_worker("worker2")

            run_to_completion(bundles, cast, cluster, seconds=240, during=kill_once)
            wait_until(
                lambda: not StatusMessage.objects.exclude(state="delivered").exists(),
                seconds=180,
                cluster=cluster,
                what="every status message delivered",
            )
    finally:
        cluster.stop()
        connections.close_all()
    assert list(MockStatus.objects.filter(dossier_code=bad.code).values_list("status", flat=True)) == [3]
    for code in codes:
        ours = list(
            StatusMessage.objects.filter(dossier_code=code)
            .order_by("seq")
            .values_list("idempotency_key", "status")
        )
        theirs = list(
            MockStatus.objects.filter(dossier_code=code).order_by("pk").values_list("key", "status")
        )
        assert theirs == ours, code  # complete, in order, each status once in effect
        assert [s for _k, s in theirs][0] == 2 and [s for _k, s in theirs][-2:] == [9, 10]
    assert _on_time_at_the_portal(codes) == _on_time_here(bundles)
