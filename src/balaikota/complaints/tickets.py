"""Tracking codes and the reporter's private key."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

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


# --- The link in the "resolved" message ------------------------------------------------------
#
# The reporter's private key is stored only as its hash, so a message sent days later cannot
# carry it. Keeping the key encrypted instead would put a lasting credential within reach of
# anyone who reads the database with the secret key, and in every message sent. So the
# "resolved" message carries a *signed*, *expiring*, *narrow* token instead:
# - signed with SECRET_KEY (django.core.signing, its own salt): it cannot be forged, and
#   nothing is stored to be stolen;
# - bound to the complaint, to this resolution (`resolved_at`: after a reopening and a new
#   resolution the old link is dead) and to the address it was sent to (a digest): once the
#   reporter's contact is corrected, withdrawn or erased, the link stops working;
# - valid for REPORTER_LINK_DAYS days;
# - good only for answering the resolution (see the result, confirm and rate, or reopen),
#   not for the reporter's other powers (privacy mode, personal data), so a forwarded
#   e-mail cannot be used to take over the complaint's contact.
_LINK_SALT = "balaikota.complaints.resolution-link"


def _address_digest(address: str) -> str:
    # Keyed, so that the token (readable, only signed) does not let anyone test guesses of
    # the address against it.
    return salted_hmac(_LINK_SALT, address.strip().lower()).hexdigest()[:16]


def _resolution_mark(resolved_at: dt.datetime | None) -> int:
    return int(resolved_at.timestamp()) if resolved_at else 0


def resolution_token(ticket: str, resolved_at: dt.datetime | None, address: str) -> str:
    return signing.dumps(
        {"t": ticket, "r": _resolution_mark(resolved_at), "a": _address_digest(address)},
        salt=_LINK_SALT,
    )


def resolution_token_valid(
    token: str, *, ticket: str, resolved_at: dt.datetime | None, addresses: list[str]
) -> bool:
    """Whether `token` answers this resolution of this complaint, sent to one of the
    reporter's current `addresses`, and has not expired."""
    try:
        data = signing.loads(
            token, salt=_LINK_SALT, max_age=dt.timedelta(days=settings.REPORTER_LINK_DAYS)
        )
    except signing.BadSignature:  # SignatureExpired is one
        return False
    if not isinstance(data, dict) or resolved_at is None:
        return False
    return (
        data.get("t") == ticket
        and data.get("r") == _resolution_mark(resolved_at)
        and data.get("a") in {_address_digest(a) for a in addresses if a}
    )
