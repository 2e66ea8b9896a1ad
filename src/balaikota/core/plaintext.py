"""Text from outside, made safe to store and to write into XML, feeds and spreadsheets."""

from __future__ import annotations

import re

# C0 control characters other than tab, line feed and carriage return (and DEL): invisible,
# never meant, and not allowed in XML 1.0 (a feed or an Excel file with one cannot be read).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str) -> str:
    """Without control characters."""
    return _CONTROL.sub("", text)


def spreadsheet_safe(value: str) -> str:
    """A text cell that a spreadsheet shows as text, never evaluates (OWASP's advice for
    CSV injection: a leading apostrophe)."""
    value = clean(value)
    return "'" + value if value.startswith(_FORMULA_START) else value
