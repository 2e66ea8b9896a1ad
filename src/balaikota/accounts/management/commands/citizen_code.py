from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.accounts import citizens
from balaikota.notifications.models import OutboxMessage


def newest_code(address: citizens.Address) -> str | None:
    """The newest sign-in code the outbox holds for a number or address (the code itself
    is stored only hashed; the message carrying it is the one place it can be read)."""
    message = (
        OutboxMessage.objects.filter(event=citizens.CODE_EVENT, address=address.international)
        .order_by("-pk")
        .first()
    )
    found = re.search(rf"\b(\d{{{citizens.CODE_DIGITS}}})\b", message.body) if message else None
    return found.group(1) if found else None


class Command(BaseCommand):
    help = (
        "Demo and development only (DEBUG on): print the newest sign-in code sent to a "
        "citizen's number or e-mail address, read from the outbox, for when no SMS gateway "
        "or mail server is configured."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="a mobile number (08…, +62…) or an e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("citizen-code works only with DEBUG on (the demo)")
        try:
            address = citizens.parse(options["address"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        code = newest_code(address)
        if code is None:
            raise CommandError(f"no sign-in code was sent to {address.value}")
        self.stdout.write(code)
