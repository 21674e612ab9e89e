"""Backups and restores: the database (pg_dump / pg_restore on PostgreSQL, SQLite's online backup on
the embedded default) plus the private media (attachments, extracts), with a manifest of row counts
and file hashes taken from the same database snapshot, so a restore can prove it is complete.

Secrets are not in a backup: the key that decrypts personal ID numbers (``PERSONAL_DATA_KEY``) and the
signing keys are kept apart, and a restore needs the same key to read the ID numbers again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.audit.services import audit_verify

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "private-media.tar.gz"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A backup or restore that could not be done, with the reason in Vietnamese."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    audit_events: int = 0
    problems: list[str] = field(default_factory=list)


def _tables() -> list[str]:
    """Every table of an installed model (many-to-many tables included), sorted."""
    names = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            names.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables():
        # Table names come from the installed models, never from input.
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{db['NAME']}"


def _run(args: list[str]) -> None:
    # The connection string is passed with --dbname, never echoed: it may hold a password.
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} thất bại: {result.stderr.strip()[-500:]}")


def backup_create(*, target: Path) -> dict:
    """Write a backup into ``target`` (created; must not exist yet) and return its manifest."""
    if target.exists():
        raise BackupError(f"Thư mục {target} đã tồn tại; chọn thư mục mới cho bản sao lưu.")
    target.mkdir(parents=True)
    vendor = connection.vendor
    manifest: dict = {"created_at": timezone.now().isoformat(), "engine": vendor}
    if vendor == "postgresql":
        # Counts and dump read one snapshot: pg_dump joins the snapshot this transaction exports.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            manifest["rows"] = _row_counts(cursor)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target / PG_DUMP}",
                    f"--dbname={_pg_url()}",
                ]
            )
        manifest["database"] = {"file": PG_DUMP, "sha256": _sha256(target / PG_DUMP)}
    elif vendor == "sqlite":
        connection.ensure_connection()
        # SQLite's online backup copies a consistent image; the counts are read from that copy.
        copy = sqlite3.connect(target / SQLITE_COPY)
        connection.connection.backup(copy)
        manifest["rows"] = {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in _tables()
        }
        copy.close()
        manifest["database"] = {"file": SQLITE_COPY, "sha256": _sha256(target / SQLITE_COPY)}
    else:
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại {vendor}.")

    # The media after the database: every file a row of the snapshot names was written before it.
    media_root = Path(settings.MEDIA_ROOT)
    files = {}
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media_root.exists():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                name = path.relative_to(media_root).as_posix()
                files[name] = _sha256(path)
                archive.add(path, arcname=name, recursive=False)
    manifest["media"] = {"file": MEDIA_ARCHIVE, "sha256": _sha256(target / MEDIA_ARCHIVE), "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def _database_is_empty() -> bool:
    return "django_migrations" not in connection.introspection.table_names()


def _safe_members(archive: tarfile.TarFile, files: dict[str, str]) -> list[tarfile.TarInfo]:
    """Only regular files the manifest lists, at relative paths inside the media root."""
    members = []
    for member in archive.getmembers():
        name = member.name
        if not member.isfile() or name.startswith("/") or ".." in Path(name).parts or name not in files:
            raise BackupError(f"Tệp lạ trong bản sao lưu: {name!r}; dừng khôi phục.")
        members.append(member)
    return members


def backup_restore(*, source: Path) -> RestoreReport:
    """Restore ``source`` into the configured database, which must be empty (a fresh database), and
    its media into ``MEDIA_ROOT``; then prove the result: row counts and file hashes equal the
    manifest, and the audit trail's hash chains verify."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"Không thấy {MANIFEST} trong {source}: đây không phải một bản sao lưu.")
    manifest = json.loads(manifest_path.read_text())
    database = source / manifest["database"]["file"]
    if _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError("Tệp cơ sở dữ liệu trong bản sao lưu không khớp mã băm: bản sao lưu bị hỏng.")
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"Bản sao lưu của {manifest['engine']} không khôi phục được vào {connection.vendor}."
        )
    if not _database_is_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có dữ liệu. Chỉ khôi phục vào một cơ sở dữ liệu mới, trống "
            "(không ghi đè dữ liệu đang có)."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"Thư mục tệp riêng {media_root} không trống; chọn thư mục mới.")

    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={_pg_url()}",
                str(database),
            ]
        )
    else:
        connection.ensure_connection()
        source_db = sqlite3.connect(database)
        source_db.backup(connection.connection)
        source_db.close()

    files = manifest["media"]["files"]
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / manifest["media"]["file"], "r:gz") as archive:
        archive.extractall(media_root, members=_safe_members(archive, files), filter="data")
    return restore_check(manifest=manifest)


def restore_check(*, manifest: dict) -> RestoreReport:
    """Compare what is in the database and media root with a backup's manifest, and verify the audit
    trail. Every difference is a problem in the report."""
    report = RestoreReport()
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    for table, expected in manifest["rows"].items():
        found = counts.get(table)
        if found != expected:
            report.problems.append(f"bảng {table}: {found} dòng, bản sao lưu có {expected}")
    report.tables, report.rows = len(counts), sum(counts.values())
    media_root = Path(settings.MEDIA_ROOT)
    for name, digest in manifest["media"]["files"].items():
        path = media_root / name
        if not path.is_file():
            report.problems.append(f"thiếu tệp {name}")
        elif _sha256(path) != digest:
            report.problems.append(f"tệp {name} khác mã băm")
        else:
            report.files += 1
    broken = audit_verify()
    if broken:
        report.problems.append(f"nhật ký kiểm toán hỏng ở {broken[0]} ({len(broken)} chỗ)")
    report.audit_events = counts.get("audit_auditevent", 0)
    return report
