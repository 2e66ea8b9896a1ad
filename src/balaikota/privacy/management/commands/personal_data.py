"""`balaikota personal-data export|erase (--ticket T | --email E | --phone P)`: a data
subject's rights from the command line. `export` prints every piece of personal data held
about the person as JSON; `erase` removes it (each complaint stays, anonymised) and prints
what it removed."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.privacy import services


class Command(BaseCommand):
    help = (
        "Export (as JSON) or erase the personal data of the person with this complaint "
        "ticket, e-mail address or phone number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--ticket", help="a complaint's tracking code, e.g. SBT-K7M2QXD4")
        who.add_argument("--email", help="the person's e-mail address")
        who.add_argument("--phone", help="the person's phone number, in any writing")

    def handle(self, *args: Any, **options: Any) -> None:
        who = {name: options[name] for name in ("ticket", "email", "phone") if options[name]}
        if not who or not all(value.strip() for value in who.values()):
            raise CommandError("give one of --ticket, --email or --phone, not empty")
        if options["action"] == "export":
            data = services.export_personal_data(**who)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        report = services.erase(**who)
        for line in report.lines():
            self.stdout.write(line)
