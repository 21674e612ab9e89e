"""What every bench case shares: the environment it runs in (its own database, broker queues and var
folder), the set-up (a fresh database, citizens with tokens, certificates a hospital sent), the bodies
it sends, and the figures' spread over rounds."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.processes import PortalProcesses

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
VAR = Path(os.environ["PORTAL_VAR_DIR"])
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


# One timed round of submissions is bounded in count as well as time: more than 2 cores manage in its
# seconds, and it bounds the certificates seeded for the load that uses them.
ROUND_LIMIT = int(os.environ.get("BENCH_ROUND_LIMIT", "2500"))


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


CLERK: dict = {}


def ready_bundles(n: int, *, submit: bool = True):
    """Birth bundles in review (or, without ``submit``, drafts ready to submit), made through the
    services as the portal makes them."""
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
        declaration = json.loads(birth_body(i % 100, serial, ward=16690))
        del declaration["privacy_notice_accepted"]
        serializer = DeclarationSerializer(data=declaration)
        serializer.is_valid(raise_exception=True)
        bundle = bundle_services.bundle_create_draft(owner=owner, data=serializer.validated_data)
        bundle_services.attachment_add(
            bundle=bundle,
            actor=owner,
            kind="medical_birth_certificate",
            upload=ContentFile(SCAN, name="gcs.pdf"),
        )
        if submit:
            bundle_services.bundle_submit(bundle=bundle, actor=owner)
            bundle_services.bundle_accept(bundle=bundle, actor=CLERK["user"])
        out.append(bundle)
    return out


def wait_for(predicate, seconds: float = 180, poll: float = 0.1) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(poll)
    raise RuntimeError("the pipeline did not finish in time")


def portal_processes(**env: str):
    """The launcher for the portal's processes, logging under the bench's var folder."""
    VAR.mkdir(parents=True, exist_ok=True)
    return PortalProcesses(cwd=ROOT, env={**os.environ, **env}, log_dir=VAR)
