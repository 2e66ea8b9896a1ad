"""`balaikota purge-personal-data [--dry-run]`: apply the retention schedule now (the worker
does it every night) and print what was removed, or with --dry-run what would be."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from balaikota.privacy import retention


class Command(BaseCommand):
    help = "Remove the personal data whose retention period is over, and print what went."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="change nothing; print what would be removed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention.purge_personal_data(dry_run=options["dry_run"])
        for line in report.lines():
            self.stdout.write(line)
