"""What each bundle and step row contributes to the daily roll-ups, as a pure function of the row.

The roll-ups are maintained by adding (new contribution − old contribution) whenever a row changes,
and rebuilt by summing the contributions of every row; because both use these functions, the two
always agree. Percentiles are read back from the same buckets in code and in tests."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, time

from portal.workcalendar import rules as calendar

# Processing time in whole working days: buckets 0, 1, …, 9 and "10 or more".
PROCESSING_BUCKETS = 11
# Agency latency in seconds on a log-2 scale: bucket i holds [2^i, 2^(i+1)) (bucket 0 also holds < 1 s),
# the last one everything from 2^19 s (about 6 days) up.
LATENCY_BUCKETS = 20
BUNDLE_COLUMNS = (
    "received",
    "received_e_certificate",  # of those, backed by the facility's verified electronic certificate
    "registered",
    "registered_late",
    "completed",
    "completed_on_time",
    *(f"processing_d{i}" for i in range(PROCESSING_BUCKETS)),
)
STEP_COLUMNS = ("steps_done", "steps_failed", "retries", *(f"latency_b{i}" for i in range(LATENCY_BUCKETS)))
COLUMNS = BUNDLE_COLUMNS + STEP_COLUMNS
BUNDLE_FIELDS = (
    "ward_id",
    "group",
    "state",
    "procedures",
    "submitted_at",
    "registered_at",
    "completed_at",
    "clock_started_at",
    "due_at",
    "late_registration",
    "certificate_status",
)
STEP_FIELDS = ("procedure", "agency", "state", "attempts", "due_since", "done_at", "updated_at")
REGISTERED = {"registered", "signed", "completed", "partially_completed"}
CLOSED_WITH_RESULTS = {"completed", "partially_completed"}
INTERNAL_AGENCY = "civil_status"
CUTOFF = time(15, 0)

# (ward, day, group, procedure, agency) → column → count
Key = tuple[int, date, str, str, str]
Contribution = dict[Key, Counter]


def local_day(moment: datetime) -> date:
    return moment.astimezone(calendar.VIETNAM).date()


def processing_bucket(started_at: datetime, finished_at: datetime, overrides: Mapping[date, str]) -> int:
    """Whole working days from the receipt day (after the 15:00 cut-off) to the day of completion."""
    start = calendar.receipt_day(started_at, overrides, cutoff=CUTOFF)
    days = calendar.working_days_between(start, local_day(finished_at), overrides)
    return min(days, PROCESSING_BUCKETS - 1)


def latency_bucket(seconds: float) -> int:
    return 0 if seconds < 2 else min(int(math.log2(seconds)), LATENCY_BUCKETS - 1)


def bundle_contribution(row: Mapping, overrides: Mapping[date, str]) -> Contribution:
    out: Contribution = {}
    ward, group = row["ward_id"], row["group"]
    if ward is None or row["submitted_at"] is None:
        return out

    def add(day: date, procedure: str, column: str) -> None:
        out.setdefault((ward, day, group, procedure, ""), Counter())[column] += 1

    submitted = local_day(row["submitted_at"])
    add(submitted, "", "received")
    if row.get("certificate_status") == "verified":
        add(submitted, "", "received_e_certificate")
    for procedure in row["procedures"] or ():
        add(submitted, procedure, "received")
    if row["registered_at"] is not None and row["state"] in REGISTERED:
        add(local_day(row["registered_at"]), "", "registered")
        if row["late_registration"]:
            add(local_day(row["registered_at"]), "", "registered_late")
    if row["state"] in CLOSED_WITH_RESULTS and row["completed_at"] is not None:
        finished = row["completed_at"]
        day = local_day(finished)
        add(day, "", "completed")
        # The service-quality index's rule: on time when NgayKetThucXuLy ≤ NgayHenTra, both written to
        # the second (yyyyMMddHHmmss), so the national portal's count and ours agree.
        if row["due_at"] is not None and finished.replace(microsecond=0) <= row["due_at"].replace(
            microsecond=0
        ):
            add(day, "", "completed_on_time")
        started = row["clock_started_at"] or row["submitted_at"]
        add(day, "", f"processing_d{processing_bucket(started, finished, overrides)}")
        for procedure in row["procedures"] or ():
            add(day, procedure, "completed")
    return out


def step_contribution(row: Mapping, *, ward: int | None, group: str) -> Contribution:
    """Agency steps only (the clerk's own registration is not an agency's sync)."""
    out: Contribution = {}
    if ward is None or row["agency"] == INTERNAL_AGENCY:
        return out
    if row["state"] == "done" and row["done_at"] is not None:
        counts = Counter({"steps_done": 1})
        if row["due_since"] is not None:
            seconds = (row["done_at"] - row["due_since"]).total_seconds()
            counts[f"latency_b{latency_bucket(max(seconds, 0))}"] += 1
        day = local_day(row["done_at"])
    elif row["state"] in ("dead", "rejected") and row["updated_at"] is not None:
        counts = Counter({"steps_failed": 1})
        day = local_day(row["updated_at"])
    else:
        return out
    retries = max((row["attempts"] or 0) - 1, 0)
    if retries:
        counts["retries"] += retries
    out[(ward, day, group, row["procedure"], row["agency"])] = counts
    return out


def difference(before: Contribution, after: Contribution) -> Contribution:
    """after − before, keeping only keys and columns that change."""
    out: Contribution = {}
    for key in set(before) | set(after):
        delta = Counter(after.get(key, {}))
        delta.subtract(before.get(key, {}))
        changed = Counter({column: n for column, n in delta.items() if n})
        if changed:
            out[key] = changed
    return out


def merge(total: Contribution, part: Contribution) -> None:
    for key, counts in part.items():
        total.setdefault(key, Counter()).update(counts)


# --- reading figures back -------------------------------------------------------------------------


def percentile_from_buckets(counts: list[int], fraction: float) -> int | None:
    """The bucket index holding the ``fraction`` quantile (nearest rank), or None without data."""
    total = sum(counts)
    if total == 0:
        return None
    rank = max(math.ceil(fraction * total), 1)
    running = 0
    for index, count in enumerate(counts):
        running += count
        if running >= rank:
            return index
    return len(counts) - 1


def latency_upper_seconds(bucket: int) -> int | None:
    """The upper bound of a latency bucket in seconds (None for the open last bucket)."""
    return None if bucket >= LATENCY_BUCKETS - 1 else 2 ** (bucket + 1)
