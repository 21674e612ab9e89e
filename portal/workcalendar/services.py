"""The working-day calendar the rest of the portal uses: the statutory rules of ``rules.py`` with the
overrides an administrator entered, and the cut-off and closing hour from settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings

from portal.common.process_cache import ProcessCache

from . import rules
from .models import CalendarOverride

# Enough room for any limit in the catalogue plus the longest holiday run (Tết) in between.
_WINDOW_SLACK_DAYS = 45


def overrides_between(start: date, end: date) -> dict[date, str]:
    return dict(CalendarOverride.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


# Every submission and every step computes deadlines, while the overrides change a few times a year
# (each year's Tết break, a swapped working day).
_windows = ProcessCache(seconds=60)


def overrides_cache_clear(**_) -> None:
    _windows.clear()


def _window(start: date, working_days: int) -> dict[date, str]:
    key = (start - timedelta(days=1), start + timedelta(days=working_days * 3 + _WINDOW_SLACK_DAYS))
    return _windows.get(key, lambda: overrides_between(*key))


def is_working_day(day: date) -> bool:
    return rules.is_working_day(day, overrides_between(day, day))


def add_working_days(day: date, count: int) -> date:
    return rules.add_working_days(day, count, _window(day, count))


def deadline_from(received_at: datetime, working_days: int) -> datetime:
    """When a step or bundle received at ``received_at`` with a limit of ``working_days`` is due."""
    local_day = received_at.astimezone(rules.VIETNAM).date()
    return rules.deadline_from(
        received_at,
        working_days,
        _window(local_day, working_days),
        cutoff=settings.RECEIPT_CUTOFF,
        day_end=settings.WORKING_DAY_END,
    )
