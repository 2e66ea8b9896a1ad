"""Password guessing is stopped per account and address, and per address across accounts
(spraying: a few guesses at each of many accounts)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from balaikota.core.models import Role
from tests.accounts.conftest import PASSWORD
from tests.conftest import Cast, make_user

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def _log_in(username: str, password: str, address: str) -> int:
    response = Client().post(
        reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_spraying_28_guesses_over_7_staff_accounts_locks_the_address(cast: Cast) -> None:
    # given seven staff accounts
    staff = [make_user(f"staf{n}", Role.AGENCY_STAFF) for n in range(7)]

    # when one address tries four wrong passwords on each (never five on one account)
    answers = [
        _log_in(user.username, f"tebakan-{guess}", ATTACKER) for guess in range(4) for user in staff
    ]

    # then the twentieth failure locks the address (LOGIN_ADDRESS_FAILURE_LIMIT), as the
    # fifth does one account (LOGIN_FAILURE_LIMIT), and every later try is refused
    assert answers[:19] == [200] * 19
    assert answers[19:] == [429] * 9
    # even the right password of another account is refused from that address
    assert _log_in(cast.operator.username, PASSWORD, ATTACKER) == 429
    # while the same accounts still sign in from elsewhere
    assert _log_in(staff[0].username, PASSWORD, OFFICE) == 302


def test_five_wrong_passwords_lock_one_account_from_one_address(cast: Cast) -> None:
    answers = [_log_in(cast.pupr_staff.username, "salah", ATTACKER) for _ in range(6)]

    assert answers == [200, 200, 200, 200, 429, 429]
    assert _log_in(cast.pupr_staff.username, PASSWORD, ATTACKER) == 429
    assert _log_in(cast.pupr_head.username, PASSWORD, ATTACKER) == 302


def test_a_successful_log_in_does_not_clear_the_address_count(cast: Cast) -> None:
    # given an attacker who also holds one valid (citizen) account
    staff = [make_user(f"staf{n}", Role.AGENCY_STAFF) for n in range(6)]
    for user in staff:
        for guess in range(3):
            _log_in(user.username, f"tebakan-{guess}", ATTACKER)
        # when they sign in with their own account between rounds
        assert _log_in(cast.citizen.username, PASSWORD, ATTACKER) == 302

    # then the address count kept growing: 18 so far, the twentieth failure locks it
    assert _log_in(staff[0].username, "tebakan-8", ATTACKER) == 200
    assert _log_in(staff[1].username, "tebakan-9", ATTACKER) == 429
