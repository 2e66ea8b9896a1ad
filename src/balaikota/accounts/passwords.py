"""BSSN's password rules for staff accounts, as a Django password validator.

Staff accounts open complaints, reporters' identities and the admin, so their passwords
follow the rules of BSSN (Badan Siber dan Sandi Negara) for government systems: at least
12 characters, with at least three of the four kinds upper-case, lower-case, digit and
symbol. Citizens keep Django's default validators only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from balaikota.accounts.staff import needs_second_factor

_KINDS = (str.isupper, str.islower, str.isdigit)


def character_kinds(password: str) -> int:
    kinds = sum(1 for test in _KINDS if any(test(char) for char in password))
    symbol = any(not char.isalnum() for char in password)
    return kinds + int(symbol)


class StaffPasswordValidator:
    def __init__(self, min_length: int = 12, min_kinds: int = 3) -> None:
        self.min_length = min_length
        self.min_kinds = min_kinds

    def validate(self, password: str, user: Any = None) -> None:
        if not _is_staff(user):
            return
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    _("A staff password must have at least %(min_length)d characters."),
                    code="staff_password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if character_kinds(password) < self.min_kinds:
            errors.append(
                ValidationError(
                    _(
                        "A staff password must mix at least %(min_kinds)d of: upper-case "
                        "letters, lower-case letters, digits and symbols."
                    ),
                    code="staff_password_too_plain",
                    params={"min_kinds": self.min_kinds},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "Staff passwords: at least %(min_length)d characters, mixing at least %(min_kinds)d "
            "of upper-case letters, lower-case letters, digits and symbols."
        ) % {"min_length": self.min_length, "min_kinds": self.min_kinds}


def _is_staff(user: Any) -> bool:
    # Any User instance counts as authenticated, also one being created in the admin.
    return user is not None and needs_second_factor(user)
