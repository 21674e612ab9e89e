"""The dashboard's figures, read from the daily roll-ups (flows over a date range) and from the few
open rows of the bundle and step tables (what is waiting right now). No personal data is ever read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Sum

from portal.accounts.constants import Role
from portal.common.collation import vietnamese_key
from portal.divisions.models import Province, Ward
from portal.divisions.selectors import ward_label
from portal.workcalendar.rules import VIETNAM
from registrations.constants import IN_PROGRESS_STATES, STEP_OUTSTANDING_STATES
from registrations.models import Bundle, CertificateUse, MedicalCertificate, MedicalFacility, Step

from . import rules
from .models import ProvinceDay, WardDay

BACKLOG_STATES = tuple(str(state) for state in IN_PROGRESS_STATES)
OPEN_STEP_STATES = tuple(str(state) for state in STEP_OUTSTANDING_STATES)
NO_FIGURES = {
    "received": 0,
    "completed": 0,
    "on_time_rate": None,
    "median_days": None,
    "late_share": None,
    "e_certificate_share": None,
}
RANKING_COLUMNS = (
    "received",
    "completed",
    "on_time_rate",
    "median_days",
    "late_share",
    "e_certificate_share",
    "overdue",
)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    province: int | None  # None: the whole country (administrators only)
    ward: int | None = None
    group: str | None = None


def _read(model) -> QuerySet:
    """The dashboard reads from the read replica where the deployment has one (DATABASE_REPLICA_URL):
    a province's staff refreshing their figures never load the database that takes the filings."""
    return model._default_manager.using(settings.DASHBOARD_DATABASE)


def wards_of(province: int | None) -> QuerySet | None:
    """The ward codes of a province, as a subquery (None for the whole country: no filter)."""
    if province is None:
        return None
    return Ward.objects.filter(province_id=province).values("code")


def province_scope(user) -> int | None:
    """The province a user may see: their own for provincial staff, any (None) for an administrator."""
    if user.role == Role.ADMIN or user.is_superuser:
        return None
    if user.role == Role.PROVINCE_STAFF and user.province_id:
        return user.province_id
    raise PermissionDenied("Trang số liệu dành cho cán bộ cấp tỉnh và quản trị.")


def _rows(filters: Filters, *, by_ward: bool = False) -> QuerySet:
    """Province totals unless a ward is chosen or wards are compared (the ward ranking)."""
    model = WardDay if (by_ward or filters.ward is not None) else ProvinceDay
    rows = _read(model).filter(day__gte=filters.start, day__lte=filters.end)
    return _scoped(rows, filters, province_field="province_id")


def _scoped(queryset: QuerySet, filters: Filters, *, province_field: str) -> QuerySet:
    """Narrowed to the filters' province, ward and group."""
    if filters.province is not None:
        queryset = queryset.filter(**{province_field: filters.province})
    if filters.ward is not None:
        queryset = queryset.filter(ward_id=filters.ward)
    if filters.group:
        queryset = queryset.filter(group=filters.group)
    return queryset


def _sums(columns) -> dict:
    return {c: Sum(c) for c in columns}


PROCESSING_KEYS = tuple(f"processing_d{i}" for i in range(rules.PROCESSING_BUCKETS))
LATENCY_KEYS = tuple(f"latency_b{i}" for i in range(rules.LATENCY_BUCKETS))


def _buckets(row: dict, keys: tuple[str, ...]) -> list[int]:
    return [row.get(key) or 0 for key in keys]


def _bundle_figures(row: dict) -> dict:
    received, completed = row.get("received") or 0, row.get("completed") or 0
    registered = row.get("registered") or 0
    processing = _buckets(row, PROCESSING_KEYS)
    return {
        "received": received,
        "completed": completed,
        "registered": registered,
        "on_time": row.get("completed_on_time") or 0,
        "on_time_rate": _share(row.get("completed_on_time") or 0, completed),
        "late_share": _share(row.get("registered_late") or 0, registered),
        "e_certificate_share": _share(row.get("received_e_certificate") or 0, received),
        "median_days": rules.percentile_from_buckets(processing, 0.5),
        "p90_days": rules.percentile_from_buckets(processing, 0.9),
        "processing": processing,
    }


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _step_figures(row: dict) -> dict:
    done, failed = row.get("steps_done") or 0, row.get("steps_failed") or 0
    latency = _buckets(row, LATENCY_KEYS)
    p50, p95 = rules.percentile_from_buckets(latency, 0.5), rules.percentile_from_buckets(latency, 0.95)
    return {
        "done": done,
        "failed": failed,
        "success_rate": _share(done, done + failed),
        "retries": row.get("retries") or 0,
        "p50_seconds": None if p50 is None else rules.latency_upper_seconds(p50),
        "p95_seconds": None if p95 is None else rules.latency_upper_seconds(p95),
        "p95_open": p95 == rules.LATENCY_BUCKETS - 1,
    }


def flows(filters: Filters) -> dict:
    """Received, completed, on-time and processing-time figures over the range, overall, by group,
    by procedure, by agency and per day."""
    rows = _rows(filters)
    whole = rows.filter(procedure="", agency="")
    totals = _bundle_figures(whole.aggregate(**_sums(rules.BUNDLE_COLUMNS)))
    by_group = {
        row["group"]: _bundle_figures(row)
        for row in whole.values("group").annotate(**_sums(rules.BUNDLE_COLUMNS)).order_by("group")
    }
    by_procedure = [
        {"group": row["group"], "procedure": row["procedure"], "received": row["r"], "completed": row["c"]}
        for row in rows.filter(agency="")
        .exclude(procedure="")
        .values("group", "procedure")
        .annotate(r=Sum("received"), c=Sum("completed"))
        .order_by("group", "procedure")
    ]
    agencies = [
        {"agency": row["agency"], "procedure": row["procedure"], **_step_figures(row)}
        for row in rows.exclude(agency="")
        .values("agency", "procedure")
        .annotate(**_sums(rules.STEP_COLUMNS))
        .order_by("agency", "procedure")
    ]
    trend = [
        {"day": row["day"], "received": row["r"] or 0, "completed": row["c"] or 0}
        for row in whole.values("day").annotate(r=Sum("received"), c=Sum("completed")).order_by("day")
    ]
    return {
        "totals": totals,
        "by_group": by_group,
        "by_procedure": by_procedure,
        "agencies": agencies,
        "trend": _fill_days(trend, filters.start, filters.end),
    }


def _fill_days(trend: list[dict], start: date, end: date) -> list[dict]:
    """One point per day of the range (at most a year of points), zero where nothing happened."""
    by_day = {point["day"]: point for point in trend}
    days = (end - start).days + 1
    if days > 366:
        return trend
    out = []
    for offset in range(days):
        day = date.fromordinal(start.toordinal() + offset)
        out.append(by_day.get(day, {"day": day, "received": 0, "completed": 0}))
    return out


def _live_bundles(filters: Filters) -> QuerySet[Bundle]:
    return _scoped(
        _read(Bundle).filter(state__in=BACKLOG_STATES), filters, province_field="ward__province_id"
    )


def waiting(filters: Filters, *, now: datetime) -> dict:
    """What is open right now: backlog by state, overdue bundles, steps waiting for an agency's
    callback and steps that need a person (dead or rejected). Open rows are a small share of all."""
    bundles = _live_bundles(filters)
    # COUNT(*), not COUNT(id): the partial indexes of work in progress then answer without the table.
    backlog = dict(bundles.values_list("state").annotate(n=Count("*")).order_by())
    steps = (
        _read(Step)
        .filter(bundle__in=bundles, state__in=OPEN_STEP_STATES)
        .exclude(agency=rules.INTERNAL_AGENCY)
    )
    by_agency: dict[tuple[str, str], dict[str, int]] = {}
    for agency, procedure, state, n in (
        steps.values_list("agency", "procedure", "state").annotate(n=Count("*")).order_by()
    ):
        by_agency.setdefault((agency, procedure), dict.fromkeys(OPEN_STEP_STATES, 0))[state] = n
    total = lambda state: sum(counts[state] for counts in by_agency.values())  # noqa: E731
    return {
        "backlog": {state: backlog.get(state, 0) for state in BACKLOG_STATES},
        "backlog_total": sum(backlog.values()),
        "overdue": bundles.filter(due_at__lt=now).count(),
        "awaiting_callback": total("accepted"),
        "dead": total("dead"),
        "rejected": total("rejected"),
        # Per agency and procedure: waiting for its callback, and waiting for a person.
        "steps_by_agency": [
            {"agency": agency, "procedure": procedure, **counts}
            for (agency, procedure), counts in sorted(by_agency.items())
        ],
    }


def ward_ranking(filters: Filters, *, now: datetime, order: str = "on_time_rate") -> list[dict]:
    """Every ward of the scope with its figures, best first by ``order`` (wards without data last)."""
    # Thousands of wards at country scope: rows as tuples, and only the figures the table shows.
    ranked = (
        "received",
        "completed",
        "completed_on_time",
        "registered",
        "registered_late",
        "received_e_certificate",
        *PROCESSING_KEYS,
    )
    rows = (
        _rows(filters, by_ward=True)
        .filter(procedure="", agency="")
        .values("ward_id")
        .annotate(**_sums(ranked))
        .values_list("ward_id", *ranked)
    )
    figures = {}
    for ward, received, completed, on_time, registered, late, electronic, *processing in rows:
        figures[ward] = {
            "received": received,
            "completed": completed,
            "on_time_rate": _share(on_time, completed),
            "median_days": rules.percentile_from_buckets(processing, 0.5),
            "late_share": _share(late, registered),
            "e_certificate_share": _share(electronic, received),
        }
    overdue = dict(
        _live_bundles(filters).filter(due_at__lt=now).values_list("ward_id").annotate(n=Count("*")).order_by()
    )
    wards = _read(Ward).all()
    if filters.province is not None:
        wards = wards.filter(province_id=filters.province)
    if filters.ward is not None:
        wards = wards.filter(code=filters.ward)
    names = dict(_read(Province).values_list("code", "name"))
    table = []
    for code, name, province in wards.values_list("code", "name", "province_id"):
        row = figures.get(code) or NO_FIGURES
        table.append(
            {
                "ward": code,
                "name": name,
                "province": names.get(province, ""),
                **row,
                "overdue": overdue.get(code, 0),
            }
        )
    if order not in RANKING_COLUMNS:
        order = "on_time_rate"
    # Higher is better except for processing days, late registrations and overdue bundles.
    lower_is_better = order in ("median_days", "late_share", "overdue")
    present = [r for r in table if r[order] is not None]
    missing = [r for r in table if r[order] is None]
    # Equal figures, and wards without any, in Vietnamese alphabetical order of their names.
    present.sort(key=lambda r: vietnamese_key(r["name"]))
    present.sort(key=lambda r: (r[order], -r["received"]) if lower_is_better else (-r[order], -r["received"]))
    return present + sorted(missing, key=lambda r: vietnamese_key(r["name"]))


def facilities(filters: Filters, *, now: datetime) -> dict:
    """The medical facilities of the scope: certificates and notices each sent in the range (first
    versions), how many back a registration, when each last sent anything, and which have been
    silent for ``DASHBOARD_SILENT_FACILITY_DAYS`` or longer. A few thousand facilities nationwide."""
    scope = _read(MedicalFacility).filter(is_active=True)
    if filters.province is not None:
        scope = scope.filter(ward__province_id=filters.province)
    if filters.ward is not None:
        scope = scope.filter(ward_id=filters.ward)
    start = datetime.combine(filters.start, time.min, tzinfo=VIETNAM)
    end = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=VIETNAM)
    sent = _read(MedicalCertificate).filter(
        facility__in=scope, version=1, received_at__gte=start, received_at__lt=end
    )
    if filters.group:
        sent = sent.filter(kind=filters.group)
    used = _read(CertificateUse).filter(kind=OuterRef("kind"), number=OuterRef("number"))
    counts: dict[int, dict[str, int]] = {}
    for facility, kind, is_used, n in (
        sent.annotate(used=Exists(used))
        .values_list("facility_id", "kind", "used")
        .annotate(n=Count("*"))
        .order_by()
    ):
        row = counts.setdefault(facility, {"birth": 0, "death": 0, "backing_registrations": 0})
        row[kind] += n
        if is_used:
            row["backing_registrations"] += n
    silent_after = now - timedelta(days=settings.DASHBOARD_SILENT_FACILITY_DAYS)
    table = []
    for pk, code, name, ward, last in (
        scope.annotate(last=Max("certificates__received_at"))
        .values_list("pk", "code", "name", "ward_id", "last")
        .order_by("code")
    ):
        row = counts.get(pk, {"birth": 0, "death": 0, "backing_registrations": 0})
        table.append(
            {
                "code": code,
                "name": name,
                "ward": ward_label(ward),
                **row,
                "last_received": last,
                "silent": last is None or last < silent_after,
            }
        )
    return {
        "facilities": table,
        "silent": [row["code"] for row in table if row["silent"]],
        "silent_days": settings.DASHBOARD_SILENT_FACILITY_DAYS,
    }
