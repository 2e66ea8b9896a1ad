"""On PostgreSQL the rate counters need no write-ahead log: a count lost to a crash costs
nothing, and every request's upsert then commits without waiting for the log's flush."""

from typing import Any

from django.db import migrations


def _set(persistence: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE core_ratecounter SET {persistence}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_fill_audit_position"),
    ]

    operations = [
        migrations.RunPython(_set("UNLOGGED"), reverse_code=_set("LOGGED")),
    ]
