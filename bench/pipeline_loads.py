"""The loads of the pipeline case: a trickle (one bundle every half second, the clerk and the leader
acting at once) for latency, a burst (40 registered, then all signed at once) for throughput, and the
wire's ceiling in the same run (bare deliveries), with the machine's CPU use over each."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import CLERK, ready_bundles, wait_for


def quantile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


class CpuMeter:
    """The machine's CPU use between start and stop, from /proc/stat: busy share of all cores."""

    @staticmethod
    def _read() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    def __enter__(self):
        self.total, self.idle = self._read()
        return self

    def __exit__(self, *_):
        total, idle = self._read()
        spent = total - self.total
        self.busy_pct = round(100 * (1 - (idle - self.idle) / spent), 1) if spent else 0.0


def ms(later, earlier) -> float:
    return (later - earlier).total_seconds() * 1000


@dataclass
class RoundFigures:
    steps_per_s: float = 0.0
    cpu_pct: float = 0.0
    sign_to_completed: list[float] = field(default_factory=list)
    submit_to_completed: list[float] = field(default_factory=list)
    register_to_personal_id: list[float] = field(default_factory=list)
    hops: dict[str, list[float]] = field(default_factory=dict)
    status_sync_lag: list[float] = field(default_factory=list)  # our transition → the portal's receipt


def _collect(ids: list[int], figures: RoundFigures) -> None:
    """Latencies from the bundles' own timestamps and the hops from their attempt rows."""
    from interconnect.models import Attempt
    from registrations.models import Bundle

    for bundle in Bundle.objects.filter(pk__in=ids).prefetch_related("steps"):
        pid = next(s for s in bundle.steps.all() if s.procedure == "personal_id")
        figures.register_to_personal_id.append(ms(pid.done_at, bundle.registered_at))
        figures.sign_to_completed.append(ms(bundle.completed_at, bundle.signed_at))
        figures.submit_to_completed.append(ms(bundle.completed_at, bundle.submitted_at))
    hops = (
        ("due_to_claimed", "due_at", "claimed_at"),
        ("claimed_to_sent", "claimed_at", "started_at"),
        ("sent_to_answered", "started_at", "answered_at"),
        ("answered_to_recorded", "answered_at", "recorded_at"),
        ("accepted_to_result", "recorded_at", "result_at"),
    )
    attempts = Attempt.objects.filter(step__bundle_id__in=ids).values(*{h[1] for h in hops} | {"result_at"})
    for attempt in attempts:
        for name, start, end in hops:
            if attempt[start] and attempt[end]:
                figures.hops.setdefault(name, []).append(ms(attempt[end], attempt[start]))


def _delivery_rate(ids: list[int], released: list) -> float:
    """Steps delivered per second from due to done: the steps released together at registration and
    those released together at signature are two phases, each from the moment its steps became due
    (the commit that released them) to its last step done; the bench's own wait between the phases is
    not the pipeline's."""
    from django.db.models import Max

    from registrations.models import Step

    delivered = Step.objects.filter(bundle_id__in=ids).exclude(agency="civil_status")
    phases = (delivered.filter(procedure="personal_id"), delivered.exclude(procedure="personal_id"))
    seconds = sum(
        (phase.aggregate(last=Max("done_at"))["last"] - due).total_seconds()
        for phase, due in zip(phases, released, strict=True)
    )
    return delivered.count() / seconds


def burst(n: int = 40) -> RoundFigures:
    """n bundles registered at once (one commit), then, once every personal ID is back, all signed at
    once: every step of a phase is due at the same moment, as when a leader signs a batch."""
    from django.db import transaction
    from django.utils import timezone

    from registrations import services as bundle_services
    from registrations.models import Bundle, Step

    bundles = ready_bundles(n)
    ids = [b.pk for b in bundles]
    figures = RoundFigures()
    released = []
    with CpuMeter() as cpu:
        with transaction.atomic():
            for bundle in bundles:
                bundle_services.bundle_register(bundle=bundle, actor=CLERK["user"])
        released.append(timezone.now())
        wait_for(
            lambda: (
                Step.objects.filter(bundle_id__in=ids, procedure="personal_id", state="done").count() == n
            ),
            poll=0.02,
        )
        with transaction.atomic():
            for bundle in bundles:
                bundle_services.bundle_sign(bundle=bundle, actor=CLERK["leader"])
        released.append(timezone.now())
        wait_for(lambda: Bundle.objects.filter(pk__in=ids, state="completed").count() == n, poll=0.02)
    figures.cpu_pct = cpu.busy_pct
    figures.steps_per_s = _delivery_rate(ids, released)
    _collect(ids, figures)
    return figures


def _one_citizen(draft_id: int) -> None:
    """Submit, then the clerk accepts and registers at once, and the leader signs as soon as the
    personal ID number is back (the signature itself is the core's transition, not the PDF)."""
    from django.db import connection

    from registrations import services as bundle_services
    from registrations.models import Bundle, Step

    try:
        bundle = Bundle.objects.get(pk=draft_id)
        bundle_services.bundle_submit(bundle=bundle, actor=bundle.owner)
        bundle_services.bundle_accept(bundle=bundle, actor=CLERK["user"])
        bundle_services.bundle_register(bundle=bundle, actor=CLERK["user"])
        done = Step.objects.filter(bundle_id=draft_id, procedure="personal_id", state="done")
        wait_for(done.exists, seconds=60, poll=0.01)
        bundle_services.bundle_sign(bundle=bundle, actor=CLERK["leader"])
    finally:
        connection.close()


def trickle(n: int = 20, every: float = 0.5) -> RoundFigures:
    """One bundle every ``every`` seconds, each followed by its clerk and leader at once."""
    from registrations.models import Bundle

    drafts = [b.pk for b in ready_bundles(n, submit=False)]
    figures = RoundFigures()
    with CpuMeter() as cpu, ThreadPoolExecutor(max_workers=n) as pool:
        started = time.monotonic()
        futures = []
        for index, draft_id in enumerate(drafts):
            time.sleep(max(0.0, started + index * every - time.monotonic()))
            futures.append(pool.submit(_one_citizen, draft_id))
        for future in futures:
            future.result()
        wait_for(lambda: Bundle.objects.filter(pk__in=drafts, state="completed").count() == n, poll=0.02)
    figures.cpu_pct = cpu.busy_pct
    _collect(drafts, figures)
    figures.status_sync_lag = _status_sync_lag(drafts)
    return figures


def _status_sync_lag(ids: list[int]) -> list[float]:
    """From each transition to the mock national portal's receipt of its status message."""
    from interconnect.national_portal.mock.models import MockStatus
    from interconnect.national_portal.models import StatusMessage

    messages = StatusMessage.objects.filter(bundle_id__in=ids)
    wait_for(lambda: not messages.exclude(state="delivered").exists(), seconds=60, poll=0.05)
    sent = dict(messages.values_list("idempotency_key", "occurred_at"))
    received = MockStatus.objects.filter(key__in=sent).values_list("key", "received_at")
    return [ms(at, sent[key]) for key, at in received]


def bare(*, url: str, body_bytes: int, queue: str, n: int = 2000) -> tuple[float, float]:
    """Deliveries per second with nothing but the wire: the probe task through the same broker,
    worker, HTTP client and mock process, counted in Redis. Returns (per second, CPU %)."""
    import redis
    from django.conf import settings

    from interconnect.tasks import probe_delivery

    store = redis.Redis.from_url(settings.REDIS_URL)
    key = f"bench:bare:{time.time()}"
    with CpuMeter() as cpu:
        started = time.perf_counter()
        for _ in range(n):
            probe_delivery.apply_async((url, body_bytes, "police", key), queue=queue)
        while int(store.get(key) or 0) < n and time.perf_counter() - started < 120:
            time.sleep(0.02)
        rate = n / (time.perf_counter() - started)
    return rate, cpu.busy_pct


def noop(*, queue: str, n: int = 2000) -> float:
    """No-op tasks per second through the same broker and worker (kept for continuity)."""
    import redis
    from django.conf import settings

    from portal.health.tasks import count

    store = redis.Redis.from_url(settings.REDIS_URL)
    key = f"bench:noop:{time.time()}"
    started = time.perf_counter()
    for _ in range(n):
        count.apply_async((key,), queue=queue)
    while int(store.get(key) or 0) < n and time.perf_counter() - started < 120:
        time.sleep(0.02)
    return n / (time.perf_counter() - started)


def envelope_bytes() -> int:
    """The size of a real delivery's body (a birth bundle's residence registration), for the probe."""
    import json

    from interconnect.adapters import adapter_for
    from registrations.delivery import step_delivery
    from registrations.models import Step

    step = Step.objects.filter(procedure="permanent_residence").order_by("-pk").first()
    delivery = step_delivery(step_id=step.pk)
    return len(json.dumps(adapter_for(delivery.agency).envelope(delivery), ensure_ascii=False).encode())
