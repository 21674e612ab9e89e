"""`make bench`: the portal measured against its own ceilings, side by side, in one run.

Cases (run all, or one with BENCH=name):
  submit    complete birth submissions over HTTP (create + attach + submit) against a bare view behind the
            same middleware (framework ceiling) and pgbench doing one submission's writes (database ceiling)
  pipeline  steps per second through relay → Celery worker → mock agencies, against a no-op task on
            the same broker; register→personal ID and sign→completed latency
  signing   extracts rendered and signed per second on one core
  queue     the clerk's queue page over 10,000 bundles of one ward
  dashboard dashboard requests over five years of roll-ups for all 3,321 wards, and the rebuild of the
            roll-ups from a million synthetic bundles (BENCH_DASHBOARD_BUNDLES, BENCH_DASHBOARD_YEARS)
  memory    peak RSS of a web worker and a Celery worker (measured during the cases above)

Everything targets 127.0.0.1 and is bounded in count and time. Results: bench/results/latest.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_DB_NAME", "bench_portal")
PG = "postgres://postgres@127.0.0.1:5432"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/5"),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "CELERY_QUEUE": "bench",
        "PORTAL_VAR_DIR": str(ROOT / "var" / "bench"),
        "RELAY_SECONDS": "0.5",
    }
)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RESULTS = ROOT / "bench" / "results"
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", str(os.cpu_count() or 2)))
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "4"))
USERS = int(os.environ.get("BENCH_USERS", "16"))


def sh(*args: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result


def spread(values: list[float], digits: int = 2) -> dict:
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
        "rounds": [round(v, digits) for v in values],
    }


def ratios(values: list[float]) -> dict:
    return spread(values, digits=4)  # small numbers: two decimals would hide a change of half


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- set-up ---------------------------------------------------------------------------------------


def prepare_database() -> None:
    sh("psql", PG + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    sh("psql", PG + "/postgres", "-qc", f"CREATE DATABASE {DB_NAME}")
    python = sys.executable
    sh(python, "manage.py", "migrate", "-v0", cwd=ROOT)
    sh(python, "manage.py", "load_divisions", cwd=ROOT)


def django_setup():
    import django

    django.setup()


def make_citizens(count: int) -> list[str]:
    """Citizens with API tokens (the demo's password login for citizens is not used: tokens are made
    directly, as an e-ID sign-in would)."""
    from datetime import date

    from rest_framework.authtoken.models import Token

    from portal.accounts.models import User
    from portal.common.identifiers import personal_id_century_digit

    tokens = []
    for n in range(count):
        born = date(1990 + n % 10, 1 + n % 12, 1 + n % 28)
        number = f"040{personal_id_century_digit(year=born.year, sex='female')}{born.year % 100:02d}{n:06d}"
        user = User.objects.filter(username=f"bench{n}").first() or User(username=f"bench{n}")
        user.role, user.full_name, user.sex, user.date_of_birth = (
            "citizen",
            f"Người Thử Số {chr(65 + n % 26)}",
            "female",
            born,
        )
        user.id_number = number
        user.set_unusable_password()
        user.save()
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


WARDS: list[int] = []


def load_wards() -> None:
    from portal.divisions.models import Ward

    if not WARDS:
        WARDS.extend(Ward.objects.filter(province_id=40).order_by("code").values_list("code", flat=True))


MOTHER_BORN = "1995-03-12"
# The load with electronic certificates takes serials from 1, the load with scans from here: their
# mothers differ, so neither flags the other's bundles as possible duplicates.
SCAN_SERIALS = 500_000


def mother_id(serial: int) -> str:
    return f"040195{serial % 1_000_000:06d}"  # Nghệ An, a woman born in 1995


def certificate_number(serial: int) -> str:
    return f"GCS-{serial:08d}"


def child_born(serial: int):
    from datetime import date, timedelta

    return date.today() - timedelta(days=1 + serial % 40)


def birth_body(user_index: int, serial: int, ward: int | None = None) -> bytes:
    """A complete birth declaration; successive ones spread over the wards of Nghệ An (a real load
    does not all land on one ward's counter)."""
    ward = ward or WARDS[serial % len(WARDS)]
    return json.dumps(
        {
            "group": "birth",
            "privacy_notice_accepted": True,
            "procedures": ["permanent_residence", "health_insurance", "child_id_card"],
            "registration_ward": ward,
            "requester": {"relationship": "mother", "phone": "0912345678"},
            "child": {
                "full_name": "Nguyễn Minh Khôi",
                "sex": "male",
                "date_of_birth": child_born(serial).isoformat(),
                "ethnicity": "01",
                "nationality": "VN",
            },
            "mother": {
                "full_name": "Nguyễn Thị Lan",
                "date_of_birth": MOTHER_BORN,
                "sex": "female",
                "id_number": mother_id(serial),
                "ethnicity": "01",
                "nationality": "VN",
                "residence_address": "Số 5 Lê Lợi",
                "ward_code": ward,
            },
            "birth": {
                "time_of_birth": "08:30",
                "place_of_birth_facility": "Bệnh viện Sản Nhi Nghệ An",
                "place_of_birth_ward": ward,
                "hometown": "Nghi Lộc, Nghệ An",
                "medical_birth_certificate_number": certificate_number(serial),
            },
            "residence": {
                "address": "Số 5 Lê Lợi",
                "ward_code": ward,
                "household_head_full_name": "Trần Văn Hùng",
                "household_head_id_number": "040090067890",
                "relationship_to_head": "con",
                "owner_consent": True,
            },
            "health_insurance": {"primary_care_facility": "Trạm y tế phường", "first_card": True},
            "child_id_card": {"delivery_method": "pickup"},
        },
        ensure_ascii=False,
    ).encode()


def seed_certificates(count: int) -> None:
    """What the maternity hospital sent before the families file: the electronic birth certificate of
    each of the first ``count`` serials, naming its mother, so those bundles need no scan."""
    import hashlib
    from datetime import date

    from portal.common.crypto import lookup_hmac
    from registrations.constants import CertificateKind
    from registrations.models import MedicalCertificate, MedicalFacility

    facility = MedicalFacility.objects.filter(code="BV-SANNHI-NA").first()
    if facility is None:
        from registrations.facilities.intake import facility_register

        facility, _ = facility_register(
            code="BV-SANNHI-NA", name="Bệnh viện Sản Nhi Nghệ An", ward_id=WARDS[0]
        )
    rows = []
    for serial in range(1, count + 1):
        number = certificate_number(serial)
        rows.append(
            MedicalCertificate(
                kind=CertificateKind.BIRTH,
                number=number,
                facility=facility,
                subject_full_name="Nguyễn Thị Lan",
                subject_date_of_birth=date.fromisoformat(MOTHER_BORN),
                subject_id_number=mother_id(serial),
                subject_id_hmac=lookup_hmac(mother_id(serial)),
                event_date=child_born(serial),
                details=json.dumps({"child": {"sex": "male", "date_of_birth": str(child_born(serial))}}),
                body_sha256=hashlib.sha256(number.encode()).hexdigest(),
            )
        )
    MedicalCertificate.objects.bulk_create(rows, batch_size=2000)


SCAN = b"%PDF-1.4\n% giay chung sinh\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BOUNDARY = "benchboundary7e3f"
MULTIPART = (
    (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmedical_birth_certificate\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="gcs.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode()
    + SCAN
    + f"\r\n--{BOUNDARY}--\r\n".encode()
)


class Gunicorn:
    def __init__(self, port: int):
        self.port = port
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WEB_WORKERS),
                "--worker-class",
                "gthread",
                "--threads",
                str(WEB_THREADS),
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        wait_http(port, "/healthz")

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def wait_http(port: int, path: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


# --- cases ----------------------------------------------------------------------------------------


# One timed round of submissions is bounded in count as well as time: more than 2 cores manage in its
# seconds, and it bounds the certificates seeded for the load that uses them.
ROUND_LIMIT = int(os.environ.get("BENCH_ROUND_LIMIT", "2500"))


def case_submit(results: dict) -> None:
    from bench.loadgen import expect, run_load

    load_wards()
    tokens = make_citizens(USERS)
    users = [(i, t) for i, t in enumerate(tokens)]
    seed_certificates(ROUND_LIMIT * (ROUNDS + 2))
    server = Gunicorn(8765)
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
                port=server.port,
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
        web_rss = max(peak_rss_mb(pid) for pid in server.worker_pids())
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


HOT_TABLES = (
    "dashboard_wardday",
    "registrations_bundle",
    "registrations_bundlecodecounter",
    "audit_auditstream",
)


def vacuum() -> None:
    """Where autovacuum is off (as on the CI machine), the rows every submission updates pile up dead
    versions round after round, and each round would measure a more bloated database than the last.
    A deployment runs autovacuum, with the roll-up table's own thresholds from its migration; the
    bench vacuums those tables before each round as it would."""
    sh("psql", f"{PG}/{DB_NAME}", "-qc", f"VACUUM (ANALYZE) {', '.join(HOT_TABLES)}")


def profile_round(server: Gunicorn, run) -> dict:
    """One more round while py-spy samples the web workers that hold the GIL: Python at work, not
    waiting for the database. The summary goes into the results and, as tables, beside them."""
    from bench import profile

    raw = RESULTS / "submit-profile.raw"
    command = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--pid",
        str(server.process.pid),
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


def case_signing(results: dict) -> None:
    """Render and sign on one core (this process, one thread)."""
    from datetime import date

    from django.conf import settings

    from signing import pdf, pki, render
    from signing.content import SIGNATURE_BOX, ExtractContent

    directory = Path(os.environ["PORTAL_VAR_DIR"]) / "pki"
    issued = pki.issue_signer(
        directory=directory,
        passphrase=settings.SIGNING["passphrase"],
        username="bench-leader",
        full_name="Phan Đình Quý",
        organisation="UBND Phường Trường Vinh",
    )
    content = ExtractContent(
        title="Trích lục khai sinh",
        ward_name="Phường Trường Vinh",
        province_name="Nghệ An",
        registration_number=1,
        registration_book="01/2026",
        rows=[("Họ, chữ đệm, tên", "Nguyễn Thị Ánh Tuyết")] * 14,
        signed_on=date.today(),
        signer_name="Phan Đình Quý",
        signer_title="Phó Chủ tịch",
        verify_url="http://127.0.0.1:8000/verify/abcdefghijklmnopqrstuvwxyz012345/",
    )
    count = 25
    rates, render_only = [], []

    def render_and_sign() -> None:
        pdf.sign(
            pdf=render.render(content),
            pkcs12_path=str(issued.path),
            passphrase=settings.SIGNING["passphrase"],
            box=SIGNATURE_BOX,
            reason="bench",
            location="bench",
        )

    render_and_sign()  # warm-up: fonts, key load
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(count):
            render.render(content)
        render_only.append(count / (time.perf_counter() - started))
        started = time.perf_counter()
        for _ in range(count):
            render_and_sign()
        rates.append(count / (time.perf_counter() - started))
    results["signing"] = {
        "extracts_rendered_per_s": spread(render_only),
        "extracts_rendered_and_signed_per_s": spread(rates),
        "setup": "one process, one thread; RSA-2048 key, PAdES B-B",
    }


def case_pipeline(results: dict) -> None:
    """Steps per second through the relay, a Celery worker and the mock agencies (zero latency),
    beside a no-op task on the same broker and worker."""
    import redis
    from django.conf import settings

    from interconnect.mock_agencies import behaviour
    from portal.health.tasks import count
    from registrations import services as bundle_services
    from registrations.models import Bundle, Step

    env = {
        **os.environ,
        "SITE_URL": "http://127.0.0.1:8766",
        **{
            f"AGENCY_{c.upper()}_URL": f"http://127.0.0.1:8767/mock-agencies/{c}"
            for c in settings.AGENCY_CODES
        },
    }
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            "127.0.0.1:8766",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    mock = subprocess.Popen(
        [sys.executable, "manage.py", "run_mock_agencies", "--port", "8767"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--concurrency=2",
            "--loglevel=WARNING",
            "-Q",
            "bench",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
    )
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "--loglevel=WARNING",
            "--schedule",
            str(Path(os.environ["PORTAL_VAR_DIR"]) / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
    )
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
        celery_rss = max([peak_rss_mb(worker.pid), *(peak_rss_mb(p) for p in children(worker.pid))])
    finally:
        for process in (beat, worker, mock, web):
            process.terminate()
        for process in (beat, worker, mock, web):
            process.wait(timeout=30)
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


CLERK: dict = {}


def ready_bundles(n: int):
    """Birth bundles in review, made through the services as the portal makes them."""
    from django.core.files.base import ContentFile

    from portal.accounts.models import User
    from registrations import services as bundle_services
    from registrations.serializers import DeclarationSerializer

    load_wards()
    if not CLERK:
        CLERK["user"] = User.objects.get_or_create(
            username="bench-clerk", defaults={"role": "ward_clerk", "ward_id": 16690}
        )[0]
        CLERK["leader"] = User.objects.get_or_create(
            username="bench-leader", defaults={"role": "ward_leader", "ward_id": 16690}
        )[0]
    if not User.objects.filter(role="citizen").exists():
        make_citizens(1)
    owner = User.objects.filter(role="citizen").first()
    out = []
    for i in range(n):
        serial = int(time.time() * 1000) % 10_000_000 + i
        serializer = DeclarationSerializer(data=json.loads(birth_body(i % 100, serial, ward=16690)))
        serializer.is_valid(raise_exception=True)
        bundle = bundle_services.bundle_create_draft(owner=owner, data=serializer.validated_data)
        bundle_services.attachment_add(
            bundle=bundle,
            actor=owner,
            kind="medical_birth_certificate",
            upload=ContentFile(SCAN, name="gcs.pdf"),
        )
        bundle_services.bundle_submit(bundle=bundle, actor=owner)
        bundle_services.bundle_accept(bundle=bundle, actor=CLERK["user"])
        out.append(bundle)
    return out


def wait_for(predicate, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError("the pipeline did not finish in time")


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


# --- report ---------------------------------------------------------------------------------------


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
