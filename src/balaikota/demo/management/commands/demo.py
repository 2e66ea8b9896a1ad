from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from balaikota.complaints.router import current_router
from balaikota.dashboards import summaries
from balaikota.demo import loader, performance
from balaikota.demo.history import load_history


class Command(BaseCommand):
    help = "Migrate and load the Kota Malang demo (safe to run again), then print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--boundaries",
            default=str(loader.BOUNDARY_FILE),
            help="GeoJSON of the kelurahan (default ../shared/data/...); "
            "approximate areas when the file is missing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        call_command("migrate", interactive=False, verbosity=0)
        real = loader.load_regions(Path(options["boundaries"]))
        loader.load_agencies()
        loader.load_categories()
        logins = loader.load_users()
        router = current_router()  # trained now, so that the first report is not slowed
        history = load_history()
        created = loader.load_sample_complaints()
        api_key = loader.load_api_client()
        commitments = performance.load_performance()
        logins += performance.LOGINS
        # The dashboard's figures and the map's grid, before the worker's first refresh.
        summaries.refresh()
        summaries.refresh_map()
        self.stdout.write(
            "Boundaries: "
            + (
                "official polygons from " + options["boundaries"]
                if real
                else "APPROXIMATE areas laid out from kelurahan centres (no boundary "
                "file found); import real ones with `balaikota import-regions`"
            )
        )
        self.stdout.write(f"Sample complaints created: {created} (and {history} over half a year)")
        self.stdout.write(f"Performance commitments signed this year: {commitments}")
        self.stdout.write(
            f"Routing model {router.version}: accuracy {router.scores['accuracy']:.3f} on texts "
            "it never saw"
        )
        self.stdout.write(f"Open311 demo API key (see /open311/): {api_key}")
        self.stdout.write(f"\nDemo logins (password for all: {loader.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<28} {login.role:<14} {login.agency}")
