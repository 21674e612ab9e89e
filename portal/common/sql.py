"""Plain SQL for the few hot statements where compiling the ORM's query cost more than the database's
answer. Names come from the models; every value is a parameter (on insert, prepared by its field)."""

from __future__ import annotations

from django.db import connection


def insert_rows(model, rows: list) -> None:
    """One INSERT … VALUES for ``rows`` (instances of ``model``), values prepared by each field as the
    ORM's save would (defaults, automatic timestamps, encryption, JSON). The rows get no primary key
    back: for rows nobody reads again in the same request."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created or f.generated)
    ]
    for row in rows:
        # A row built beside its parent before the parent was saved holds the parent, not yet its id.
        for f in columns:
            if f.is_relation and getattr(row, f.attname) is None and f.is_cached(row):
                setattr(row, f.attname, getattr(f.get_cached_value(row), "pk", None))
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for row in rows for f in columns]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * len(rows))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def select_rows(model, where: str, params: list, *, order: str = "") -> list:
    """``SELECT *`` from the model's table ``WHERE where`` (column names and placeholders only; every
    value in ``params``), read into instances of ``model`` with each field's conversion."""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE {where}" + (f" ORDER BY {order}" if order else "")  # noqa: S608
    return list(model.objects.raw(sql, params))
