"""Plain SQL for the few hot statements where compiling the ORM's query cost more than the database's
answer. Names come from the models; every value is a parameter (on insert, prepared by its field; on
read, converted by its field)."""

from __future__ import annotations

import itertools
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.sql import Query

# Prepared statements a connection keeps at most. The hot statements have a few dozen shapes (a
# multi-row insert has one per row count); past the bound a statement is simply sent as it is.
PREPARED_PER_CONNECTION = 200
_PLACEHOLDER = re.compile(r"%[s%]")


def execute(cursor, sql: str, params: list | tuple = ()) -> None:
    """``cursor.execute(sql, params)``; on PostgreSQL, as a statement prepared once per connection.

    Parsing and planning is most of what PostgreSQL spends on a short statement: pgbench ran one
    submission's statements in 5.5 ms sent as text and 3.0 ms prepared. The statement is prepared
    and executed in one round trip the first time, then only executed (``EXECUTE name(values)``;
    the values are still sent as escaped literals, typed by the prepared statement's columns).
    ``PREPARED_STATEMENTS = False`` turns it off, as behind a pooler that does not keep a session
    per client (PgBouncer in transaction mode)."""
    database = cursor.db  # the connection itself: the module's proxy costs a thread-local lookup a use
    if database.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    session = _session(database)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    name = session.names.get(sql)
    if name is not None:
        cursor.execute(f"EXECUTE {name}{arguments}", params)
        return
    if session.attempts >= PREPARED_PER_CONNECTION:
        cursor.execute(sql, params)
        return
    # A fresh name on every attempt: when the EXECUTE of a first attempt fails, the PREPARE before it
    # may have stayed (it outlives a rolled-back transaction), so its name is never used again.
    session.attempts += 1
    name = f"portal_{session.attempts}"
    numbers = itertools.count(1)
    text = _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%%", sql)
    cursor.execute(f"PREPARE {name} AS {text}; EXECUTE {name}{arguments}", params)
    session.names[sql] = name


class _Session:
    """The statements prepared on one database session (a new session starts with none)."""

    def __init__(self, raw):
        self.raw, self.names, self.attempts = raw, {}, 0


def _session(database) -> _Session:
    session = getattr(database, "_prepared_statements", None)
    if session is None or session.raw is not database.connection:
        session = _Session(database.connection)
        database._prepared_statements = session
    return session


def insert_rows(model, rows: list) -> None:
    """One INSERT … VALUES for ``rows`` (instances of ``model``), values prepared by each field as the
    ORM's save would (defaults, automatic timestamps, encryption, JSON). The rows get no primary key
    back: for rows nobody reads again in the same request."""
    if not rows:
        return
    database = connections[DEFAULT_DB_ALIAS]  # once: the module's proxy costs a lookup a use
    columns, prepare = _insert_plan(model)
    for row in rows:
        # A row built beside its parent before the parent was saved holds the parent, not yet its id.
        for f in columns:
            if f.is_relation and getattr(row, f.attname) is None and f.is_cached(row):
                setattr(row, f.attname, getattr(f.get_cached_value(row), "pk", None))
    values = [prepare_value(row, database) for row in rows for prepare_value in prepare]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    quote = database.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * len(rows))}"
    )
    with database.cursor() as cursor:
        execute(cursor, sql, values)


# Fields whose preparation for the database leaves a value of these kinds as it is, on every backend:
# the field's get_db_prep_save would only confirm the type (and ForeignKey hands it to its target's).
# Three in four values of a submission's inserts are such; preparing each through the field's chain
# of calls was a tenth of the submission's web-side time. Subclasses are not in it (an encrypted text
# field is a TextField), nor are dates, times, UUIDs and JSON, which backends adapt. A str subclass
# (a choice) passes as Django's to_python passes it; an int must be exactly int (not bool, not an
# enum), which IntegerField would otherwise convert.
_TEXT, _INTEGER, _BOOLEAN = (
    (lambda v: isinstance(v, str)),
    (lambda v: type(v) is int),
    (lambda v: type(v) is bool),
)
_AS_THEY_ARE = {
    models.CharField: _TEXT,
    models.TextField: _TEXT,
    models.BooleanField: _BOOLEAN,
    models.IntegerField: _INTEGER,
    models.PositiveSmallIntegerField: _INTEGER,
    models.PositiveIntegerField: _INTEGER,
    models.SmallIntegerField: _INTEGER,
    models.BigIntegerField: _INTEGER,
    models.PositiveBigIntegerField: _INTEGER,
    models.ForeignKey: _INTEGER,
}
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField)
_PLANS: dict = {}


def _insert_plan(model) -> tuple[list, list]:
    plan = _PLANS.get(model)
    if plan is None:
        columns = [
            f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created or f.generated)
        ]
        plan = _PLANS[model] = (columns, [_preparer(f) for f in columns])
    return plan


def _preparer(field):
    """How one field's value of a new row is made ready for the database, as the ORM's save would."""

    def prepare(row, database):
        return field.get_db_prep_save(field.pre_save(row, add=True), database)

    fits = _AS_THEY_ARE.get(type(field))
    if fits is None or type(field).pre_save is not models.Field.pre_save:
        return prepare
    if isinstance(field, models.ForeignKey) and type(field.target_field) not in _INTEGER_KEYS:
        return prepare
    attname = field.attname
    # None stays None for all of them, except a BooleanField that does not allow it (Django refuses).
    none_fits = field.null or fits is not _BOOLEAN

    def as_it_is(row, database):
        value = row.__dict__.get(attname, _MISSING)
        if fits(value) or (value is None and none_fits):
            return value
        return prepare(row, database)

    return as_it_is


_MISSING = object()


def select_rows(model, where: str, params: list, *, order: str = "") -> list:
    """``SELECT *`` from the model's table ``WHERE where`` (column names and placeholders only; every
    value in ``params``), read into instances of ``model`` with each field's conversion."""
    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE {where}" + (f" ORDER BY {order}" if order else "")  # noqa: S608
    return read_rows(model, sql, params)


def read_rows(model, sql: str, params: list) -> list:
    """Instances of ``model`` from ``sql``, whose columns are the model's own (all, or some: the
    others are deferred and read on first use, as with ``only()``).

    What ``Model.objects.raw`` does, less its per-query set-up: the columns' fields, the order the
    model is built in and each column's conversions are worked out once per shape of answer."""
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        execute(cursor, sql, params)
        columns = tuple(c[0] for c in cursor.description)
        rows = cursor.fetchall()
    reader = _reader(model, columns, database)
    return [reader(row, database) for row in rows]


_READERS: dict = {}


def _reader(model, columns: tuple[str, ...], database):
    key = (model, columns, database.alias, database.vendor)
    reader = _READERS.get(key)
    if reader is None:
        reader = _READERS[key] = _build_reader(model, columns, database.alias)
    return reader


def _build_reader(model, columns: tuple[str, ...], alias: str):
    by_column = {f.column: f for f in model._meta.concrete_fields}
    unknown = [c for c in columns if c not in by_column]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    position = {c: i for i, c in enumerate(columns)}
    # Model.from_db takes the values in the model's field order, the fields it was not given deferred.
    fields = [f for f in model._meta.concrete_fields if f.column in position]
    order = [position[f.column] for f in fields]
    names = [f.attname for f in fields]
    # The same conversions the ORM's compiler applies (the backend's, then the field's from_db_value).
    expressions = [f.get_col(model._meta.db_table) for f in fields]
    compiler = Query(model).get_compiler(using=alias)
    converters = [(i, fns, expr) for i, (fns, expr) in compiler.get_converters(expressions).items()]
    from_db = model.from_db

    def read(row, database):
        values = [row[i] for i in order]
        for i, functions, expression in converters:
            value = values[i]
            for convert in functions:
                value = convert(value, expression, database)
            values[i] = value
        return from_db(alias, names, values)

    return read
