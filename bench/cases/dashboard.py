"""Dashboard requests over years of roll-ups for every ward, and the rebuild from a million bundles."""

from __future__ import annotations

import os
import time

from bench.common import ROUNDS


def case_dashboard(results: dict) -> None:
    """A million synthetic bundles (with steps and attempts) and the rebuild of the roll-ups from them;
    then five years of roll-ups for all 3,321 wards, and dashboard requests timed in-process (server
    time) with those bundles still in the live tables the open-work figures read."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.dashboard.models import WardDay
    from portal.dashboard.services import rollups_rebuild

    figures: dict = {}
    bundles = int(os.environ.get("BENCH_DASHBOARD_BUNDLES", "1000000"))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE interconnect_attempt, registrations_step CASCADE")
    begun = time.perf_counter()
    call_command("generate_synthetic", bundles=bundles, days=365, no_rebuild=True, batch=10_000)
    figures["synthetic_bundles"] = bundles
    figures["generate_seconds"] = round(time.perf_counter() - begun, 1)
    begun = time.perf_counter()
    figures["rebuild_rows"] = rollups_rebuild(batch_size=20_000)
    figures["rebuild_seconds"] = round(time.perf_counter() - begun, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    years = int(os.environ.get("BENCH_DASHBOARD_YEARS", "5"))
    begun = time.perf_counter()
    call_command("generate_synthetic", rollups_only=years, batch=200_000)
    figures["seed_and_province_totals_seconds"] = round(time.perf_counter() - begun, 1)
    # What autovacuum does on a live server: statistics and the visibility map that lets the partial
    # indexes answer without visiting the tables.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    figures["setup"] = (
        f"{WardDay.objects.count():,} ward-day rows ({years} years for every ward) and "
        f"{bundles:,} bundles in the live tables"
    )
    staff = User.objects.get_or_create(
        username="bench-province", defaults={"role": "province_staff", "province_id": 40}
    )[0]
    admin = User.objects.get_or_create(username="bench-admin", defaults={"role": "admin"})[0]
    today = timezone.localdate()
    year_ago = today.replace(year=today.year - 1)
    requests = {
        "province_30_days_page": (staff, "/so-lieu/?ky=30-ngay"),
        "province_365_days_api": (staff, f"/api/v1/dashboard/?ky=tuy-chon&tu={year_ago}&den={today}"),
        "province_30_days_csv": (staff, "/so-lieu/xuat.csv?ky=30-ngay"),
        "country_30_days_api": (admin, "/api/v1/dashboard/?ky=30-ngay"),
    }
    for name, (user, url) in requests.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(ROUNDS * 10):
            begun = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200
        timings.sort()
        figures[f"{name}_ms"] = {
            "p50": round(timings[len(timings) // 2], 1),
            "p95": round(timings[int(len(timings) * 0.95) - 1], 1),
        }
    results["dashboard"] = figures
