"""The pipeline from the leader's signature to every agency step done, served as a deployment serves it:
gunicorn for the portal (the callbacks land there) and for the mock agencies (zero latency, 30 % of
answers 202 with a callback), a Celery worker for the relay and the jobs, delivery workers with threads
on their own queue, beat. Measured beside the wire's ceiling in the same run (bare deliveries) and the
no-op task; then the burst again with 1, 2 and 4 delivery worker processes."""

from __future__ import annotations

import os
from pathlib import Path

from bench.common import ROUNDS, children, peak_rss_mb, portal_processes, ratios, spread, wait_http
from bench.pipeline_loads import bare, burst, envelope_bytes, noop, quantile, trickle

WEB, MOCK = 8766, 8767
DELIVERY_THREADS = int(os.environ.get("BENCH_DELIVERY_THREADS", "8"))
SCALE = tuple(int(n) for n in os.environ.get("BENCH_SCALE", "1,2,4").split(","))
KNOBS = {"accept_rate": 0.3, "callback_delay_ms": 0}


def _start(processes, delivery_workers: int) -> None:
    delivery = tuple(f"delivery-{n}" for n in range(delivery_workers))
    processes.start_deployment_workers(queue="bench", delivery=delivery, threads=DELIVERY_THREADS)


def _stop_delivery(processes) -> None:
    for name in [n for n in processes.running if n.startswith("delivery-")]:
        processes.kill(name)


def _p95s(rounds, attribute: str) -> dict:
    return spread([quantile(getattr(r, attribute), 0.95) for r in rounds], digits=1)


def _p50s(rounds, attribute: str) -> dict:
    return spread([quantile(getattr(r, attribute), 0.5) for r in rounds], digits=1)


def case_pipeline(results: dict) -> None:
    from django.conf import settings

    from interconnect.mock_agencies import behaviour

    processes = portal_processes(
        SITE_URL=f"http://127.0.0.1:{WEB}",
        **{
            f"AGENCY_{c.upper()}_URL": f"http://127.0.0.1:{MOCK}/mock-agencies/{c}"
            for c in settings.AGENCY_CODES
        },
    )
    processes.start_web(port=WEB, workers=2, threads=4)
    processes.start_mock(port=MOCK, workers=2, threads=8)
    processes.start_deployment_workers(queue="bench", jobs="worker")
    processes.start_beat(schedule=Path(os.environ["PORTAL_VAR_DIR"]) / "beat-schedule")
    _start(processes, 2)
    try:
        wait_http(WEB, "/healthz")
        wait_http(MOCK, "/mock-agencies/_knobs/")
        behaviour.set_knobs(KNOBS)
        burst(8)  # warm every process up (imports, connections, schemas) before anything is timed
        size = envelope_bytes()
        bare_url = f"http://127.0.0.1:{MOCK}/mock-agencies/police/_bare/"
        noop_rates, bare_rates, bare_cpu, bursts, trickles = [], [], [], [], []
        for _ in range(ROUNDS):
            noop_rates.append(noop(queue="bench.delivery"))
            rate, cpu = bare(url=bare_url, body_bytes=size, queue="bench.delivery")
            bare_rates.append(rate)
            bare_cpu.append(cpu)
            bursts.append(burst(40))
            trickles.append(trickle(20))
        delivery = processes.pid("delivery-0")
        celery_rss = max([peak_rss_mb(delivery), *(peak_rss_mb(p) for p in children(delivery))])
        scale = {}
        for workers in SCALE:
            _stop_delivery(processes)
            _start(processes, workers)
            burst(8)
            runs = [burst(40) for _ in range(max(2, ROUNDS - 2))]
            scale[f"{workers}_workers"] = {
                "steps_per_s": spread([r.steps_per_s for r in runs]),
                "cpu_pct": spread([r.cpu_pct for r in runs], digits=1),
            }
    finally:
        processes.stop()
    step_rates = [r.steps_per_s for r in bursts]
    to_bare = [s / b for s, b in zip(step_rates, bare_rates, strict=True)]
    to_noop = [s / n for s, n in zip(step_rates, noop_rates, strict=True)]
    hops = {}
    for name in bursts[0].hops.keys() | trickles[0].hops.keys():
        values = [quantile(r.hops.get(name, [0.0]), 0.95) for r in trickles]
        hops[f"trickle_{name}_p95_ms"] = spread(values, digits=1)
        hops[f"trickle_{name}_p50_ms"] = spread(
            [quantile(r.hops.get(name, [0.0]), 0.5) for r in trickles], digits=1
        )
    results["pipeline"] = {
        "setup": (
            f"web gunicorn 2×4 (callbacks), mock agencies gunicorn 2×8 with TCP_NODELAY, zero latency, "
            f"{int(KNOBS['accept_rate'] * 100)} % answered 202 with a callback; a jobs worker (prefork ×2: "
            f"relay, jobs) and 2 delivery workers × {DELIVERY_THREADS} threads; beat relay every 0.5 s; "
            f"birth bundles with 4 delivered steps; body {size} bytes"
        ),
        "trickle_sign_to_completed_p95_ms": _p95s(trickles, "sign_to_completed"),
        "trickle_sign_to_completed_p50_ms": _p50s(trickles, "sign_to_completed"),
        "trickle_submit_to_completed_p95_ms": _p95s(trickles, "submit_to_completed"),
        "trickle_submit_to_completed_p50_ms": _p50s(trickles, "submit_to_completed"),
        "trickle_register_to_personal_id_p95_ms": _p95s(trickles, "register_to_personal_id"),
        # The national portal connector (on in the bench, as from 1 January 2027 everywhere): from our
        # transition to the mock portal's receipt of its status message.
        "trickle_status_sync_lag_p50_ms": _p50s(trickles, "status_sync_lag"),
        "trickle_status_sync_lag_p95_ms": _p95s(trickles, "status_sync_lag"),
        **dict(sorted(hops.items())),
        "burst_steps_per_s": spread(step_rates),
        "bare_deliveries_per_s": spread(bare_rates),
        "noop_tasks_per_s": spread(noop_rates),
        "ratio_steps_to_bare_deliveries": ratios(to_bare),
        "ratio_steps_to_noop_tasks": ratios(to_noop),
        "burst_sign_to_completed_p95_ms": _p95s(bursts, "sign_to_completed"),
        "burst_register_to_personal_id_p95_ms": _p95s(bursts, "register_to_personal_id"),
        "burst_cpu_pct": spread([r.cpu_pct for r in bursts], digits=1),
        "bare_cpu_pct": spread(bare_cpu, digits=1),
        "trickle_cpu_pct": spread([r.cpu_pct for r in trickles], digits=1),
    }
    for workers, figures in scale.items():
        results["pipeline"][f"scale_{workers}_steps_per_s"] = figures["steps_per_s"]
        results["pipeline"][f"scale_{workers}_cpu_pct"] = figures["cpu_pct"]
    results.setdefault("memory", {})["celery_worker_peak_rss_mb"] = round(celery_rss, 1)
