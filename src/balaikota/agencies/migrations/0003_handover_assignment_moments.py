"""Assignments hold a post from a moment to a moment, not from a day to a day.

An existing assignment starts at the beginning of its first day and ends at the beginning
of the day after its last (Asia/Jakarta), so who held which post on which day is unchanged.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.utils import timezone

CITY = ZoneInfo("Asia/Jakarta")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=CITY)


def days_to_moments(apps, schema_editor):  # type: ignore[no-untyped-def]
    Assignment = apps.get_model("agencies", "Assignment")
    for row in Assignment.objects.all():
        row.starts_at = _midnight(row.starts_on)
        row.ends_at = _midnight(row.ends_on + dt.timedelta(days=1)) if row.ends_on else None
        row.save(update_fields=["starts_at", "ends_at"])


def moments_to_days(apps, schema_editor):  # type: ignore[no-untyped-def]
    Assignment = apps.get_model("agencies", "Assignment")
    for row in Assignment.objects.all():
        row.starts_on = row.starts_at.astimezone(CITY).date()
        last = (row.ends_at - dt.timedelta(microseconds=1)) if row.ends_at else None
        row.ends_on = last.astimezone(CITY).date() if last else None
        row.save(update_fields=["starts_on", "ends_on"])


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="starts_at",
            field=models.DateTimeField(null=True, verbose_name="from"),
        ),
        migrations.AddField(
            model_name="assignment",
            name="ends_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="until"),
        ),
        migrations.RunPython(days_to_moments, moments_to_days),
        migrations.RemoveIndex(model_name="assignment", name="assignment_current_idx"),
        migrations.RemoveField(model_name="assignment", name="starts_on"),
        migrations.RemoveField(model_name="assignment", name="ends_on"),
        migrations.AlterField(
            model_name="assignment",
            name="starts_at",
            field=models.DateTimeField(default=timezone.now, verbose_name="from"),
        ),
        migrations.AlterModelOptions(
            name="assignment",
            options={
                "ordering": ["-starts_at"],
                "verbose_name": "assignment",
                "verbose_name_plural": "assignments",
            },
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["position", "ends_at"], name="assignment_current_idx"),
        ),
    ]
