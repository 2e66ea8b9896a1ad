from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.regions.models import Level
from balaikota.regions.selectors import index_cache
from balaikota.regions.services import (
    PropertyNames,
    RegionImportError,
    import_regions,
    read_features,
)


class Command(BaseCommand):
    help = (
        "Import kelurahan (or kecamatan) boundaries from a GeoJSON file. Running it again "
        "with the same file changes nothing; a file with any invalid feature imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--level",
            choices=[Level.VILLAGE, Level.DISTRICT, Level.CITY],
            default=Level.VILLAGE,
            help="Level of the features (default village).",
        )
        parser.add_argument(
            "--code-property",
            default="kode",
            help="Property holding the Kemendagri code (default kode).",
        )
        parser.add_argument(
            "--name-property", default="nama", help="Property holding the name (default nama)."
        )
        parser.add_argument(
            "--parent-property",
            default="kode_kecamatan",
            help="Property holding the parent's code (default kode_kecamatan); empty for none.",
        )
        parser.add_argument(
            "--parent-name-property",
            default="kecamatan",
            help="Property holding the parent's name, used when the parent "
            "does not exist yet (default kecamatan).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        props = PropertyNames(
            code=options["code_property"],
            name=options["name_property"],
            parent=options["parent_property"] or None,
            parent_name=options["parent_name_property"] or None,
        )
        try:
            report = import_regions(
                read_features(options["file"]), level=Level(options["level"]), props=props
            )
        except RegionImportError as exc:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(exc.problems)) from exc
        index_cache.clear()
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            + (
                f"; new parents: {', '.join(report.parents_created)}"
                if report.parents_created
                else ""
            )
        )
