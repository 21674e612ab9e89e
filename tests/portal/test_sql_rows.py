"""The plain reads of portal.common.sql: rows come back as the ORM would give them (every field
converted, encrypted values in clear), whatever order the columns come in, with the columns left out
deferred; a column the model does not have is refused rather than dropped."""

from datetime import datetime

import pytest
from django.db import connection

from portal.accounts.models import User
from portal.common.sql import read_rows, select_rows
from registrations.models import Bundle
from tests.factories import UserFactory

from ..registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")

USERS = connection.ops.quote_name(User._meta.db_table)


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_row_read_plainly_equals_the_orms():
    citizen = UserFactory(citizen=True, last_login=datetime(2026, 11, 2, 8, 30).astimezone())
    UserFactory(clerk=True)
    [row] = select_rows(User, "id = %s", [citizen.pk])
    expected = User.objects.get(pk=citizen.pk)
    assert field_values(row) == field_values(expected)
    assert row.id_number == citizen.id_number and len(row.id_number) == 12  # decrypted
    assert row.is_active is True and row.last_login == citizen.last_login
    assert row._state.adding is False and row._state.db == "default"


def test_json_and_choices_fields_come_back_as_python_values():
    bundle = build("submitted", Cast())
    [row] = select_rows(Bundle, "id = %s", [bundle.pk])
    expected = Bundle.objects.get(pk=bundle.pk)
    assert field_values(row) == field_values(expected)
    assert isinstance(row.procedures, list) and "birth_registration" in row.procedures


def test_columns_in_another_order_land_in_their_own_fields():
    citizen = UserFactory(citizen=True)
    sql = f"SELECT date_of_birth, username, id_number, id FROM {USERS} WHERE id = %s"  # noqa: S608
    [row] = read_rows(User, sql, [citizen.pk])
    assert (row.pk, row.username, row.date_of_birth, row.id_number) == (
        citizen.pk,
        citizen.username,
        citizen.date_of_birth,
        citizen.id_number,
    )


def test_columns_left_out_are_deferred_and_read_on_first_use(django_assert_num_queries):
    citizen = UserFactory(citizen=True)
    [row] = read_rows(User, f"SELECT id, username FROM {USERS} WHERE id = %s", [citizen.pk])  # noqa: S608
    assert row.get_deferred_fields() >= {"full_name", "id_number"}
    with django_assert_num_queries(1):
        assert row.full_name == citizen.full_name


def test_a_column_the_model_lacks_is_refused():
    UserFactory(citizen=True)
    with pytest.raises(ValueError, match="no column surprise"):
        read_rows(User, f"SELECT id, 1 AS surprise FROM {USERS}", [])  # noqa: S608


def test_no_rows_is_an_empty_list():
    assert select_rows(User, "id = %s", [-1]) == []
