"""Must-show integration runs on PostgreSQL with real processes: a Celery worker and beat on Redis,
the mock agencies served over HTTP on their own port, and the portal's callback API on a live server."""

from __future__ import annotations

import contextlib
import itertools
import time

import pytest
from django.conf import settings as django_settings
from django.db import connections

from interconnect.mock_agencies import behaviour
from interconnect.mock_agencies.models import MockRequest
from interconnect.models import Attempt, MessageLog
from portal.celery import app as celery_app
from registrations import services as bundle_services
from registrations.models import Bundle, Step
from tests.conftest import require_tool
from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import Cast, build

from .cluster import Cluster, RedisServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BIRTH_SETS = [
    list(c)
    for n in (1, 2, 3)
    for c in itertools.combinations(["permanent_residence", "health_insurance", "child_id_card"], n)
]
DEATH_SETS = [["residence_removal"], ["funeral_allowance"], ["residence_removal", "funeral_allowance"]]
REGIMES = ["social_insurance", "social_protection", "meritorious"]


def declarations(count: int):
    """Both groups, every procedure set, every regime, with and without survivor benefit."""
    out = []
    for n in range(count):
        if n % 2 == 0:
            out.append(birth_declaration(procedures=BIRTH_SETS[(n // 2) % len(BIRTH_SETS)]))
        else:
            procedures = DEATH_SETS[(n // 2) % len(DEATH_SETS)]
            regime = REGIMES[(n // 6) % len(REGIMES)]
            survivor = regime == "social_insurance" and "funeral_allowance" in procedures and n % 4 == 1
            out.append(death_declaration(procedures=procedures, regime=regime, survivor=survivor))
    return out


@contextlib.contextmanager
def use_broker(url: str, queue: str):
    """Point this process's Celery producer (the on-commit relay kick) at the cluster's broker."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_default_queue

    def switch(broker: str, default_queue: str) -> None:
        celery_app.conf.broker_url, celery_app.conf.task_default_queue = broker, default_queue
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(url, queue)
    try:
        yield
    finally:
        switch(*saved)


def wait_until(predicate, *, seconds: float, cluster: Cluster, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    states = list(
        Step.objects.exclude(state="done").values_list("bundle__code", "procedure", "state", "reason")[:20]
    )
    raise AssertionError(f"timed out waiting for {what}; unfinished steps: {states}\n{cluster.tail()}")


def run_to_completion(bundles, cast, cluster, *, seconds: float, during=None) -> None:
    for bundle in bundles:
        bundle_services.bundle_register(bundle=bundle, actor=cast.clerk)
    births = [b for b in bundles if b.group == "birth"]
    wait_until(
        lambda: (
            Step.objects.filter(bundle__in=births, procedure="personal_id", state="done").count()
            == len(births)
        ),
        seconds=seconds,
        cluster=cluster,
        what="personal ID numbers",
    )
    if during:
        during()
    for bundle in bundles:
        bundle_services.bundle_sign(bundle=bundle, actor=cast.leader)
    wait_until(
        lambda: (
            Bundle.objects.filter(pk__in=[b.pk for b in bundles], state="completed").count() == len(bundles)
        ),
        seconds=seconds,
        cluster=cluster,
        what="every bundle completed",
    )


def assert_exactly_one_effect_per_step(bundles) -> None:
    delivered = (
        Step.objects.filter(bundle__in=bundles).exclude(agency="civil_status").exclude(state="waiting")
    )
    received = {(r.agency, r.idempotency_key): r.effects for r in MockRequest.objects.all()}
    assert len(received) == delivered.count()
    for step in delivered:
        assert received[(step.agency, step.idempotency_key)] == 1, step


def test_fifty_bundles_complete_through_a_real_worker(wired, tmp_path, live_server):
    cast = Cast()
    bundles = [build("in_review", cast, d) for d in declarations(50)]
    cluster = Cluster(
        tmp_path=tmp_path,
        site_url=live_server.url,
        broker_url=django_settings.CELERY_BROKER_URL,
        secrets=wired,
    )
    behaviour.set_knobs({"accept_rate": 0.3, "callback_delay_ms": 200})
    try:
        cluster.start_mock()
        cluster.start_worker()
        cluster.start_beat()
        with use_broker(django_settings.CELERY_BROKER_URL, cluster.queue):
            run_to_completion(bundles, cast, cluster, seconds=180)
    finally:
        cluster.stop()
        connections.close_all()
    assert_exactly_one_effect_per_step(bundles)
    groups = set(Bundle.objects.values_list("group", flat=True))
    assert groups == {"birth", "death"}


def test_faults_kills_and_a_broker_restart_lose_nothing(wired, tmp_path, live_server):
    require_tool("redis-server")
    redis = RedisServer(tmp_path)
    redis.start()
    cast = Cast()
    bundles = [build("in_review", cast, d) for d in declarations(24)]
    cluster = Cluster(
        tmp_path=tmp_path,
        site_url=live_server.url,
        broker_url=redis.url,
        secrets=wired,
        extra_env={
            "INTERCONNECT_READ_TIMEOUT": "0.6",
            "INTERCONNECT_CONNECT_TIMEOUT": "0.5",
            "INTERCONNECT_BACKOFF_BASE": "0.1",
            "INTERCONNECT_BACKOFF_CAP": "1",
            "INTERCONNECT_LEASE_SECONDS": "4",
            "INTERCONNECT_MAX_ATTEMPTS": "30",
        },
    )
    behaviour.set_knobs(
        {
            "fail_first": 2,
            "fail_first_mode": "mixed",
            "timeout_seconds": 1.0,
            "accept_rate": 0.3,
            "callback_delay_ms": 300,
            "personal_id_delay_ms": 400,
        }
    )
    late = []

    def chaos():
        cluster.kill("worker")  # SIGKILL mid-work, then a new worker takes over
        cluster.start_worker("worker2")
        redis.stop()  # the broker disappears with every queued message …
        # … and a submission and a registration made meanwhile still succeed.
        started = time.monotonic()
        extra = build("in_review", cast, birth_declaration())
        bundle_services.bundle_register(bundle=extra, actor=cast.clerk)
        assert time.monotonic() - started < 15
        late.append(extra)
        redis.start()
        time.sleep(2)
        cluster.kill("worker2")
        cluster.start_worker("worker3")

    try:
        cluster.start_mock()
        cluster.start_worker()
        cluster.start_beat()
        with use_broker(redis.url, cluster.queue):
            run_to_completion(bundles, cast, cluster, seconds=240, during=chaos)
            wait_until(
                lambda: Step.objects.filter(bundle__in=late, procedure="personal_id", state="done").exists(),
                seconds=120,
                cluster=cluster,
                what="the step registered while Redis was down",
            )
    finally:
        cluster.stop()
        redis.stop()
        connections.close_all()
    assert_exactly_one_effect_per_step(bundles + late)
    assert not Step.objects.filter(state__in=["dead", "rejected"]).exists()
    # Every try is on record: one attempt row per claim, one outbound request per attempt that was sent.
    for step in Step.objects.exclude(agency="civil_status").exclude(state="waiting"):
        attempts = Attempt.objects.filter(step=step)
        assert attempts.count() >= 1
        assert set(attempts.values_list("number", flat=True)) <= set(range(1, step.attempts + 1))
        sent = MessageLog.objects.filter(step=step, direction="out", kind="request").count()
        assert sent == attempts.count()
    assert Attempt.objects.filter(outcome="retry").exists()
    from django.db.models import Count

    print("attempts by outcome:", dict(Attempt.objects.values_list("outcome").annotate(n=Count("pk"))))
