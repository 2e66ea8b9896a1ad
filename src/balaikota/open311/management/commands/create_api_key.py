"""`balaikota create-api-key --name NAME [--scope ...] [--agency CODE]`: a key for Open311
and /api/v1, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.agencies.models import Agency
from balaikota.open311 import services
from balaikota.open311.models import ApiClient, Scope


class Command(BaseCommand):
    help = (
        "Create an API key (Open311 and /api/v1) for an organisation; the key is the last "
        "line printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Name of the client (unique).")
        parser.add_argument("--organisation", default="", help="Who holds the key.")
        parser.add_argument("--email", default="", help="Contact e-mail of the holder.")
        parser.add_argument(
            "--rate-limit", type=int, default=0, help="Requests per minute (0: the default)."
        )
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            help="What the key may do; repeat for more than one. Without it: "
            "public-read and intake (what every key could do before scopes).",
        )
        parser.add_argument(
            "--agency", default="", help="Code of the agency of an `agency` key (e.g. dpupr)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("--name may not be empty")
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"a client named {name!r} exists; revoke it in the admin first")
        if options["rate_limit"] < 0:
            raise CommandError("--rate-limit may not be negative")
        scopes = frozenset(Scope(s) for s in options["scope"] or services.DEFAULT_SCOPES)
        agency = self._agency(options["agency"].strip(), scopes)
        client, key = services.create_client(
            name=name,
            organisation=options["organisation"] or name,
            contact_email=options["email"],
            rate_limit=options["rate_limit"],
            scopes=scopes,
            agency=agency,
        )
        self.stdout.write(f"API key for {client} (shown once, keep it safe):")
        self.stdout.write(f"Scopes: {', '.join(sorted(client.scopes))}")
        if agency is not None:
            self.stdout.write(f"Agency: {agency.code} ({agency})")
        self.stdout.write(key)

    def _agency(self, code: str, scopes: frozenset[Scope]) -> Agency | None:
        if Scope.AGENCY not in scopes:
            if code:
                raise CommandError("--agency goes with --scope agency")
            return None
        if not code:
            raise CommandError("--scope agency needs --agency CODE")
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            known = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"no agency has the code {code!r} (known: {known})")
        if not agency.is_active:
            raise CommandError(f"the agency {code!r} is not active")
        return agency
