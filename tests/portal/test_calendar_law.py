"""The working-day calendar as the law and the Government's announcements set it, case by case."""

from datetime import date, datetime, time

import pytest

from portal.workcalendar import rules

VN = rules.VIETNAM
CUTOFF, DAY_END = time(15, 0), time(17, 0)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Decision of the Prime Minister on the 2026 National Day break (as the `holidays` package
        # records it): Monday 31 August off, worked on Saturday 22 August instead.
        (date(2026, 8, 22), True),
        (date(2026, 8, 29), False),
        (date(2026, 8, 31), False),
        # Labour Code 2019, Art. 112: National Day 2 September and one day next to it.
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        # Earlier swaps the package records: Saturday 4 May 2024, Saturday 26 April 2025.
        (date(2024, 5, 4), True),
        (date(2025, 4, 26), True),
    ],
)
def test_make_up_saturdays_work_and_their_swapped_days_do_not(day, working):
    assert rules.is_working_day(day, {}) is working


def test_an_administrators_override_still_wins_over_a_make_up_saturday():
    assert rules.is_working_day(date(2026, 8, 22), {date(2026, 8, 22): rules.DAY_OFF}) is False


@pytest.mark.parametrize(
    ("received", "receipt_day", "limit", "deadline_day"),
    [
        # Decree 63/2024/NĐ-CP: received after 15:00 counts from the next working day; 15:00:00 itself
        # is not after 15:00. Saturday 22 August, the make-up day, is the first of the three.
        (datetime(2026, 8, 21, 15, 0, 0, tzinfo=VN), date(2026, 8, 21), 3, date(2026, 8, 25)),
        (datetime(2026, 8, 21, 15, 0, 1, tzinfo=VN), date(2026, 8, 22), 3, date(2026, 8, 26)),
        # The make-up Saturday is a working day: received then, it counts that day.
        (datetime(2026, 8, 22, 9, 0, tzinfo=VN), date(2026, 8, 22), 0, date(2026, 8, 22)),
        # Across the National Day break: Friday 28 August + 3 working days skips 29 Aug – 2 Sep.
        (datetime(2026, 8, 28, 10, 0, tzinfo=VN), date(2026, 8, 28), 3, date(2026, 9, 7)),
        (datetime(2026, 8, 28, 15, 30, tzinfo=VN), date(2026, 9, 3), 5, date(2026, 9, 10)),
    ],
)
def test_deadlines_around_the_2026_national_day_break(received, receipt_day, limit, deadline_day):
    assert rules.receipt_day(received, {}, cutoff=CUTOFF) == receipt_day
    deadline = rules.deadline_from(received, limit, {}, cutoff=CUTOFF, day_end=DAY_END)
    assert deadline == datetime.combine(deadline_day, DAY_END, tzinfo=VN)
