"""`make bench` compares submissions over HTTP with `bench/submission.sql`, the same writes run by
pgbench as the database's ceiling. The comparison means something only while the script writes what
a real submission writes: these tests fail when the schema or the submission moves on without it."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrations.models import Attachment, Bundle, Step
from tests.conftest import require_tool

from .helpers import PDF, birth_declaration, start_body
from .states import Cast
from .test_postgres import token_client

SCRIPT = Path(settings.BASE_DIR) / "bench" / "submission.sql"
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE | re.MULTILINE)


def written_tables(statements: list[str]) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {"insert": set(), "update": set()}
    for statement in statements:
        for verb, table in WRITE.findall(statement):
            tables["insert" if verb.upper() == "INSERT INTO" else "update"].add(table)
    return tables


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_pgbench_script_writes_the_same_tables_as_a_submission_and_runs(divisions):
    cast = Cast()
    client = token_client(cast.citizen)
    paper = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    with CaptureQueriesContext(connection) as queries:
        created = client.post("/api/v1/bundles/", start_body(birth_declaration()), format="json")
        key = created.json()["id"]
        upload = {"kind": "medical_birth_certificate", "file": paper}
        client.post(f"/api/v1/bundles/{key}/attachments/", upload)
        submitted = client.post(f"/api/v1/bundles/{key}/submit/")
    assert submitted.status_code == 200, submitted.json()
    portal = written_tables([q["sql"] for q in queries.captured_queries])
    script = written_tables([SCRIPT.read_text()])
    assert script["insert"] == portal["insert"]
    assert script["update"] <= portal["update"]

    # And it runs against this schema: three submissions by pgbench without a scan, three with.
    require_tool("pgbench")
    before = Bundle.objects.count(), Attachment.objects.count()
    for scan in (0, 1):
        result = _pgbench(owner=cast.citizen.pk, scan=scan)
        assert result.returncode == 0, result.stderr[-2000:]
    written = Bundle.objects.exclude(public_id=key).filter(state="submitted")
    assert Bundle.objects.count() == before[0] + 6
    assert written.count() == 6
    assert Attachment.objects.count() == before[1] + 3
    assert Step.objects.filter(bundle__in=written).count() == 30


def _pgbench(*, owner: int, scan: int) -> subprocess.CompletedProcess:
    database = connection.settings_dict
    return subprocess.run(
        [
            "pgbench",
            "-n",
            "-t",
            "3",
            "-D",
            f"owner={owner}",
            "-D",
            f"scan={scan}",
            "-f",
            str(SCRIPT),
            "-h",
            database["HOST"] or "127.0.0.1",
            "-p",
            str(database["PORT"] or 5432),
            "-U",
            database["USER"] or "postgres",
            database["NAME"],
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
