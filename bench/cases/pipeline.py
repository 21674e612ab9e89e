"""Steps per second through the relay, a Celery worker and the mock agencies, beside a no-op task on
the same broker and worker; register → personal ID and sign → completed latency."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.common import (
    CLERK,
    ROUNDS,
    children,
    peak_rss_mb,
    portal_processes,
    ratios,
    ready_bundles,
    spread,
    wait_for,
    wait_http,
)


def case_pipeline(results: dict) -> None:
    """Steps per second through the relay, a Celery worker and the mock agencies (zero latency),
    beside a no-op task on the same broker and worker."""
    import redis
    from django.conf import settings

    from interconnect.mock_agencies import behaviour
    from portal.health.tasks import count
    from registrations import services as bundle_services
    from registrations.models import Bundle, Step

    processes = portal_processes(
        SITE_URL="http://127.0.0.1:8766",
        **{
            f"AGENCY_{c.upper()}_URL": f"http://127.0.0.1:8767/mock-agencies/{c}"
            for c in settings.AGENCY_CODES
        },
    )
    processes.start_web(port=8766, workers=1, threads=8)
    processes.start_mock(port=8767)
    processes.start_worker(queue="bench", concurrency=2)
    processes.start_beat(schedule=Path(os.environ["PORTAL_VAR_DIR"]) / "beat-schedule")
    try:
        wait_http(8766, "/healthz")
        wait_http(8767, "/mock-agencies/_knobs/")
        behaviour.set_knobs({})
        store = redis.Redis.from_url(settings.REDIS_URL)
        # The ceiling: no-op tasks through the same broker and worker.
        noop_rates = []
        for round_number in range(ROUNDS):
            key, n = f"bench:noop:{round_number}:{time.time()}", 2000
            started = time.perf_counter()
            for _ in range(n):
                count.apply_async((key,), queue="bench")
            while int(store.get(key) or 0) < n and time.perf_counter() - started < 120:
                time.sleep(0.05)
            noop_rates.append(n / (time.perf_counter() - started))
        step_rates, to_personal_id, to_completed, submit_to_completed = [], [], [], []
        for _ in range(ROUNDS):
            bundles = ready_bundles(40)
            ids = [b.pk for b in bundles]
            started = time.perf_counter()
            for bundle in bundles:
                bundle_services.bundle_register(bundle=bundle, actor=CLERK["user"])
            wait_for(
                lambda ids=ids: (
                    Step.objects.filter(bundle_id__in=ids, procedure="personal_id", state="done").count()
                    == len(ids)
                )
            )
            for bundle in bundles:
                bundle_services.bundle_sign(bundle=bundle, actor=CLERK["leader"])
            wait_for(lambda ids=ids: Bundle.objects.filter(pk__in=ids, state="completed").count() == len(ids))
            elapsed = time.perf_counter() - started
            delivered = Step.objects.filter(bundle__in=bundles).exclude(agency="civil_status").count()
            step_rates.append(delivered / elapsed)
            for bundle in Bundle.objects.filter(pk__in=[b.pk for b in bundles]).prefetch_related("steps"):
                pid = next(s for s in bundle.steps.all() if s.procedure == "personal_id")
                to_personal_id.append((pid.done_at - pid.due_since).total_seconds() * 1000)
                to_completed.append((bundle.completed_at - bundle.signed_at).total_seconds() * 1000)
                submit_to_completed.append((bundle.completed_at - bundle.submitted_at).total_seconds() * 1000)
        worker = processes.pid("worker")
        celery_rss = max([peak_rss_mb(worker), *(peak_rss_mb(p) for p in children(worker))])
    finally:
        processes.stop()
    q = lambda values, p: sorted(values)[min(len(values) - 1, int(p * len(values)))]  # noqa: E731
    results["pipeline"] = {
        "setup": "relay every 0.5 s plus on-commit kicks; Celery prefork ×2; mock agencies with zero "
        "latency; 40 birth bundles with 4 delivered steps each per round",
        "steps_per_s": spread(step_rates),
        "noop_tasks_per_s": spread(noop_rates),
        "ratio_to_noop_tasks": ratios([s / n for s, n in zip(step_rates, noop_rates, strict=True)]),
        "register_to_personal_id_ms": {
            "p50": round(q(to_personal_id, 0.5), 1),
            "p95": round(q(to_personal_id, 0.95), 1),
        },
        "sign_to_completed_ms": {
            "p50": round(q(to_completed, 0.5), 1),
            "p95": round(q(to_completed, 0.95), 1),
        },
        # The clerk's accept and register and the leader's signature are made by this script as soon as
        # each becomes possible, for a round of 40 bundles at a time.
        "submit_to_completed_ms": {
            "p50": round(q(submit_to_completed, 0.5), 1),
            "p95": round(q(submit_to_completed, 0.95), 1),
        },
    }
    results.setdefault("memory", {})["celery_worker_peak_rss_mb"] = round(celery_rss, 1)
