"""Complete birth submissions over HTTP against a bare view behind the same middleware (the
framework's ceiling) and pgbench doing one submission's writes (the database's)."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import (
    BOUNDARY,
    DB_NAME,
    MULTIPART,
    PG,
    RESULTS,
    ROOT,
    ROUND_LIMIT,
    ROUNDS,
    SCAN_SERIALS,
    USERS,
    WEB_THREADS,
    WEB_WORKERS,
    birth_body,
    children,
    load_wards,
    make_citizens,
    peak_rss_mb,
    portal_processes,
    ratios,
    seed_certificates,
    sh,
    spread,
    vacuum,
    wait_http,
)

PORT = 8765


def case_submit(results: dict) -> None:
    from bench.loadgen import expect, run_load

    load_wards()
    tokens = make_citizens(USERS)
    users = [(i, t) for i, t in enumerate(tokens)]
    seed_certificates(ROUND_LIMIT * (ROUNDS + 2))
    server = portal_processes()
    server.start_web(port=PORT, workers=WEB_WORKERS, threads=WEB_THREADS)
    wait_http(PORT, "/healthz")
    serial = {"certificate": 0, "scan": SCAN_SERIALS}

    async def submission(connection, user, state, *, scan: bool = False):
        """Create, (attach the scan of the paper certificate,) submit: a complete birth bundle."""
        index, token = user
        auth = {"Authorization": f"Token {token}"}
        series = "scan" if scan else "certificate"
        serial[series] += 1
        status, body = await connection.request(
            "POST",
            "/api/v1/bundles/",
            headers={**auth, "Content-Type": "application/json"},
            body=birth_body(index, serial[series]),
        )
        key = expect(status, body, 201)["id"]
        if scan:
            status, body = await connection.request(
                "POST",
                f"/api/v1/bundles/{key}/attachments/",
                headers={**auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                body=MULTIPART,
            )
            expect(status, body, 201)
        status, body = await connection.request("POST", f"/api/v1/bundles/{key}/submit/", headers=auth)
        answer = expect(status, body, 200)
        if answer["state"] != "submitted" or not answer["code"]:
            raise AssertionError(f"not submitted: {answer}")
        return (3 if scan else 2), status

    async def with_scan(connection, user, state):
        return await submission(connection, user, state, scan=True)

    async def bare(connection, user, state):
        status, body = await connection.request(
            "POST", "/bench/bare/", headers={"Content-Type": "application/json"}, body=b"{}"
        )
        expect(status, body, 201)
        return 1, status

    def load(scenario, seconds, limit=ROUND_LIMIT, rate=None):
        return asyncio.run(
            run_load(
                port=PORT,
                users=users,
                scenario=scenario,
                seconds=seconds,
                max_operations=limit,
                rate_per_s=rate,
            )
        ).summary()

    try:
        load(bare, 3, 2000)  # warm-up
        load(submission, 3, 300)
        load(with_scan, 2, 200)
        bare_rounds, submit_rounds, scan_rounds = [], [], []
        for _ in range(ROUNDS):
            bare_rounds.append(load(bare, 8, 20000))
            vacuum()
            submit_rounds.append(load(submission, 12))
            vacuum()
            scan_rounds.append(load(with_scan, 8))
        best = statistics.median(r["ops_per_s"] for r in submit_rounds)
        vacuum()
        half = load(submission, 12, rate=best / 2)
        profile = profile_round(server, lambda: load(submission, 10))
        web_rss = max(peak_rss_mb(pid) for pid in children(server.pid("web")))
    finally:
        server.stop()
    pgbench = pgbench_rounds()
    bare_rps = [r["requests_per_s"] for r in bare_rounds]
    subs = [r["ops_per_s"] for r in submit_rounds]
    results["submit"] = {
        "setup": f"gunicorn gthread, {WEB_WORKERS} workers × {WEB_THREADS} threads; {USERS} keep-alive "
        "clients over the wards of Nghệ An. One submission = create + submit (2 requests) of a birth "
        "bundle whose certificate the hospital sent electronically; with a scan = create + attach the "
        "scan + submit (3 requests)",
        "submissions_per_s": spread(subs),
        "submission_requests_per_s": spread([r["requests_per_s"] for r in submit_rounds]),
        "submission_p50_ms": spread([r["p50_ms"] for r in submit_rounds]),
        "submission_p95_ms": spread([r["p95_ms"] for r in submit_rounds]),
        "submission_p99_ms": spread([r["p99_ms"] for r in submit_rounds]),
        "at_half_rate": half,
        "with_scan_submissions_per_s": spread([r["ops_per_s"] for r in scan_rounds]),
        "with_scan_requests_per_s": spread([r["requests_per_s"] for r in scan_rounds]),
        "with_scan_p95_ms": spread([r["p95_ms"] for r in scan_rounds]),
        "failures": sum(r["failures"] for r in (*submit_rounds, *scan_rounds, half)),
        "bare_view_requests_per_s": spread(bare_rps),
        "bare_view_p50_ms": spread([r["p50_ms"] for r in bare_rounds]),
        "bare_view_p95_ms": spread([r["p95_ms"] for r in bare_rounds]),
        "bare_view_p99_ms": spread([r["p99_ms"] for r in bare_rounds]),
        "pgbench_submissions_per_s": spread(pgbench),
        "ratio_to_bare_view": ratios([s / b for s, b in zip(subs, bare_rps, strict=True)]),
        "ratio_requests_to_bare_view": ratios(
            [r["requests_per_s"] / b for r, b in zip(submit_rounds, bare_rps, strict=True)]
        ),
        "ratio_to_database": ratios([s / p for s, p in zip(subs, pgbench, strict=True)]),
        "profile": profile,
    }
    results.setdefault("memory", {})["web_worker_peak_rss_mb"] = round(web_rss, 1)


def profile_round(server, run) -> dict:
    """One more round while py-spy samples the web workers that hold the GIL: Python at work, not
    waiting for the database. The summary goes into the results and, as tables, beside them."""
    from bench import profile

    raw = RESULTS / "submit-profile.raw"
    command = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--pid",
        str(server.pid("web")),
        "--subprocesses",
        "--gil",
        "--function",
        "--format",
        "raw",
        "--rate",
        "200",
        "--duration",
        "9",
        "--nonblocking",
        "--output",
        str(raw),
    ]
    try:
        spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return {"error": f"py-spy did not start: {exc}"}
    run()
    _, errors = spy.communicate(timeout=60)
    if spy.returncode != 0 or not raw.exists():
        return {"error": f"py-spy failed ({spy.returncode}): {errors[-500:]}"}
    summary = profile.summarise(raw.read_text())
    (RESULTS / "submit-profile.md").write_text(profile.markdown(summary) + "\n")
    return summary


def pgbench_rounds() -> list[float]:
    """The database ceiling: the same writes as one submission, as fast as PostgreSQL takes them with as
    many clients as the web tier has threads."""
    from portal.accounts.models import User

    owner = User.objects.filter(role="citizen").values_list("pk", flat=True).first()
    script = ROOT / "bench" / "submission.sql"
    clients = WEB_WORKERS * WEB_THREADS
    rounds = []
    for _ in range(ROUNDS):
        vacuum()
        out = sh(
            "pgbench",
            "-n",
            "-M",
            "simple",  # as the portal sends its statements: psycopg2 prepares none
            "-c",
            str(clients),
            "-j",
            str(min(clients, os.cpu_count() or 2)),
            "-T",
            "8",
            "-D",
            f"owner={owner}",
            "-D",
            "scan=0",
            "-f",
            str(script),
            f"{PG}/{DB_NAME}",
        ).stdout
        rounds.append(
            float(next(line.split("=")[1].split()[0] for line in out.splitlines() if line.startswith("tps")))
        )
    return rounds
