"""Entries chained before positions existed keep their order: their place is their id."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_entry_position"),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE core_auditentry SET position = id WHERE position IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
