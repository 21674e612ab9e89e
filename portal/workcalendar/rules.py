"""Working-day arithmetic, pure: the statutory Vietnamese calendar plus explicit overrides.

Conventions (DOMAIN.md): a bundle is *received* on the first working day on or after its arrival,
or on the next working day when it arrives after the cut-off (15:00 Vietnamese time). Make-up
Saturdays are working days. A limit of
N working days ends at the close of the N-th working day after that receipt day; a limit of 0
("the same working day") ends at the close of the receipt day itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.countries.vietnam import VietnamStaticHolidays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DAY_OFF, WORKING_DAY = "day_off", "working_day"


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=1)
def _make_up_days() -> frozenset[date]:
    """Saturdays the Government made working days in exchange for a day off, as the ``holidays``
    package records each swap: (day off month, day, make-up month, day[, make-up year]) by year
    (22 August 2026, for 31 August 2026)."""
    days = set()
    for year, swaps in VietnamStaticHolidays.special_public_holidays.items():
        for swap in swaps if isinstance(swaps[0], tuple) else (swaps,):
            _to_month, _to_day, month, day, *from_year = swap
            days.add(date(from_year[0] if from_year else year, month, day))
    return frozenset(days)


def is_working_day(day: date, overrides: Mapping[date, str]) -> bool:
    """An administrator's override first; then a make-up Saturday works; then Monday to Friday
    outside the statutory holidays."""
    kind = overrides.get(day)
    if kind is not None:
        return kind == WORKING_DAY
    if day in _make_up_days():
        return True
    return day.weekday() < 5 and day not in _statutory_holidays(day.year)


def next_working_day(day: date, overrides: Mapping[date, str], *, include_today: bool) -> date:
    current = day if include_today else day + timedelta(days=1)
    while not is_working_day(current, overrides):
        current += timedelta(days=1)
    return current


def add_working_days(day: date, count: int, overrides: Mapping[date, str]) -> date:
    """The ``count``-th working day after ``day`` (``count`` = 0: ``day`` itself if it is a working
    day, else the next one)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = next_working_day(day, overrides, include_today=True)
    for _ in range(count):
        current = next_working_day(current, overrides, include_today=False)
    return current


def receipt_day(received_at: datetime, overrides: Mapping[date, str], *, cutoff: time) -> date:
    local = received_at.astimezone(VIETNAM)
    today = local.date()
    # "Sau 15 giờ": received at 15:00:00 counts that day, from 15:00:01 the next working day.
    if is_working_day(today, overrides) and local.time().replace(microsecond=0) <= cutoff:
        return today
    return next_working_day(today, overrides, include_today=False)


def deadline_from(
    received_at: datetime, working_days: int, overrides: Mapping[date, str], *, cutoff: time, day_end: time
) -> datetime:
    last_day = add_working_days(receipt_day(received_at, overrides, cutoff=cutoff), working_days, overrides)
    return datetime.combine(last_day, day_end, tzinfo=VIETNAM)


def working_days_between(start: date, end: date, overrides: Mapping[date, str]) -> int:
    """Working days in the half-open range (start, end]: how many working days ``end`` is after ``start``."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, overrides):
            days += 1
    return days
