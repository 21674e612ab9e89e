"""Counters moved inside a transaction: the civil-status numbers, the bundle codes, the audit chains
and the dashboard's roll-ups.

Insert-or-add with ``RETURNING`` is one statement that also locks the row until the transaction ends,
so numbers stay gapless (a rolled-back transaction gives its number back), two writers of one counter
queue instead of reading the same value, and counters only ever move by a difference. The ORM has no
additive upsert (``bulk_create(update_conflicts=True)`` overwrites); this is the portal's one such
statement, written once here, with every column named from the model."""

from __future__ import annotations

from django.db import connections, models


class CounterManager(models.Manager):
    def add(
        self,
        *,
        key: tuple[str, ...],
        rows: list[dict[str, object]],
        counters: tuple[str, ...],
        refresh: tuple[str, ...] = (),
        returning: tuple[str, ...] = (),
    ) -> list[tuple]:
        """For each row (its ``key`` fields, its ``counters`` as increments, any other values): insert
        it, or add its counters to the row with that key, set the ``refresh`` fields to the new values
        and keep the others. ``key`` must be the fields of a unique constraint; every row has the same
        fields. Returns the ``returning`` values of each row after the change."""
        if not rows:
            return []
        connection = connections[self.db]
        quote, meta = connection.ops.quote_name, self.model._meta
        fields = [meta.get_field(name) for name in rows[0]]
        table = quote(meta.db_table)

        def columns(names) -> list[str]:
            return [quote(meta.get_field(name).column) for name in names]

        updates = [f"{c} = {table}.{c} + excluded.{c}" for c in columns(counters)]
        updates += [f"{c} = excluded.{c}" for c in columns(refresh)]
        placeholders = f"({', '.join(['%s'] * len(fields))})"
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model
            f"VALUES {', '.join([placeholders] * len(rows))} "
            f"ON CONFLICT ({', '.join(columns(key))}) DO UPDATE SET {', '.join(updates)}"
            + (f" RETURNING {', '.join(columns(returning))}" if returning else "")
        )
        params = [f.get_db_prep_save(row[f.name], connection) for row in rows for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(answer) for answer in cursor.fetchall()] if returning else []

    def advance(
        self,
        *,
        counter: str,
        key: dict[str, object],
        defaults: dict[str, object] | None = None,
        returning: tuple[str, ...] = (),
    ) -> tuple:
        """Add 1 to ``counter`` of the row ``key`` names (a new row starts at 1, with ``defaults``) and
        return ``counter`` and the ``returning`` values after the change."""
        [answer] = self.add(
            key=tuple(key),
            rows=[{**key, **(defaults or {}), counter: 1}],
            counters=(counter,),
            returning=(counter, *returning),
        )
        return answer
