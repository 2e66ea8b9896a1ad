"""Region names are spelled many ways; compare them in one normalised form."""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_PREFIX = re.compile(r"^(kelurahan|kel|desa|kecamatan|kec|kota)\b\.?\s*")


def normalise_name(name: str) -> str:
    """'Oro-oro Dowo', 'ORO ORO DOWO' and 'Kel. Oro-Oro Dowo' all become 'oroorodowo'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    text = _PREFIX.sub("", text)
    return _NOT_LETTERS.sub("", text)
