"""The roll-ups the dashboard reads always equal a full recomputation from the bundle and step rows."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.dashboard import services as rollups
from portal.dashboard.models import ProvinceDay, WardDay
from portal.dashboard.rules import COLUMNS
from portal.workcalendar.rules import VIETNAM
from registrations import services
from registrations.models import Step
from tests.registrations.helpers import birth_declaration, death_declaration
from tests.registrations.states import Cast, _send, build

pytestmark = pytest.mark.usefixtures("divisions")

STATES = [
    "draft",
    "submitted",
    "rejected",
    "withdrawn",
    "in_review",
    "awaiting_citizen",
    "registered",
    "signed",
    "partially_completed",
    "completed",
    "dead",
    "replayed",
]
START = datetime(2026, 9, 14, 9, 0, tzinfo=VIETNAM)


def make(state: str, group: str, cast: Cast) -> None:
    declaration = birth_declaration() if group == "birth" else death_declaration()
    if state in ("dead", "replayed"):
        bundle = build("registered", cast, declaration)
        pending = Step.objects.filter(bundle=bundle, state="pending").first()
        if pending is None:
            return
        _send(pending)
        pending.refresh_from_db()
        services.step_mark_dead(step_id=pending.pk, attempt=pending.attempts, error="hết số lần gửi")
        if state == "replayed":
            services.step_replay(step_id=pending.pk, actor=cast.clerk)
        return
    build(state, cast, declaration)


@pytest.fixture
def cast(db):
    return Cast()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(
        st.tuples(st.sampled_from(STATES), st.sampled_from(["birth", "death"]), st.integers(0, 400)),
        min_size=1,
        max_size=5,
    )
)
def test_the_rollups_equal_a_rebuild_after_any_sequence_of_changes(cast, operations):
    # Hypothesis runs the examples on one database: start each from freshly refreshed totals.
    start = START
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        rollups.provinces_refresh(full=True)
    for state, group, hours in operations:
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            make(state, group, cast)
    maintained = rollups.rollups_snapshot()
    with time_machine.travel(start + timedelta(hours=401), tick=False):
        rollups.provinces_refresh()
    provinces = province_snapshot()
    rollups.rollups_rebuild()
    assert rollups.rollups_snapshot() == maintained
    assert province_snapshot() == provinces  # the incremental refresh equals a full one
    assert province_snapshot() == summed_by_province()


KEY = ("province_id", "day", "group", "procedure", "agency")


def _non_zero(rows) -> dict:
    """{key: non-zero counters}; a row whose counters all went back to zero counts as absent."""
    out = {}
    for row in rows:
        counts = {c: row[c] for c in COLUMNS if row[c]}
        if counts:
            out[tuple(row[k] for k in KEY)] = counts
    return out


def province_snapshot() -> dict:
    return _non_zero(ProvinceDay.objects.values(*KEY, *COLUMNS))


def summed_by_province() -> dict:
    return _non_zero(WardDay.objects.values(*KEY).annotate(**{c: Sum(c) for c in COLUMNS}).order_by())


def test_a_rolled_back_change_leaves_the_counters_as_they_were(cast):
    from django.db import transaction

    build("submitted", cast)
    before = rollups.rollups_snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        build("submitted", cast)
        raise RuntimeError("the request failed after submitting")
    assert rollups.rollups_snapshot() == before
    assert WardDay.objects.filter(procedure="").values_list("received", flat=True).get() == 1
