from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.accounts import factors
from balaikota.core.models import User


class Command(BaseCommand):
    help = (
        "Print the current authenticator code of a user (the demo's staff have known "
        "secrets). Reads the secret from the database, so it needs the database's access."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        device = factors.confirmed_totp(user)
        if device is None:
            raise CommandError(f"{user.username} has no authenticator enrolled")
        self.stdout.write(factors.current_code(device))
