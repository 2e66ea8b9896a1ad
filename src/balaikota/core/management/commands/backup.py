"""`balaikota backup DEST`: a consistent copy of the database and the files, in one folder.

DEST/balaikota-<time>/ holds the database (SQLite: a copy made with SQLite's online backup,
safe while the app runs; PostgreSQL: `pg_dump --format=custom`), the uploaded and processed
files (read through the storage API: from VAR_DIR or from the object store's buckets) and the
routing models as a .tar.gz, and a manifest with each file's SHA-256 and the
audit chain's head at the time, so a restored copy can be checked against it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from balaikota.core import integrity, objectstore


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Copy the database, the files and the routing models into a new folder in DEST."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="folder in which the backup folder is made")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(options["dest"]) / f"balaikota-{stamp}"
        try:
            target.mkdir(parents=True)
        except OSError as exc:
            raise CommandError(f"cannot create {target}: {exc}") from exc
        try:
            database = self._database(target)
            files = self._files(target)
        except Exception:
            shutil.rmtree(target, ignore_errors=True)  # no half backup left behind
            raise
        head = integrity.current_head()
        manifest = {
            "made_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "files": {p.name: _sha256(p) for p in (database, files)},
            "audit_head": {"entry": head.entry_id, "hash": head.entry_hash} if head else None,
        }
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
        self.stdout.write(str(target))

    def _database(self, target: Path) -> Path:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            out = target / "db.sqlite3"
            copy = sqlite3.connect(out)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            return out
        if connection.vendor == "postgresql":
            out = target / "db.dump"
            params = connection.settings_dict
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(out)]
            for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
                if params.get(key):
                    command += [flag, str(params[key])]
            command.append(str(params["NAME"]))
            environment = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
            try:
                subprocess.run(command, check=True, env=environment, capture_output=True)  # noqa: S603
            except FileNotFoundError as exc:
                raise CommandError("pg_dump is not installed (Debian: postgresql-client)") from exc
            except subprocess.CalledProcessError as exc:
                raise CommandError(f"pg_dump failed: {exc.stderr.decode()[-500:]}") from exc
            return out
        raise CommandError(f"no backup method for {connection.vendor}")

    def _files(self, target: Path) -> Path:
        out = target / "files.tar.gz"
        with tarfile.open(out, "w:gz") as archive:
            # Through the storage API, so that the files are copied from wherever they are:
            # the folders under VAR_DIR or the object store's buckets.
            for arcname, alias in (("media", "default"), ("private", "private")):
                _archive_storage(archive, storages[alias], arcname)
            # Retrained routing models are in private storage; VAR_DIR/models is a cache.
        return out


def _archive_storage(archive: tarfile.TarFile, storage: Storage, arcname: str) -> None:
    now = time.time()
    for name in objectstore.files_under(storage):
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError:  # deleted by the app since it was listed
            continue
        with handle:
            info = tarfile.TarInfo(f"{arcname}/{name}")
            info.size, info.mtime, info.mode = handle.size, int(now), 0o640
            archive.addfile(info, handle)
