"""Writing the roll-ups: apply a row's change as one UPSERT per touched key (counters only ever move
by the difference, never read-modify-write), and rebuild everything from the raw tables."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from portal.audit.services import audit_record
from portal.audit.streams import user_stream
from portal.divisions.selectors import province_of
from portal.workcalendar.services import overrides_between
from registrations.models import Bundle, Step

from . import rules
from .models import ProvinceDay, RefreshMark, WardDay

_CONFLICT = ("ward", "day", "group", "procedure", "agency")


def rollups_apply(delta: rules.Contribution) -> None:
    """Add ``delta`` to the ward-day rows in one statement, creating rows as needed. Counters only move
    by the difference, so concurrent changes never overwrite each other and no row is read first."""
    # Only the counters this change moves are written; the others start at their database default, 0.
    touched = tuple(sorted({c for counts in delta.values() for c in counts}))
    if not touched:
        return
    now = timezone.now()
    rows = [
        {
            "ward": ward,
            "province_id": province_of(ward) or 0,
            "day": day,
            "group": group,
            "procedure": procedure,
            "agency": agency,
            "touched_at": now,
            **{c: counts.get(c, 0) for c in touched},
        }
        for (ward, day, group, procedure, agency), counts in sorted(delta.items())
    ]
    WardDay.objects.add(key=_CONFLICT, rows=rows, counters=touched, refresh=("touched_at",))


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
    rows = [
        WardDay(
            ward_id=ward,
            province_id=province_of(ward) or 0,
            day=day,
            group=group,
            procedure=procedure,
            agency=agency,
            touched_at=now,
            **{c: counts.get(c, 0) for c in rules.COLUMNS},
        )
        for (ward, day, group, procedure, agency), counts in total.items()
    ]
    WardDay.objects.bulk_create(rows, batch_size=batch_size)
    provinces_refresh(full=True)
    return len(rows)


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
    """Replace the province's totals for ``days`` by the sums of its ward rows."""
    ProvinceDay.objects.filter(province_id=province, day__in=days).delete()
    sums = (
        WardDay.objects.filter(province_id=province, day__in=days)
        .values(*_GROUPING)
        .annotate(**{f"sum_{c}": Sum(c) for c in rules.COLUMNS})
        .order_by()
    )
    ProvinceDay.objects.bulk_create(
        [
            ProvinceDay(**{k: row[k] for k in _GROUPING}, **{c: row[f"sum_{c}"] for c in rules.COLUMNS})
            for row in sums
        ],
        batch_size=2000,
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


def export_recorded(*, actor, filters, rows: int) -> None:
    """An export of figures is on record in the exporting user's own audit stream."""
    audit_record(
        stream=user_stream(actor.pk),
        action="dashboard.export",
        actor=actor,
        object_type="dashboard",
        data={"start": filters.start, "end": filters.end, "province": filters.province, "rows": rows},
    )


def provinces_refreshed_to():
    return RefreshMark.objects.filter(name="provinces").values_list("refreshed_to", flat=True).first()
