"""Tracking codes and the reporter's private key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

# Crockford's base32 without I, L, O, U: nothing to misread when a code is read aloud.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "SBT-"


def new_ticket() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(8))


_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_ticket(text: str) -> str:
    """'sbt-k7m2qxd4', 'K7M2 QXD4' and 'SBT-K7M2QXD4' are the same code."""
    code = text.strip().upper().replace(" ", "").removeprefix(PREFIX).removeprefix("SBT")
    return PREFIX + code.translate(_MISREAD)


def new_reporter_key() -> str:
    return secrets.token_urlsafe(18)


def reporter_key_for(submission_key: str) -> str:
    """The reporter's key for a submission with an idempotency key: the same on a retry, so
    a citizen whose first answer was lost still gets the private link."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"reporter:{submission_key}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def hash_submission_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
