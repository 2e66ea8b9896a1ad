"""Tracking codes and the reporter's private key."""

from __future__ import annotations

import hashlib
import secrets

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


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
