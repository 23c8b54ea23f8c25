"""Trigram indexes for the catalog's search (`title` or `description` contains, any case).

`icontains` compiles to `UPPER(column::text) LIKE UPPER('%words%')` on PostgreSQL: a GIN index of
pg_trgm trigrams on that same expression serves it. pg_trgm is a trusted extension (PostgreSQL 13+),
so the database owner may create it. SQLite (the embedded default) has neither: nothing to do there.
"""

from django.db import migrations

INDEXES = {
    "activity_title_trgm": "title",
    "activity_description_trgm": "description",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON activities_activity USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_disclosure_history")]

    operations = [migrations.RunPython(create, drop)]
