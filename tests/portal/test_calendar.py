from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.workcalendar import rules, services
from portal.workcalendar.models import CalendarOverride, DayKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CUTOFF, DAY_END = time(15, 0), time(17, 0)
# Tết 2026 (Lunar New Year 17 Feb): the statutory days are 16–20 Feb; an announced longer break and
# a make-up Saturday are the kind of decision entered as overrides.
TET_2026_OVERRIDES = {
    date(2026, 2, 23): rules.DAY_OFF,
    date(2026, 2, 28): rules.WORKING_DAY,
}

override_maps = st.dictionaries(
    st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 3, 31)),
    st.sampled_from([rules.DAY_OFF, rules.WORKING_DAY]),
    max_size=25,
)
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(VN)
)


def test_weekends_and_statutory_holidays_are_not_working_days():
    assert not rules.is_working_day(date(2026, 11, 28), {})  # Saturday
    assert not rules.is_working_day(date(2026, 2, 17), {})  # Tết
    assert not rules.is_working_day(date(2026, 9, 2), {})  # National Day
    assert rules.is_working_day(date(2026, 11, 27), {})


def test_overrides_win_over_the_statutory_calendar():
    assert not rules.is_working_day(date(2026, 2, 23), TET_2026_OVERRIDES)
    assert rules.is_working_day(date(2026, 2, 28), TET_2026_OVERRIDES)


def test_cutoff_across_tet():
    before_cutoff = datetime(2026, 2, 13, 14, 59, tzinfo=VN)  # Friday before Tết
    after_cutoff = datetime(2026, 2, 13, 15, 1, tzinfo=VN)
    assert rules.receipt_day(before_cutoff, TET_2026_OVERRIDES, cutoff=CUTOFF) == date(2026, 2, 13)
    # After 15:00 the clock starts on the first working day after the break (Tue 24 Feb).
    assert rules.receipt_day(after_cutoff, TET_2026_OVERRIDES, cutoff=CUTOFF) == date(2026, 2, 24)
    deadline = rules.deadline_from(after_cutoff, 3, TET_2026_OVERRIDES, cutoff=CUTOFF, day_end=DAY_END)
    # 24 Feb + 3 working days: 25, 26, 27 Feb.
    assert deadline == datetime(2026, 2, 27, 17, 0, tzinfo=VN)
    # The make-up Saturday counts: 27 Feb + 1 working day is Saturday 28 Feb.
    assert rules.add_working_days(date(2026, 2, 27), 1, TET_2026_OVERRIDES) == date(2026, 2, 28)


@settings(max_examples=300, deadline=None)
@given(received=moments, limit=st.integers(min_value=0, max_value=20), overrides=override_maps)
def test_a_deadline_never_falls_on_a_day_off(received, limit, overrides):
    deadline = rules.deadline_from(received, limit, overrides, cutoff=CUTOFF, day_end=DAY_END)
    assert rules.is_working_day(deadline.date(), overrides)
    assert deadline > received
    start = rules.receipt_day(received, overrides, cutoff=CUTOFF)
    assert rules.working_days_between(start, deadline.date(), overrides) == limit


@settings(max_examples=300, deadline=None)
@given(received=moments, overrides=override_maps)
def test_the_cutoff_holds_on_every_day(received, overrides):
    start = rules.receipt_day(received, overrides, cutoff=CUTOFF)
    local = received.astimezone(VN)
    assert rules.is_working_day(start, overrides)
    if local.time().replace(microsecond=0) > CUTOFF or not rules.is_working_day(local.date(), overrides):
        assert start > local.date()
        # …and it is the very next working day: nothing working is skipped in between.
        assert rules.working_days_between(local.date(), start, overrides) == 1
    else:
        assert start == local.date()


@settings(max_examples=100, deadline=None)
@given(
    eve=st.sampled_from([date(2025, 1, 24), date(2026, 2, 13), date(2027, 2, 3)]),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    limit=st.integers(min_value=0, max_value=5),
)
def test_cutoff_across_tet_in_any_year(eve, minute, limit):
    """The last working day before Tết: until 15:00 counts that day, after it the first day after Tết."""
    received = datetime.combine(eve, time(minute // 60, minute % 60), tzinfo=VN)
    start = rules.receipt_day(received, {}, cutoff=CUTOFF)
    if received.time() <= CUTOFF:
        assert start == eve
    else:
        assert start - eve > timedelta(days=3)  # the whole break lies in between
    deadline = rules.deadline_from(received, limit, {}, cutoff=CUTOFF, day_end=DAY_END)
    assert rules.is_working_day(deadline.date(), {})


@pytest.mark.django_db
def test_services_read_overrides_entered_in_the_admin(settings):
    settings.RECEIPT_CUTOFF, settings.WORKING_DAY_END = CUTOFF, DAY_END
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=VN)
    assert services.deadline_from(monday, 1) == datetime(2026, 12, 1, 17, 0, tzinfo=VN)
    CalendarOverride.objects.create(date=date(2026, 12, 1), kind=DayKind.DAY_OFF, reason="Nghỉ bù thử nghiệm")
    assert services.deadline_from(monday, 1) == datetime(2026, 12, 2, 17, 0, tzinfo=VN)
    assert not services.is_working_day(date(2026, 12, 1))
    assert services.add_working_days(date(2026, 11, 30), 2) == date(2026, 12, 3)


@pytest.mark.django_db
def test_deadlines_reuse_the_window_they_read_until_an_override_changes(settings, django_assert_num_queries):
    settings.RECEIPT_CUTOFF, settings.WORKING_DAY_END = CUTOFF, DAY_END
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=VN)
    with django_assert_num_queries(1):
        assert services.deadline_from(monday, 1) == datetime(2026, 12, 1, 17, 0, tzinfo=VN)
    with django_assert_num_queries(0):  # every submission of the day asks the same
        assert services.deadline_from(monday, 1) == datetime(2026, 12, 1, 17, 0, tzinfo=VN)
    override = CalendarOverride.objects.create(date=date(2026, 12, 1), kind=DayKind.DAY_OFF, reason="Nghỉ bù")
    assert services.deadline_from(monday, 1) == datetime(2026, 12, 2, 17, 0, tzinfo=VN)
    override.delete()
    assert services.deadline_from(monday, 1) == datetime(2026, 12, 1, 17, 0, tzinfo=VN)
