"""Inserting generated rows by the hundred thousand: plain value tuples, prepared as
`bulk_create` prepares them, written with COPY on PostgreSQL and `executemany` on SQLite.
`bulk_create` compiles every value of every object, which was most of the generators'
time for the big tables (history records of 37 columns, survey lists, responses).

Writes through COPY do not pass the execute-wrapper that moves the data revision
(`campaigns.revision`), so `insert` sends `rows_copied` and the campaigns app, which
listens, moves it (core imports no app).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import DateField, DateTimeField, DecimalField, JSONField, UUIDField
from django.dispatch import Signal

# Sent after rows were written with COPY (past the execute-wrappers): (model, connection).
rows_copied = Signal()

BATCH_SIZE = 20_000


def insert(model, names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert `rows`, each a tuple of values for the fields `names` (attnames) of `model`.
    The primary key is left to the database unless it is among `names`."""
    fields = [model._meta.get_field(name) for name in names]
    prepare = [_adapter(field) for field in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    params = [
        tuple(
            value if adapt is None else adapt(value)
            for value, adapt in zip(row, prepare, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: psycopg's executemany is far slower
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
                for row in params:
                    stream.write_row(row)
            rows_copied.send(sender=model, connection=connection)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(params), BATCH_SIZE):
            cursor.executemany(sql, params[start : start + BATCH_SIZE])


def _adapter(field):
    """How `bulk_create` turns a value of `field` into what the database stores, or None
    where the value goes as it is; dates and decimals are remembered (the same recur)."""
    ops = connection.ops
    if isinstance(field, (UUIDField, JSONField)):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, DateTimeField):
        adapt = ops.adapt_datetimefield_value
    elif isinstance(field, DateField):
        adapt = ops.adapt_datefield_value
    elif isinstance(field, DecimalField):

        def adapt(value):
            value = field.to_python(value)
            return ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)

    else:
        return None
    adapt = functools.lru_cache(maxsize=None)(adapt)
    return lambda value: None if value is None else adapt(value)
