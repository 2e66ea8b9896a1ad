"""The mail backend in use while none is chosen (see `core.mailconfig`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from balaikota.core.mailconfig import HOW_TO_CHOOSE


class MailBackendNotChosen(RuntimeError):
    pass


class UnchosenBackend(BaseEmailBackend):
    """Refuses to send: the outbox keeps each e-mail pending until a backend is chosen,
    instead of printing it to the log or dropping it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        raise MailBackendNotChosen(HOW_TO_CHOOSE)
