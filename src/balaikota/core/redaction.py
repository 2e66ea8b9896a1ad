"""Finding personal data in what citizens write, so that it is never published.

Complaints carry phone numbers, e-mail addresses, NIK and KK numbers, vehicle plates, bank
accounts and people's names: the reporter's own and their neighbours'. `redact()` replaces
each with "[disamarkan]" before anything is published; staff keep reading the original.

Pure functions over text: no database, tested on their own. The patterns err on the side of
hiding: a house number taken for part of a plate costs the public a detail, a published
phone number costs a citizen their privacy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PLACEHOLDER = "[disamarkan]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# A run of digits with the separators people type inside numbers: "0812-3456-7890",
# "+62 812 3456 7890", "(0341) 551234", "3573.0112.3456.0001".
_NUMBER = re.compile(r"(?<![\w])\+?\(?\d(?:[\d\s.\-()]*\d)?(?![\w])")
# A mobile number or a NIK glued to the word before it, as typed in a hurry: "HP081234567890",
# "wa+6281234567890", "NIK3573015807900001".
_GLUED = re.compile(r"(?<=[^\W\d_])(?:(?:\+?62|0)8\d{8,11}|\d{16})(?!\d)")
# An amount written with thousands dots ("625.000.000", "6.250.000.000"): money, not a number
# of someone's. Telephone numbers start with 0 or 62 and are not grouped in threes.
_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3}){2,}")

# "rek", "rek.", "no rek", "norek", "rekening", then an optional bank name, then the number.
_ACCOUNT = re.compile(
    r"\b(?:no\.?\s*)?rek(?:ening)?\b\.?\s*(?:(?:bank\s+)?[a-z]{2,12}\s*)?[:.]?\s*"
    r"(\d[\d\s.\-]{4,30}\d)",
    re.IGNORECASE,
)

# Indonesian plates: the region's letters (the official list), 1 to 4 digits, 1 to 3 letters.
# Two-letter codes first, so that "AG" is not read as "A".
_PLATE_REGIONS = (
    "AA|AB|AD|AE|AG|BA|BB|BD|BE|BG|BH|BK|BL|BM|BN|BP|DA|DB|DD|"
    "DE|DG|DH|DK|DL|DM|DN|DR|DS|DT|EA|EB|ED|KB|KH|KT|KU|PA|PB|"
    "A|B|D|E|F|G|H|K|L|M|N|P|R|S|T|W|Z"
)
_PLATE = re.compile(
    r"\b(" + _PLATE_REGIONS + r")"
    r"[\s-]?(\d{1,4})[\s-]?([A-Z]{1,3})\b",
    re.IGNORECASE,
)
# Letters after a number that are words of an address, not a plate's suffix.
_NOT_PLATE_SUFFIX = frozenset(
    {"no", "rt", "rw", "km", "m", "di", "dan", "yg", "ke", "gg", "jl", "x", "kali", "jam", "th"}
)

# A name introduced the way people introduce one: "nama saya Budi Santoso", "Pak Slamet",
# "a.n. Siti Aminah", "Nama: Budi". Up to three capitalised (or, as SMS are often typed,
# upper-case) words after the introduction; the introduction itself in any case.
_NAME_WORD = r"(?:[A-Z][a-z'’]+|[A-Z]{2,}(?![a-z]))"
_NAME_INTRO = re.compile(
    r"\b(?P<intro>(?i:nama\s+saya|saya\s+bernama|bernama|atas\s+nama|a\.\s?n\.|nama\s*:)|"
    r"(?:[Bb]apak|[Pp]ak|[Ii]bu|[Bb]u|[Mm]as|[Mm]bak|[Ss]dr[ia]?\.?|[Ss]audara(?:i)?)(?=\s))"
    r"\s*(?P<name>" + _NAME_WORD + r"(?:[ \t]+" + _NAME_WORD + r"){0,2})"
)
# Words after "Pak" or "Bu" that name a post, not a person.
_NOT_NAMES = frozenset(
    {
        "RT",
        "RW",
        "Lurah",
        "Camat",
        "Wali",
        "Walikota",
        "Bupati",
        "Gubernur",
        "Kades",
        "Polisi",
        "Satpam",
        "Guru",
        "Dokter",
        "Bidan",
        "Kepala",
        "Ketua",
        "Dinas",
        "Presiden",
        "Menteri",
        "Dewan",
        "Hansip",
        "Linmas",
    }
)
_NOT_NAMES_UPPER = frozenset(word.upper() for word in _NOT_NAMES)


def _is_phone(digits: str) -> bool:
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62") and len(digits) >= 10 and digits[2] != "0":
        digits = "0" + digits[2:]
    if not digits.startswith("0") or digits.startswith("00"):
        return False
    if digits.startswith("08"):
        return 10 <= len(digits) <= 13
    # Fixed lines: an area code (0341 for Malang) and the subscriber's number.
    return 9 <= len(digits) <= 12


def _hidden_number(raw: str) -> str:
    """The placeholder for a number; an opening bracket it does not close stays, so that
    "(0812-3456-7890)" keeps both of its brackets."""
    return ("(" if raw.startswith("(") and raw.count("(") > raw.count(")") else "") + PLACEHOLDER


def _numbers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
        if "+" in digits[1:]:
            return raw
        plain = digits.lstrip("+")
        before = text[max(0, match.start() - 4) : match.start()].lower()
        if "rp" in before or _AMOUNT.fullmatch(raw):  # money, not a number of someone's
            return raw
        if len(plain) == 16 or _is_phone(digits):  # NIK / KK, or a telephone
            return _hidden_number(raw)
        if len(plain) >= 17:  # longer than any address: an account or card number
            return _hidden_number(raw)
        return raw

    return _GLUED.sub(PLACEHOLDER, _NUMBER.sub(replace, text))


def _plates(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        suffix = match.group(3)
        if suffix.lower() in _NOT_PLATE_SUFFIX:
            return match.group(0)
        # Lower-case writing counts only when region and suffix agree in case; "di 3 rumah"
        # and the like do not look like plates, "n 1234 ab" does.
        region = match.group(1)
        if region.islower() != suffix.islower():
            return match.group(0)
        return PLACEHOLDER

    return _PLATE.sub(replace, text)


def _names(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        words = match.group("name").split()
        if words[0].upper() in _NOT_NAMES_UPPER:
            return match.group(0)
        return f"{match.group('intro')} {PLACEHOLDER}"

    return _NAME_INTRO.sub(replace, text)


def _national(number: str) -> str:
    """A number's digits as written at home: +62 812… and 62812… become 0812…"""
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.strip().startswith("+62") or (digits.startswith("62") and len(digits) >= 10):
        return "0" + digits[2:]
    return digits


def _known(text: str, known: Iterable[str]) -> str:
    """The reporter's own contact, wherever and however it is written in the text."""
    values = {v.strip() for v in known if v and len(v.strip()) >= 3}
    for value in sorted(values, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", PLACEHOLDER, text, flags=re.IGNORECASE)
    # A name is also hidden word by word, where a word is written as a name ("Budi" of
    # "Budi Santoso"): people often give only their first name in the text.
    for value in values:
        if "@" in value or any(ch.isdigit() for ch in value):
            continue
        for word in {w for w in re.split(r"[\s.,]+", value) if len(w) >= 3}:
            for form in {word.capitalize(), word.upper()}:
                text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", PLACEHOLDER, text)
    numbers = {_national(v) for v in values if sum(ch.isdigit() for ch in v) >= 6}
    if numbers:
        text = _NUMBER.sub(
            lambda m: (
                _hidden_number(m.group(0)) if _national(m.group(0)) in numbers else m.group(0)
            ),
            text,
        )
    return text


def redact(text: str, known: Iterable[str] = ()) -> str:
    """`text` with every piece of personal data found replaced by "[disamarkan]".

    `known` are values to hide wherever they appear: the reporter's name, phone, e-mail, NIK.
    """
    text = _known(text, known)
    text = _EMAIL.sub(PLACEHOLDER, text)
    text = _ACCOUNT.sub(lambda m: m.group(0).replace(m.group(1), PLACEHOLDER), text)
    text = _numbers(text)
    text = _plates(text)
    return _names(text)


def contains_personal_data(text: str) -> bool:
    return redact(text) != text


def hide_values(text: str, values: Iterable[str]) -> str:
    """Only the given values hidden, wherever written: nothing else of the text changes."""
    return _known(text, values)
