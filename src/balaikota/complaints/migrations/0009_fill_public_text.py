"""Complaints made before the public version existed get theirs: the text with personal
data replaced, and the reporter's own contact hidden wherever it is written."""

from typing import Any

from django.db import migrations

from balaikota.core.redaction import redact


def fill_public_text(apps: Any, schema_editor: Any) -> None:
    Complaint = apps.get_model("complaints", "Complaint")
    batch = []
    for complaint in Complaint.objects.only(
        "text", "reporter_name", "reporter_phone", "reporter_email", "reporter_nik"
    ).iterator(chunk_size=2000):
        complaint.public_text = redact(
            complaint.text,
            [
                complaint.reporter_name,
                complaint.reporter_phone,
                complaint.reporter_email,
                complaint.reporter_nik,
            ],
        )
        batch.append(complaint)
        if len(batch) >= 2000:
            Complaint.objects.bulk_update(batch, ["public_text"])
            batch = []
    Complaint.objects.bulk_update(batch, ["public_text"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_privacy_modes_public_version_moderation")]

    operations = [migrations.RunPython(fill_public_text, migrations.RunPython.noop)]
