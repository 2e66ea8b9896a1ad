"""Telling whether two writings of a contact are the same person's: pure functions."""

from __future__ import annotations


def national_phone(number: str) -> str:
    """The number's digits as written at home: "+62 812-3456-7890", "6281234567890" and
    "081234567890" are all "081234567890"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("62") and len(digits) >= 10 and not digits.startswith("620"):
        return "0" + digits[2:]
    return digits


def phone_tail(number: str) -> str:
    """The last digits of a number, the same in every writing: a first filter in SQL."""
    return national_phone(number)[-8:]


def same_phone(first: str, second: str) -> bool:
    a, b = national_phone(first), national_phone(second)
    return len(a) >= 6 and a == b


def same_email(first: str, second: str) -> bool:
    return bool(first.strip()) and first.strip().lower() == second.strip().lower()
