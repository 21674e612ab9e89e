"""The one additive upsert: what it leaves in the table is what the ORM reads back and what adding the
same increments one by one gives; numbers it hands out are gapless, and a rollback gives one back."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.dashboard.models import WardDay
from registrations.models import BundleCodeCounter, RegistrationCounter
from tests.factories import WARD_A, WARD_B

pytestmark = pytest.mark.usefixtures("divisions")
KEY = ("ward", "day", "group", "procedure", "agency")
DAY = date(2026, 11, 2)
MOMENT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)

changes = st.lists(
    st.tuples(
        st.sampled_from([WARD_A, WARD_B]),
        st.integers(0, 2),
        st.sampled_from(["", "personal_id"]),
        st.integers(-2, 3),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=12,
)


def orm_add(rows: list[dict], counters: tuple[str, ...]) -> None:
    """The same change written the ORM's way: an F() update, or a new row when none matched."""
    for row in rows:
        row = {("ward_id" if name == "ward" else name): value for name, value in row.items()}
        key = {name: row[name] for name in ("ward_id", *KEY[1:])}
        updated = WardDay.objects.filter(**key).update(
            **{c: F(c) + row[c] for c in counters}, touched_at=row["touched_at"]
        )
        if not updated:
            WardDay.objects.create(**row)


def snapshot() -> dict:
    return {
        (r["ward_id"], r["day"], r["procedure"]): (r["received"], r["completed"])
        for r in WardDay.objects.values("ward_id", "day", "procedure", "received", "completed")
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=changes)
def test_adding_in_one_statement_leaves_what_the_orm_would(changes):
    WardDay.objects.all().delete()
    expected: Counter = Counter()
    batches = []
    for ward, offset, procedure, received, completed in changes:
        day = DAY + timedelta(days=offset)
        row = {
            "ward": ward,
            "province_id": 40,
            "day": day,
            "group": "birth",
            "procedure": procedure,
            "agency": "",
            "touched_at": MOMENT,
            "received": received,
            "completed": completed,
        }
        batches.append(row)
        expected[(ward, day, procedure, "received")] += received
        expected[(ward, day, procedure, "completed")] += completed
    for row in batches:
        WardDay.objects.add(key=KEY, rows=[row], counters=("received", "completed"), refresh=("touched_at",))
    added = snapshot()
    WardDay.objects.all().delete()
    orm_add(batches, ("received", "completed"))
    assert added == snapshot()
    assert added == {
        (ward, day, procedure): (
            expected[(ward, day, procedure, "received")],
            expected[(ward, day, procedure, "completed")],
        )
        for ward, day, procedure in {(w, d, p) for w, d, p, _ in expected}
    }


def test_numbers_are_gapless_and_a_rolled_back_one_is_given_again():
    key = {"ward": WARD_A, "book": "birth", "year": 2026}
    taken = [RegistrationCounter.objects.advance(counter="last_number", key=key)[0] for _ in range(3)]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert RegistrationCounter.objects.advance(counter="last_number", key=key) == (4,)
        raise RuntimeError("the registration failed after its number was taken")
    taken.append(RegistrationCounter.objects.advance(counter="last_number", key=key)[0])
    assert taken == [1, 2, 3, 4]
    assert RegistrationCounter.objects.get(ward_id=WARD_A, book="birth", year=2026).last_number == 4
    other = BundleCodeCounter.objects.advance(counter="last_number", key={"ward": WARD_B, "day": DAY})
    assert other == (1,)
