"""Writing the roll-ups: apply a row's change as one UPSERT per touched key (counters only ever move
by the difference, never read-modify-write), and rebuild everything from the raw tables."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from portal.common.sql import execute
from portal.divisions.selectors import province_of
from portal.workcalendar.services import overrides_between
from registrations.models import Bundle, Step

from . import rules
from .models import ProvinceDay, RefreshMark, WardDay

_KEY_COLUMNS = ("ward_id", "province_id", "day", "group", "procedure", "agency", "touched_at")
_CONFLICT = ("ward_id", "day", "group", "procedure", "agency")


def rollups_apply(delta: rules.Contribution) -> None:
    """Add ``delta`` to the ward-day rows in one statement, creating rows as needed. Counters only move
    by the difference (``count = count + excluded.count``), so concurrent changes never overwrite each
    other and no row is read first."""
    if not delta:
        return
    quote = connection.ops.quote_name
    table = quote(WardDay._meta.db_table)
    # Only the counters this change moves are written; the others start at their database default, 0.
    touched = sorted({c for counts in delta.values() for c in counts})
    if not touched:
        return
    columns = [*_KEY_COLUMNS, *touched]
    now = timezone.now()
    values: list = []
    for (ward, day, group, procedure, agency), counts in sorted(delta.items()):
        values += [ward, province_of(ward) or 0, day, group, procedure, agency, now]
        values += [counts.get(c, 0) for c in touched]
    row = f"({', '.join(['%s'] * len(columns))})"
    # Every name comes from rules.COLUMNS and the model; only values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names only
        f"VALUES {', '.join([row] * len(delta))} "
        f"ON CONFLICT ({', '.join(quote(c) for c in _CONFLICT)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in touched)
        + f", {quote('touched_at')} = excluded.{quote('touched_at')}"
    )
    with connection.cursor() as cursor:
        execute(cursor, sql, values)


def calendar_window(*days: date | None) -> dict[date, str]:
    """The calendar overrides around the given days (enough for any processing time)."""
    known = [d for d in days if d is not None]
    if not known:
        return {}
    return overrides_between(min(known) - timedelta(days=7), max(known) + timedelta(days=7))


@transaction.atomic
def rollups_rebuild(*, batch_size: int = 5000) -> int:
    """Throw the roll-ups away and sum every bundle's and step's contribution again. Returns the number
    of ward-day rows written."""
    WardDay.objects.all().delete()
    now = timezone.now()
    overrides = overrides_between(date(2000, 1, 1), date(2100, 1, 1))
    total: rules.Contribution = {}
    bundles = Bundle.objects.exclude(submitted_at=None).values(*rules.BUNDLE_FIELDS)
    for row in bundles.iterator(chunk_size=batch_size):
        rules.merge(total, rules.bundle_contribution(row, overrides))
    steps = (
        Step.objects.filter(state__in=("done", "dead", "rejected"))
        .exclude(agency=rules.INTERNAL_AGENCY)
        .values(*rules.STEP_FIELDS, "bundle__ward_id", "bundle__group")
    )
    for row in steps.iterator(chunk_size=batch_size):
        rules.merge(
            total, rules.step_contribution(row, ward=row["bundle__ward_id"], group=row["bundle__group"])
        )
    columns = [*_KEY_COLUMNS, *rules.COLUMNS]
    rows = [
        [
            ward,
            province_of(ward) or 0,
            day,
            group,
            procedure,
            agency,
            now,
            *(counts.get(c, 0) for c in rules.COLUMNS),
        ]
        for (ward, day, group, procedure, agency), counts in total.items()
    ]
    for start in range(0, len(rows), batch_size):
        copy_rows(WardDay, columns, rows[start : start + batch_size])
    provinces_refresh(full=True)
    return len(rows)


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def save_all(model, objects: list) -> None:
    """Insert model instances in bulk: on PostgreSQL with ids taken from the table's sequence and COPY
    (the ORM's per-value preparation costs more than the database for millions of rows), elsewhere
    with bulk_create. Either way each object has its primary key afterwards."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=2000)
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
    fields = list(model._meta.concrete_fields)
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    for obj in objects:
        for f in stamped:
            if getattr(obj, f.attname) is None:
                setattr(obj, f.attname, now)
    buffer = io.StringIO()
    for obj in objects:
        buffer.write("\t".join(_copy_text(getattr(obj, f.attname)) for f in fields) + "\n")
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


def copy_rows(model, columns: list[str], rows: list[list]) -> None:
    """Write many roll-up rows fast: COPY on PostgreSQL (the ORM's per-value preparation costs more
    than the database for tables this wide), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])
        return
    # Roll-up rows are a few key values and then integers only: escape the keys, print the counters.
    keys = sum(1 for c in columns if c not in rules.COLUMNS)
    buffer = io.StringIO()
    for row in rows:
        head = "\t".join(_copy_text(v) for v in row[:keys])
        buffer.write(head + "\t" + "\t".join(map(str, row[keys:])) + "\n")
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({names}) FROM STDIN", buffer)


def rollups_snapshot() -> dict[tuple, Counter]:
    """Every non-zero counter, keyed like the contributions (for comparing with a rebuild)."""
    out: dict[tuple, Counter] = {}
    for row in WardDay.objects.values("ward_id", "day", "group", "procedure", "agency", *rules.COLUMNS):
        counts = Counter({c: row[c] for c in rules.COLUMNS if row[c]})
        if counts:
            out[(row["ward_id"], row["day"], row["group"], row["procedure"], row["agency"])] = counts
    return out


# --- province totals ----------------------------------------------------------------------------

_GROUPING = ("province_id", "day", "group", "procedure", "agency")
# Ward rows are re-read from a little before the last refresh: a transaction that began earlier may
# commit a row stamped before the mark. Recomputing a province-day is idempotent, so overlap is free.
REFRESH_OVERLAP = timedelta(minutes=5)


def _recompute(province: int, days: list[date]) -> None:
    """Replace the province's totals for ``days`` by the sums of its ward rows, in the database."""
    quote = connection.ops.quote_name
    keys = ", ".join(quote(k) for k in _GROUPING)
    sums = ", ".join(f"SUM({quote(c)})" for c in rules.COLUMNS)
    marks = ", ".join(["%s"] * len(days))
    ProvinceDay.objects.filter(province_id=province, day__in=days).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ProvinceDay._meta.db_table)} ({keys}, "  # noqa: S608 - names only
            f"{', '.join(quote(c) for c in rules.COLUMNS)}) "
            f"SELECT {keys}, {sums} FROM {quote(WardDay._meta.db_table)} "
            f"WHERE {quote('province_id')} = %s AND {quote('day')} IN ({marks}) GROUP BY {keys}",
            [province, *days],
        )


@transaction.atomic
def provinces_refresh(*, full: bool = False) -> int:
    """Bring the province totals up to date with the ward rows changed since the last refresh (all of
    them with ``full``). One refresher at a time; returns the number of province-days recomputed."""
    started = timezone.now()
    mark, created = RefreshMark.objects.select_for_update().get_or_create(
        name="provinces", defaults={"refreshed_to": started}
    )
    changed = WardDay.objects.all()
    if not (full or created):
        changed = changed.filter(touched_at__gte=mark.refreshed_to - REFRESH_OVERLAP)
    by_province: dict[int, list[date]] = {}
    for province, day in changed.values_list("province_id", "day").distinct():
        by_province.setdefault(province, []).append(day)
    if full or created:
        ProvinceDay.objects.all().delete()
    for province, days in by_province.items():
        for start in range(0, len(days), 500):
            _recompute(province, days[start : start + 500])
    mark.refreshed_to = started
    mark.save(update_fields=["refreshed_to"])
    return sum(len(days) for days in by_province.values())


def provinces_refreshed_to():
    return RefreshMark.objects.filter(name="provinces").values_list("refreshed_to", flat=True).first()
