from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.accounts.demo import enrol_demo_staff
from balaikota.complaints.router import current_router
from balaikota.dashboards import summaries
from balaikota.demo import field, loader, performance
from balaikota.demo.citizens import DEMO_CITIZEN_PHONE, UNCLAIMED_PHONE, load_citizen_account
from balaikota.demo.forwarding import load_forwarded_sample
from balaikota.demo.history import load_history
from balaikota.demo.hotspots import load_hotspots
from balaikota.demo.notices import load_news_samples

NOT_PRODUCTION_FLAG = "--i-know-this-is-not-production"
# The demo's accounts share one published password (an administrator among them) and its
# Open311 key is printed in the README: loaded into a city's database they would be a way in
# for anyone who has read it.
REFUSAL = (
    "DEBUG is off, so this may be a production database. The demo would add an 'admin' and "
    "staff accounts whose password is published, and a public Open311 key. Nothing was "
    "changed. Run the demo with DEBUG=true (`make demo` does), or add "
    f"{NOT_PRODUCTION_FLAG} for a test server whose database is thrown away."
)


class Command(BaseCommand):
    help = "Migrate and load the Kota Malang demo (safe to run again), then print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--boundaries",
            default=str(loader.BOUNDARY_FILE),
            help="GeoJSON of the kelurahan (default ../shared/data/...); "
            "approximate areas when the file is missing.",
        )
        parser.add_argument(
            NOT_PRODUCTION_FLAG,
            action="store_true",
            help="Load the demo although DEBUG is off (a test server or a benchmark whose "
            "database is thrown away, never a city's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        if not settings.DEBUG and not options["i_know_this_is_not_production"]:
            raise CommandError(REFUSAL)
        call_command("migrate", interactive=False, verbosity=0)
        real = loader.load_regions(Path(options["boundaries"]))
        loader.load_agencies()
        loader.load_categories()
        logins = loader.load_users()
        logins += field.load_field_teams()
        router = current_router()  # trained now, so that the first report is not slowed
        history = load_history()
        created = loader.load_sample_complaints()
        created += field.load_field_complaints()
        api_key = loader.load_api_client()
        forwarded = load_forwarded_sample()
        news = load_news_samples()
        commitments = performance.load_performance()
        logins += performance.LOGINS
        enrolled = enrol_demo_staff()
        citizen_reports = load_citizen_account()
        hotspots = load_hotspots()
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
        if forwarded:
            self.stdout.write(
                "Forwarded to SP4N-LAPOR! (example) and closed there: resolved here with its notes"
            )
        self.stdout.write(f"Performance commitments signed this year: {commitments}")
        self.stdout.write(performance.agreements_note())
        self.stdout.write(f"Hotspots: {hotspots} (one with planned work under way, /titik-rawan)")
        self.stdout.write(
            f"Routing model {router.version}: accuracy {router.scores['accuracy']:.3f} on texts "
            "it never saw"
        )
        self.stdout.write(f"Open311 demo API key (see /open311/): {api_key}")
        if news is not None:
            self.stdout.write(
                f"Followed by e-mail: {news.followed} (2 followers). Resolved: {news.resolved}; "
                f"its e-mail to the reporter, with the link to confirm, rate or reopen, is in "
                f"{settings.EMAIL_FILE_PATH} once the worker has run"
            )
        self.stdout.write(
            f"Second factor: {enrolled} demo staff have authenticators with known (demo-only) "
            "secrets; `balaikota totp USER` prints a user's current code"
        )
        self.stdout.write(
            f"Citizen account: log in as a citizen with {DEMO_CITIZEN_PHONE} "
            f"({citizen_reports} reports); `balaikota citizen-code {DEMO_CITIZEN_PHONE}` prints "
            f"the code sent (no SMS gateway in the demo). {UNCLAIMED_PHONE} signs up anew and "
            "claims an earlier report"
        )
        self.stdout.write(f"\nDemo logins (password for all: {loader.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<28} {login.role:<14} {login.agency}")
