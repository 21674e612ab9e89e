"""insert_rows prepares the values of a new row as the ORM's save would: the values it lets through
unchanged (text, exact integers, booleans, integer keys) are the ones the fields' own preparation
would give, and anything else goes through the field."""

import enum
import uuid

import pytest
from django.db import connections

from portal.audit.models import AuditEvent
from portal.common.sql import _insert_plan, insert_rows
from registrations.constants import PersonRole
from registrations.models import Person, Step

from ..registrations.states import Cast, build


class Level(enum.IntEnum):
    HIGH = 3


def by_the_fields(row) -> list:
    database = connections["default"]
    columns, _ = _insert_plan(type(row))
    return [f.get_db_prep_save(f.pre_save(row, add=True), database) for f in columns]


def by_the_plan(row) -> list:
    database = connections["default"]
    _, prepare = _insert_plan(type(row))
    return [p(row, database) for p in prepare]


def plain(value):
    """What a database adapter object (PostgreSQL's JSON) holds; any other value itself."""
    return getattr(value, "adapted", value)


@pytest.mark.django_db
@pytest.mark.usefixtures("divisions")
def test_each_value_is_what_the_fields_own_preparation_gives():
    bundle = build("draft", Cast())
    rows = [
        Person(bundle=bundle, role=PersonRole.MOTHER, full_name="Nguyễn Thị Lan", id_number="040195012345"),
        Person(bundle=bundle, role="father", full_name="", id_number=None, residence_ward_id=None),
        Step(bundle=bundle, procedure="personal_id", agency="police", position=1, depends_on=["x"]),
        Step(bundle=bundle, procedure="health_insurance", agency="social_insurance", position=True),
        Step(bundle=bundle, procedure="child_id_card", agency="police", position=Level.HIGH, attempts="2"),
        AuditEvent(stream="s", seq=1, action="a", data={"k": "v"}, prev_hash="0" * 64, hash="1" * 64),
    ]
    for row in rows:
        columns, _ = _insert_plan(type(row))
        planned, expected = by_the_plan(row), by_the_fields(row)
        # Encryption, random defaults and automatic times differ per call; every other value must be
        # the same, of the same type (a choice passed on, a bool or IntEnum turned into int).
        comparable = [
            (f.name, a, b)
            for f, a, b in zip(columns, planned, expected, strict=True)
            if not (isinstance(a, str) and a.startswith("gAAAA"))
            and not isinstance(a, uuid.UUID)
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ]
        assert len(comparable) >= len(columns) - 3
        assert [(n, type(a), plain(a)) for n, a, _ in comparable] == [
            (n, type(b), plain(b)) for n, _, b in comparable
        ]
    assert by_the_plan(rows[4])[[f.name for f in _insert_plan(Step)[0]].index("position")] == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("divisions")
def test_rows_inserted_read_back_as_given():
    bundle = build("draft", Cast())
    insert_rows(Step, [Step(bundle=bundle, procedure="personal_id", agency="police", position=1)])
    stored = Step.objects.get(bundle=bundle, procedure="personal_id")
    assert (stored.agency, stored.position, stored.state, stored.attempts) == ("police", 1, "waiting", 0)
