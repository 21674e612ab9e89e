"""The clerk's first queue page over 10,000 bundles of one ward."""

from __future__ import annotations

import time

from bench.common import ROUNDS, make_citizens, spread


def case_queue(results: dict) -> None:
    """The clerk's first queue page with 10,000 bundles in one ward, in-process (server time only)."""
    import random
    import uuid
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from portal.accounts.models import User
    from registrations.models import Bundle, Step

    ward, total = 16702, 10_000
    if not User.objects.filter(role="citizen").exists():
        make_citizens(1)
    owner = User.objects.filter(role="citizen").first()
    clerk = User.objects.get_or_create(
        username="bench-queue-clerk", defaults={"role": "ward_clerk", "ward_id": ward}
    )[0]
    now, rng = timezone.now(), random.Random(7)
    states = ["submitted", "in_review", "awaiting_citizen", "registered", "signed", "completed", "rejected"]
    bundles = [
        Bundle(
            public_id=uuid.uuid4(),
            code=f"40.{ward:05d}-Q-{n:06d}",
            group="birth" if n % 3 else "death",
            state=states[n % len(states)],
            owner=owner,
            ward_id=ward,
            procedures=[],
            submitted_at=now - timedelta(days=rng.randint(0, 60)),
            due_at=now + timedelta(hours=rng.randint(-200, 200)),
            late_registration=n % 11 == 0,
        )
        for n in range(total)
    ]
    Bundle.objects.bulk_create(bundles, batch_size=2000)
    ids = [bundle.pk for bundle in bundles]  # not the ward's earlier bundles: they have their steps
    Step.objects.bulk_create(
        [
            Step(
                bundle_id=pk,
                procedure=procedure,
                agency="police",
                position=i,
                state=rng.choice(["waiting", "pending", "done", "done", "dead"]),
                deadline=now + timedelta(hours=rng.randint(-100, 100)),
            )
            for pk in ids
            for i, procedure in enumerate(["personal_id", "permanent_residence"])
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(clerk)
    client.get("/can-bo/ho-so/")  # warm-up
    timings, queries = [], 0
    for _ in range(ROUNDS * 5):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/can-bo/ho-so/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured.captured_queries)
    results["queue_page"] = {
        "setup": f"{total:,} bundles and {2 * total:,} steps in one ward; first page, "
        "counts for every filter",
        "server_ms": spread(timings),
        "queries": queries,
    }
