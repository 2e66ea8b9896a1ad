"""`balaikota check_messages`: fail when the Indonesian catalogue misses a message.

Regenerates the catalogue from the code in a temporary copy of the package (with GNU
gettext's xgettext, as `makemessages` does) and compares its message ids with the
committed `locale/id/LC_MESSAGES/django.po`. Run by `make lint` and CI.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

CATALOGUE = Path("locale") / "id" / "LC_MESSAGES" / "django.po"


def message_ids(po_file: Path) -> set[str]:
    """The msgids of a .po file (continuation lines joined), without the header."""
    ids: set[str] = set()
    current: list[str] | None = None
    for line in po_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid ") :].strip().strip('"')]
        elif current is not None and line.startswith('"'):
            current.append(line.strip().strip('"'))
        else:
            if current is not None and "".join(current):
                ids.add("".join(current))
            current = None
    return ids


class Command(BaseCommand):
    help = "Check that every translatable message is in the Indonesian catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        package = Path(settings.PACKAGE_DIR)
        committed = message_ids(package / CATALOGUE)
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "balaikota"
            shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
            here = Path.cwd()
            os.chdir(copy)
            try:
                with override_settings(LOCALE_PATHS=[copy / "locale"]):
                    call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
            finally:
                os.chdir(here)
            current = message_ids(copy / CATALOGUE)
        missing = sorted(current - committed)
        if missing:
            raise CommandError(
                f"{len(missing)} message(s) are not in {CATALOGUE}; run `make messages` and "
                "translate them:\n  " + "\n  ".join(missing[:40])
            )
        self.stdout.write(f"All {len(current)} messages are in the Indonesian catalogue.")
