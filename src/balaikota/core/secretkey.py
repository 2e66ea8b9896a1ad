"""Whether a SECRET_KEY is random enough to sign sessions, password resets and private links.

Anyone who knows or guesses the key can forge a staff session, so with DEBUG off a key that
is short, repeats a pattern or draws on few characters stops start-up. A key cannot be
proven random; two cheap estimates of its information catch the usual mistakes (a word
typed by hand, 40 × "a", "abcabc…", a password repeated), and the lower counts:

- the Shannon entropy of its character frequencies, times its length (few distinct
  characters, or a few used over and over, give little);
- how far zlib compresses it, in bits (a repeated or predictable run compresses well).

The length rule is Django's own (`check --deploy` warns below 50 characters), so a key
accepted here never draws that warning.

Pure functions: `settings.py` calls them before Django is set up.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter

MIN_LENGTH = 50
MIN_BITS = 128
HOW_TO_MAKE = (
    "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))' "
    "and keep it secret (SECRET_KEY_FILE can name a file holding it)"
)
# zlib's fixed cost on any input: a 2-byte header and a 4-byte checksum.
_ZLIB_OVERHEAD_BYTES = 6


def estimated_bits(key: str) -> int:
    """A rough upper bound of the key's information, in bits (the lower of two estimates)."""
    if not key:
        return 0
    length = len(key)
    shannon = -sum(n / length * math.log2(n / length) for n in Counter(key).values()) * length
    compressed = (len(zlib.compress(key.encode(), 9)) - _ZLIB_OVERHEAD_BYTES) * 8
    return max(0, int(min(shannon, compressed)))


def _repeats_a_pattern(key: str) -> bool:
    """True when the key is a shorter piece repeated ("abcabc…", "passwordpassword")."""
    return any(
        (key[:period] * (len(key) // period + 1)).startswith(key)
        for period in range(1, len(key) // 2 + 1)
    )


def problem(key: str, *, development_key: str) -> str | None:
    """Why this key must not sign anything in production, or None when it may."""
    if not key:
        return f"SECRET_KEY must be set when DEBUG is off; {HOW_TO_MAKE}."
    if key == development_key or key.startswith("django-insecure-"):
        return f"SECRET_KEY is a development key, known to everyone; {HOW_TO_MAKE}."
    if len(key) < MIN_LENGTH:
        return (
            f"SECRET_KEY has {len(key)} characters; it needs at least {MIN_LENGTH} random "
            f"ones when DEBUG is off; {HOW_TO_MAKE}."
        )
    if _repeats_a_pattern(key):
        return f"SECRET_KEY repeats a pattern, which anyone can guess; {HOW_TO_MAKE}."
    bits = estimated_bits(key)
    if bits < MIN_BITS:
        return (
            f"SECRET_KEY has too little variety (about {bits} bits of randomness; at least "
            f"{MIN_BITS} are needed); {HOW_TO_MAKE}."
        )
    return None
