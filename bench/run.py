"""`make bench`: the portal measured against its own ceilings, side by side, in one run.

Cases (run all, or one with BENCH=name):
  submit    complete birth submissions over HTTP (create + attach + submit) against a bare view behind the
            same middleware (framework ceiling) and pgbench doing one submission's writes (database ceiling)
  pipeline  the relay, the delivery workers and the mock agencies as deployed: a trickle for latency
            (with each try's trace and the status-sync lag to the mock national portal), a burst for
            throughput against bare deliveries and no-op tasks in the same run, and the burst with 1,
            2 and 4 delivery worker processes
  signing   extracts rendered and signed per second on one core
  queue     the clerk's queue page over 10,000 bundles of one ward
  dashboard dashboard requests over five years of roll-ups for all 3,321 wards, and the rebuild of the
            roll-ups from a million synthetic bundles (BENCH_DASHBOARD_BUNDLES, BENCH_DASHBOARD_YEARS)
  memory    peak RSS of a web worker and a Celery worker (measured during the cases above)

Everything targets 127.0.0.1 and is bounded in count and time. Results: bench/results/latest.json.
"""

from __future__ import annotations

import json
import os
import platform
import time

from bench.cases.dashboard import case_dashboard
from bench.cases.pipeline import case_pipeline
from bench.cases.queue import case_queue
from bench.cases.signing import case_signing
from bench.cases.submit import case_submit
from bench.common import PG, RESULTS, ROOT, django_setup, prepare_database, sh


def versions() -> dict:
    import celery
    import django
    import psycopg2

    pg = sh("psql", PG + "/postgres", "-tAc", "SHOW server_version").stdout.strip()
    redis_version = sh("redis-cli", "-h", "127.0.0.1", "INFO", "server").stdout
    redis_version = next(
        (
            line.split(":")[1].strip()
            for line in redis_version.splitlines()
            if line.startswith("redis_version")
        ),
        "",
    )
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "celery": celery.__version__,
        "psycopg2": psycopg2.__version__.split()[0],
        "postgresql": pg,
        "redis": redis_version,
    }


def markdown(results: dict) -> str:
    rows = ["| figure | min | median | max |", "|---|---:|---:|---:|"]
    for case, figures in results.items():
        if case in ("machine", "versions", "started_at", "seconds"):
            continue
        for name, value in figures.items():
            if isinstance(value, dict) and "median" in value:
                rows.append(f"| {case}: {name} | {value['min']} | {value['median']} | {value['max']} |")
            elif isinstance(value, dict) and "p50" in value:
                rows.append(f"| {case}: {name} (p50 / p95) | | {value['p50']} / {value['p95']} | |")
            elif isinstance(value, (int, float)):
                rows.append(f"| {case}: {name} | | {value} | |")
            elif name == "at_half_rate":
                rows.append(
                    f"| {case}: at half the best rate ({value['ops_per_s']}/s), p50 / p95 / p99 ms | | "
                    f"{value['p50_ms']} / {value['p95_ms']} / {value['p99_ms']} | |"
                )
    return "\n".join(rows)


def main() -> None:
    from bench import report

    wanted = {w.strip() for w in os.environ.get("BENCH", "").split(",") if w.strip()} or {
        "submit",
        "pipeline",
        "signing",
        "queue",
    }
    started = time.time()
    prepare_database()
    django_setup()
    results: dict = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine()},
        "versions": versions(),
    }
    cases = (
        ("submit", case_submit),
        ("signing", case_signing),
        ("pipeline", case_pipeline),
        ("queue", case_queue),
        ("dashboard", case_dashboard),
    )
    for name, case in cases:
        if name in wanted:
            print(f"… {name}", flush=True)
            case(results)
    results["seconds"] = round(time.time() - started, 1)
    out = RESULTS / "latest.json"
    if out.exists():
        previous = json.loads(out.read_text())
        results["repeatability"] = report.repeatability(previous, results)
        (RESULTS / "previous.json").write_text(json.dumps(previous, indent=2, ensure_ascii=False))
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(markdown(results))
    if results.get("repeatability"):
        print("\n" + report.repeatability_markdown(results["repeatability"]))
    print(f"\nwritten to {out.relative_to(ROOT)} in {results['seconds']} s")


if __name__ == "__main__":
    main()
