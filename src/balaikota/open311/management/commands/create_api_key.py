"""`balaikota create-api-key --name NAME`: a key for an Open311 client, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.open311 import services
from balaikota.open311.models import ApiClient


class Command(BaseCommand):
    help = "Create an Open311 API key for an organisation; the key is the last line printed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Name of the client (unique).")
        parser.add_argument("--organisation", default="", help="Who holds the key.")
        parser.add_argument("--email", default="", help="Contact e-mail of the holder.")
        parser.add_argument(
            "--rate-limit", type=int, default=0, help="Requests per minute (0: the default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("--name may not be empty")
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"a client named {name!r} exists; revoke it in the admin first")
        if options["rate_limit"] < 0:
            raise CommandError("--rate-limit may not be negative")
        client, key = services.create_client(
            name=name,
            organisation=options["organisation"] or name,
            contact_email=options["email"],
            rate_limit=options["rate_limit"],
        )
        self.stdout.write(f"API key for {client} (shown once, keep it safe):")
        self.stdout.write(key)
