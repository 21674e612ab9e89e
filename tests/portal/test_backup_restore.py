"""The restore drill: back up a portal with bundles, attachments and an audit trail, restore it into a
fresh database and an empty media folder in another process, and check counts, files and the audit
chains; a damaged backup or a non-empty target is refused."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from registrations.models import Attachment, Bundle
from tests.conftest import require_tool
from tests.registrations.states import Cast, build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def files_on_disk(settings, tmp_path):
    """Attachments written to a real folder, as in a deployment (the suite keeps them in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the suite's engine, and its URL; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    require_tool("pg_restore")
    name = f"restore_drill_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, password=db["PASSWORD"]
    )
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    auth = f"{db['USER']}@" if db["USER"] else ""
    yield f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def backed_up(divisions, files_on_disk, tmp_path) -> Path:
    """One submitted bundle (with its scan and audit events), backed up."""
    if connection.vendor == "postgresql":
        require_tool("pg_dump")
    build("submitted", Cast())
    call_command("backup", to=str(tmp_path / "backup"))
    return tmp_path / "backup"


def restore(source: Path, database_url: str, var_dir: Path) -> subprocess.CompletedProcess:
    """`manage.py restore` as an operator runs it: another process, pointed at the fresh database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": database_url,
        "PORTAL_VAR_DIR": str(var_dir),
        "PERSONAL_DATA_KEY": settings.PERSONAL_DATA_KEY,
        "SECRET_KEY": settings.SECRET_KEY,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", "--from", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def count_in(database_url: str, table: str) -> int:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    with psycopg2.connect(database_url.replace("postgres://", "postgresql://")) as db:
        cursor = db.cursor()
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def test_a_backup_restores_into_a_fresh_database_with_every_row_file_and_audit_link(
    divisions, files_on_disk, fresh_database, tmp_path
):
    if connection.vendor == "postgresql":
        require_tool("pg_dump")
    cast = Cast()
    bundles = [build(state, cast) for state in ("submitted", "registered", "draft")]
    scans = list(Attachment.objects.values_list("file", flat=True))
    assert len(scans) == 3 and all((files_on_disk / name).is_file() for name in scans)

    call_command("backup", to=str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["rows"]["registrations_bundle"] == 3
    assert sorted(manifest["media"]["files"]) == sorted(scans)
    # What happens after the backup is not in it.
    build("submitted", cast)

    restored_var = tmp_path / "restored-var"
    result = restore(tmp_path / "backup", fresh_database, restored_var)
    assert result.returncode == 0, result.stderr
    assert "Đã khôi phục và đối chiếu" in result.stdout
    assert count_in(fresh_database, "registrations_bundle") == len(bundles)
    assert count_in(fresh_database, "audit_auditevent") == manifest["rows"]["audit_auditevent"] > 0
    for name in scans:
        assert (restored_var / "private" / name).read_bytes() == (files_on_disk / name).read_bytes()

    # Restoring again over what is now there is refused: a restore never overwrites data.
    again = restore(tmp_path / "backup", fresh_database, tmp_path / "other-var")
    assert again.returncode != 0
    assert "đã có dữ liệu" in again.stderr
    assert Bundle.objects.count() == 4  # the live database was never touched


def test_a_damaged_backup_is_refused_before_anything_is_restored(backed_up, fresh_database, tmp_path):
    dump = next(p for p in backed_up.iterdir() if p.name.startswith("database."))
    with dump.open("r+b") as handle:
        handle.seek(dump.stat().st_size // 2)
        handle.write(b"\x00garbled\x00")
    result = restore(backed_up, fresh_database, tmp_path / "restored-var")
    assert result.returncode != 0
    assert "không khớp mã băm" in result.stderr
    assert not (tmp_path / "restored-var" / "private").exists()


def test_a_restore_that_differs_from_its_manifest_says_where(backed_up, fresh_database, tmp_path):
    manifest_path = backed_up / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["rows"]["registrations_bundle"] += 1  # as if a bundle had been lost on the way
    manifest_path.write_text(json.dumps(manifest))
    result = restore(backed_up, fresh_database, tmp_path / "restored-var")
    assert result.returncode != 0
    assert "bảng registrations_bundle: 1 dòng, bản sao lưu có 2" in result.stderr
