"""Writing seeded rows fast: COPY on PostgreSQL, bulk_create in batches elsewhere."""

import time

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

BATCH = 5_000


class Loader:
    """Writes rows of a model: COPY on PostgreSQL, bulk_create in batches of 5,000 elsewhere."""

    def __init__(self, out, *, use_copy: bool | None = None):
        self.out = out
        self.copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        self.now = timezone.now()
        self.counts = {}

    @staticmethod
    def next_id(model) -> int:
        return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def load(self, model, names: list[str], rows) -> int:
        """Insert `rows` (tuples in the order of the attnames `names`); other columns get their defaults."""
        started = time.monotonic()
        # A primary key left out is the database's to number.
        fields = [f for f in model._meta.concrete_fields if f.attname in names or not f.primary_key]
        given = {name: index for index, name in enumerate(names)}
        defaults = {
            f.attname: self.now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
            for f in fields
            if f.attname not in given
        }
        count = (
            self._copy(model, fields, given, defaults, rows) if self.copy else self._bulk(model, defaults, names, rows)
        )
        self.counts[model._meta.db_table] = count
        self.out(f"  {model._meta.db_table:<34} {count:>10,} rows {time.monotonic() - started:6.1f} s")
        return count

    @staticmethod
    def _copy(model, fields, given, defaults, rows) -> int:
        from psycopg.types.json import Jsonb

        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        picks = [(given.get(f.attname), defaults.get(f.attname), f.get_internal_type() == "JSONField") for f in fields]
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                values = [default if index is None else row[index] for index, default, _ in picks]
                copy.write_row([Jsonb(v) if json else v for v, (_, _, json) in zip(values, picks, strict=True)])
                count += 1
        return count

    @staticmethod
    def _bulk(model, defaults, names, rows) -> int:
        count, batch = 0, []
        for row in rows:
            batch.append(model(**{**defaults, **dict(zip(names, row, strict=True))}))
            if len(batch) == BATCH:
                count += len(model.objects.bulk_create(batch))
                batch = []
        return count + len(model.objects.bulk_create(batch))

    def finish(self, models) -> None:
        """Move the id sequences past the explicit ids, and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                for model in models:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
