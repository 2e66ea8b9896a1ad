from __future__ import annotations

import itertools
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.core import integrity


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain, the published daily heads, and that every "
        "complaint's and performance commitment's, offer's and check-in's state is what "
        "its recorded events produce. Exits non-zero on the first problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="list every problem found, not only the first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = integrity.problems()
        shown = list(found if options["all"] else itertools.islice(found, 1))
        if shown:
            for problem in shown:
                self.stderr.write(f"BROKEN: {problem}")
            raise CommandError("the audit record does not verify", returncode=1)
        head = integrity.current_head()
        if head is None:
            self.stdout.write("OK: the audit log is empty")
            return
        self.stdout.write(
            f"OK: {head.count} audit entries, head #{head.entry_id} {head.entry_hash}"
            + (f"; {head.pending} pending, checked once chained" if head.pending else "")
        )
