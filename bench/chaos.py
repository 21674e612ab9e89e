"""`make chaos`: 200 birth bundles submitted over HTTP to a real portal (gunicorn, a Celery worker for
the relay and the jobs, two delivery workers with threads, beat, the mock agencies) on PostgreSQL,
while the run breaks things on purpose:

- the jobs worker and one of the two delivery workers are killed with SIGKILL mid-work, and new ones
  started;
- the portal's own Redis (broker and rate-limit counters, on a spare port) is stopped and started
  again, losing every queued message;
- a TCP proxy in front of PostgreSQL, which the web and worker processes go through, drops every
  connection and refuses new ones for a few seconds;
- the mock agencies start failing the first tries of every request, with timeouts.

A clerk and a leader (this script, straight to the database) accept, register and sign what arrives.
Then it waits and reports: submitted, completed, refused with a clear error, lost, duplicates at the
agencies, and anything half-written. It exits non-zero unless lost, duplicates, unclear answers and
half-written bundles are all 0 and every acknowledged submission completed.

Everything listens on 127.0.0.1 only; the load is bounded (200 submissions, a fixed deadline)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB_NAME", "chaos_portal")

from bench import common as bench  # noqa: E402  (reads BENCH_DB_NAME when imported)
from bench.processes import PortalProcesses, RedisServer, free_port  # noqa: E402
from bench.proxy import FlakyProxy  # noqa: E402

SUBMISSIONS = int(os.environ.get("CHAOS_SUBMISSIONS", "200"))
SPREAD_SECONDS = float(os.environ.get("CHAOS_SPREAD_SECONDS", "40"))
DEADLINE_SECONDS = float(os.environ.get("CHAOS_DEADLINE_SECONDS", "300"))
CITIZENS = 16
WARD = 16690  # one ward of Nghệ An: one clerk and one leader handle everything
VAR = ROOT / "var" / "chaos"
RESULTS = ROOT / "bench" / "results" / "chaos.json"
# Short network limits so the faults show within the run; many attempts so nothing goes dead.
INTERCONNECT = {
    "INTERCONNECT_READ_TIMEOUT": "0.8",
    "INTERCONNECT_CONNECT_TIMEOUT": "0.5",
    "INTERCONNECT_BACKOFF_BASE": "0.2",
    "INTERCONNECT_BACKOFF_CAP": "2",
    "INTERCONNECT_LEASE_SECONDS": "5",
    "INTERCONNECT_MAX_ATTEMPTS": "40",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the citizens ---------------------------------------------------------------------------------


def call(port: int, method: str, path: str, token: str, body: bytes = b"", content_type: str = "") -> tuple:
    """One request; (status, content type, parsed body) or (None, "", error text) without an answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        kind = response.getheader("Content-Type", "")
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw[:200].decode(errors="replace")}
        return response.status, kind, parsed
    except OSError as error:
        return None, "", f"{type(error).__name__}: {error}"
    finally:
        connection.close()


def clear_refusal(status, kind: str, body) -> bool:
    """A refusal the citizen can act on: a problem document with a status that says 'try again'."""
    return (
        status in (409, 429, 503) and kind.startswith("application/problem+json") and bool(body.get("detail"))
    )


def submit_one(port: int, index: int, token: str, serial: int) -> dict:
    """Create, attach the scan, submit. The first refusal ends the attempt (no retry: what the citizen
    was told is what is counted)."""
    outcome: dict = {"serial": serial}
    steps = (
        ("create", "POST", "/api/v1/bundles/", bench.birth_body(index, serial, ward=WARD),
         "application/json", 201),
        ("attach", "POST", "/api/v1/bundles/{key}/attachments/", bench.MULTIPART,
         f"multipart/form-data; boundary={bench.BOUNDARY}", 201),
        ("submit", "POST", "/api/v1/bundles/{key}/submit/", b"", "", 200),
    )  # fmt: skip
    for name, method, path, body, content_type, expected in steps:
        status, kind, answer = call(
            port, method, path.format(key=outcome.get("id")), token, body, content_type
        )
        if status == expected:
            if name == "create":
                outcome["id"] = answer["id"]
            if name == "submit":
                outcome.update(result="acknowledged", code=answer.get("code"))
            continue
        if name == "submit" and in_doubt(status, answer):
            # As the answer advises: look at the bundle once the database is back.
            found = look_up(port, outcome["id"], token)
            if found.get("state") not in (None, "draft"):
                outcome.update(result="acknowledged", code=found.get("code"), in_doubt=True)
                break
        outcome.update(
            result="refused" if clear_refusal(status, kind, answer) else "unclear",
            at=name,
            status=status,
            detail=answer.get("detail") if isinstance(answer, dict) else answer,
        )
        break
    return outcome


def in_doubt(status, answer) -> bool:
    """The portal's 503 for a COMMIT broken off: the change may have been kept."""
    return status == 503 and isinstance(answer, dict) and answer.get("title") == "Chưa rõ kết quả"


def look_up(port: int, key: str, token: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _kind, answer = call(port, "GET", f"/api/v1/bundles/{key}/", token)
        if status == 200:
            return answer
        time.sleep(2)
    return {}


# --- the clerk and the leader ---------------------------------------------------------------------


def back_office(clerk, leader, stop: threading.Event) -> None:
    """Accept and register what was submitted, sign what has its personal ID number, as a busy ward
    would, straight to the database (not through the failing proxy)."""
    from django.db import close_old_connections

    from registrations import services
    from registrations.models import Bundle

    def act(action, bundle) -> None:
        try:
            action(bundle=bundle, actor=clerk if action is not services.bundle_sign else leader)
        except Exception as error:  # noqa: BLE001 - a busy office retries on its next pass
            log(f"back office: {action.__name__} {bundle.code}: {type(error).__name__}: {error}")

    while not stop.is_set():
        close_old_connections()
        for bundle in Bundle.objects.filter(state="submitted"):
            act(services.bundle_accept, bundle)
        for bundle in Bundle.objects.filter(state="in_review"):
            act(services.bundle_register, bundle)
        for bundle in Bundle.objects.filter(
            state="registered", steps__procedure="personal_id", steps__state="done"
        ):
            act(services.bundle_sign, bundle)
        stop.wait(1.0)


# --- the run --------------------------------------------------------------------------------------


def chaos_timeline(processes: PortalProcesses, redis: RedisServer, proxy: FlakyProxy, events: list) -> None:
    from interconnect.mock_agencies import behaviour

    def at(seconds: float, what: str, action) -> None:
        time.sleep(max(0.0, seconds - (time.monotonic() - begun)))
        log(what)
        action()
        events.append({"at_s": round(time.monotonic() - begun, 1), "event": what})

    def restart_redis() -> None:
        redis.stop()
        time.sleep(3)
        redis.start()

    def replace_workers() -> None:
        processes.kill("worker")
        processes.kill("delivery-1")
        processes.start_deployment_workers(queue="chaos", jobs="worker-2", delivery=("delivery-3",))

    begun = time.monotonic()
    at(
        6,
        "the jobs worker and one of the two delivery workers killed with SIGKILL; new ones started",
        replace_workers,
    )
    at(12, "Redis stopped for 3 s (every queued message lost), then started", restart_redis)
    at(20, "PostgreSQL proxy cut every connection and refused new ones for 5 s", lambda: proxy.refuse(5))
    at(
        28,
        "mock agencies fail the first 2 tries of every request (500s and timeouts), 30% answer later",
        lambda: behaviour.set_knobs(
            {"fail_first": 2, "fail_first_mode": "mixed", "timeout_seconds": 1.5, "accept_rate": 0.3}
        ),
    )


def report(outcomes: list[dict], events: list, seconds: float) -> dict:
    from django.db.models import Count, Q

    from interconnect.mock_agencies.models import MockRequest
    from registrations.models import Bundle, Step

    acknowledged = [o for o in outcomes if o["result"] == "acknowledged"]
    refused = [o for o in outcomes if o["result"] == "refused"]
    unclear = [o for o in outcomes if o["result"] == "unclear"]
    codes = {o["code"] for o in acknowledged}
    found = dict(Bundle.objects.filter(code__in=codes).values_list("code", "state"))
    # A refused attempt must have left nothing behind but, at most, the citizen's own draft.
    refused_ids = [o["id"] for o in refused if o.get("id")]
    written_anyway = Bundle.objects.filter(public_id__in=refused_ids).exclude(state="draft").count()
    half_written = (
        Bundle.objects.exclude(state__in=["draft", "withdrawn"])
        .filter(Q(code__isnull=True) | Q(steps=None))
        .count()
        + Bundle.objects.filter(state="draft", code__isnull=False).count()
    )
    repeated_keys = MockRequest.objects.filter(effects__gt=1).count()
    repeated_steps = (
        MockRequest.objects.values("agency", "idempotency_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    # Every delivered step that is done was acted on exactly once by its agency.
    effects = dict(MockRequest.objects.values_list("idempotency_key", "effects"))
    delivered = Step.objects.filter(bundle__code__in=codes, state="done").exclude(agency="civil_status")
    not_exactly_once = sum(
        1 for key in delivered.values_list("idempotency_key", flat=True) if effects.get(key) != 1
    )
    refused_by = {}
    for o in refused:
        refused_by[f"{o['at']} {o['status']}"] = refused_by.get(f"{o['at']} {o['status']}", 0) + 1
    return {
        "submissions": len(outcomes),
        "acknowledged": len(acknowledged),
        "completed": sum(1 for state in found.values() if state == "completed"),
        "refused_with_clear_error": len(refused),
        "refused_by_step_and_status": refused_by,
        "unclear_answers": len(unclear),
        "lost": len(codes - set(found)),
        "not_completed": sorted(code for code, state in found.items() if state != "completed"),
        "duplicates_at_agencies": repeated_keys + repeated_steps,
        "done_steps_not_acted_on_exactly_once": not_exactly_once,
        "refused_but_written": written_anyway,
        # Answered "in doubt" (the COMMIT was broken off), then found submitted when looked up.
        "in_doubt_then_found": sum(1 for o in acknowledged if o.get("in_doubt")),
        "half_written": half_written,
        "events": events,
        "seconds": round(seconds, 1),
        "unclear_examples": unclear[:5],
    }


def main() -> int:
    # Stopped from outside: still run the clean-up below (no process or server left behind).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    redis = RedisServer(VAR)
    redis.start()
    os.environ.update(
        {
            "CELERY_BROKER_URL": redis.url,
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/1",
            "CELERY_QUEUE": "chaos",
            "PORTAL_VAR_DIR": str(VAR),
        }
    )
    log("preparing the database")
    bench.prepare_database()
    bench.django_setup()

    from django.conf import settings

    from interconnect.mock_agencies import behaviour
    from portal.accounts.models import User

    tokens = bench.make_citizens(CITIZENS)
    clerk = User.objects.create(
        username="chaos-clerk", role="ward_clerk", ward_id=WARD, full_name="Cán Bộ Một"
    )
    leader = User.objects.create(
        username="chaos-leader", role="ward_leader", ward_id=WARD, full_name="Lãnh Đạo Một", title="Chủ tịch"
    )
    behaviour.set_knobs({"accept_rate": 0.3, "callback_delay_ms": 300})

    proxy = FlakyProxy()
    web_port, mock_port = free_port(), free_port()
    direct = os.environ["DATABASE_URL"]
    env = {
        **os.environ,
        "DATABASE_URL": direct.replace(":5432/", f":{proxy.port}/"),
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        "RELAY_SECONDS": "0.5",
        **INTERCONNECT,
        **{
            f"AGENCY_{code.upper()}_URL": f"http://127.0.0.1:{mock_port}/mock-agencies/{code}"
            for code in settings.AGENCY_CODES
        },
    }
    processes = PortalProcesses(cwd=ROOT, env=env, log_dir=VAR)
    stop_back_office = threading.Event()
    try:
        # The mock agencies keep their record straight in the database: it is the witness of duplicates.
        processes.start_mock(port=mock_port, DATABASE_URL=direct)
        processes.start_web(port=web_port)
        processes.start_deployment_workers(
            queue="chaos", jobs="worker", delivery=("delivery-1", "delivery-2")
        )
        processes.start_beat(schedule=VAR / "beat-schedule")
        bench.wait_http(web_port, "/healthz")
        bench.wait_http(mock_port, "/mock-agencies/_knobs/")
        log(f"portal on :{web_port}, PostgreSQL through the proxy on :{proxy.port}, Redis on :{redis.port}")

        office = threading.Thread(target=back_office, args=(clerk, leader, stop_back_office), daemon=True)
        office.start()
        events: list = []
        threading.Thread(
            target=processes.supervise, args=(events, stop_back_office, log), daemon=True
        ).start()
        timeline = threading.Thread(
            target=chaos_timeline, args=(processes, redis, proxy, events), daemon=True
        )
        begun = time.monotonic()
        timeline.start()
        outcomes: list[dict] = []
        with ThreadPoolExecutor(max_workers=CITIZENS) as pool:
            futures = []
            for n in range(SUBMISSIONS):
                # Spread evenly over the window, so every fault meets submissions in flight.
                time.sleep(max(0.0, n * SPREAD_SECONDS / SUBMISSIONS - (time.monotonic() - begun)))
                futures.append(pool.submit(submit_one, web_port, n % CITIZENS, tokens[n % CITIZENS], n))
            outcomes = [f.result() for f in futures]
        timeline.join()
        log(f"{SUBMISSIONS} submissions sent; waiting for the acknowledged ones to complete")

        from registrations.models import Bundle

        codes = [o["code"] for o in outcomes if o["result"] == "acknowledged"]
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if Bundle.objects.filter(code__in=codes, state="completed").count() == len(codes):
                break
            time.sleep(2)
        stop_back_office.set()
        office.join(timeout=10)
        # Let late callbacks and retries land before counting the agencies' effects.
        time.sleep(3)
        result = report(outcomes, events, time.monotonic() - started)
    finally:
        stop_back_office.set()
        processes.stop()
        proxy.stop()
        redis.stop()

    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print()
    print("| figure | value |\n|---|---:|")
    for key in ("submissions", "acknowledged", "completed", "refused_with_clear_error", "unclear_answers",
                "lost", "duplicates_at_agencies", "done_steps_not_acted_on_exactly_once",
                "refused_but_written", "in_doubt_then_found", "half_written"):  # fmt: skip
        print(f"| {key.replace('_', ' ')} | {result[key]} |")
    print(f"| not completed | {len(result['not_completed'])} |")
    print(f"\nrefusals: {result['refused_by_step_and_status']}; {result['seconds']} s in all")
    print(f"results in {RESULTS.relative_to(ROOT)}, process logs in {VAR.relative_to(ROOT)}/")
    failed = (
        result["lost"]
        or result["duplicates_at_agencies"]
        or result["done_steps_not_acted_on_exactly_once"]
        or result["unclear_answers"]
        or result["refused_but_written"]
        or result["half_written"]
        or result["not_completed"]
    )
    print("CHAOS FAILED" if failed else "chaos run passed: nothing lost, nothing duplicated")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
