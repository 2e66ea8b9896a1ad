"""`balaikota backup DEST`: the database and the files, with a manifest to check them by."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import Cast, jpeg, submit
from tests.objectstore import PRIVATE, S3Server


# Committed data, as when the command runs beside the app (an open transaction on the same
# SQLite connection would hold the copy back).
@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_database_the_photos_and_a_manifest(cast: Cast, tmp_path: Path) -> None:
    complaint = submit(photo_files=[jpeg()])
    out = StringIO()

    call_command("backup", str(tmp_path), stdout=out)

    folder = Path(out.getvalue().strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert manifest["audit_head"]["hash"]
    with tarfile.open(folder / "files.tar.gz") as archive:
        assert any(n.startswith("media/photos/") for n in archive.getnames())
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(folder / "db.sqlite3")
        tickets = [row[0] for row in copy.execute("SELECT ticket FROM complaints_complaint")]
        assert tickets == [complaint.ticket]
    else:
        # pg_dump's custom format, which pg_restore reads.
        assert (folder / "db.dump").read_bytes().startswith(b"PGDMP")


def test_a_destination_that_cannot_be_written_is_a_clear_error(city: None, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")

    with pytest.raises(Exception, match="cannot create"):
        call_command("backup", str(blocked), stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_backup_copies_the_files_from_the_object_store(
    cast: Cast, object_store: S3Server, tmp_path: Path
) -> None:
    # given a photo processed into the object store: public copies and a private staff copy
    complaint = submit(photo_files=[jpeg()])
    photo = complaint.photos.get()
    staff_copy = object_store.read(PRIVATE, f"private/{photo.staff_image}")
    out = StringIO()

    call_command("backup", str(tmp_path), stdout=out)

    # then the archive holds each object under the name the application knows it by
    folder = Path(out.getvalue().strip())
    with tarfile.open(folder / "files.tar.gz") as archive:
        names = archive.getnames()
        assert f"media/{photo.image.name}" in names
        assert f"media/{photo.thumbnail.name}" in names
        member = archive.extractfile(f"private/{photo.staff_image}")
        assert member is not None
        assert member.read() == staff_copy
