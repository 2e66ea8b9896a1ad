"""Log-in lockout with two limits (django-axes counts, this decides).

Axes records each failed log-in per user name and address. `AXES_LOCKOUT_PARAMETERS` asks
it for two sums: failures for this user name from this address, and failures from this
address under any user name. Axes compares only one figure with one limit, so the address
count reaches the lock through its own, higher limit (`LOGIN_ADDRESS_FAILURE_LIMIT`): a
whole office behind one address may mistype now and then, but one address trying a few
passwords on many accounts (spraying) is stopped.

A successful log-in clears only that account's failures from that address, not the
address's: otherwise an attacker holding one valid account could clear the address count
between sprays.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

_ACCOUNT_AND_ADDRESS = ["username", "ip_address"]
_ADDRESS = "ip_address"


def _check_parameters() -> None:
    if settings.AXES_LOCKOUT_PARAMETERS != [_ACCOUNT_AND_ADDRESS, _ADDRESS]:
        raise RuntimeError(
            "LockoutHandler needs AXES_LOCKOUT_PARAMETERS = "
            '[["username", "ip_address"], "ip_address"]'
        )


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        _check_parameters()
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, get_failure_limit(request, credentials))
        return int(by_account)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        _check_parameters()
        by_account = self.filter_user_attempts(request, credentials)[0]
        count, _ = by_account.delete()
        return int(count)
