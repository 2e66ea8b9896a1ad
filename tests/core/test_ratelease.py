"""Reads counted in leases (core/ratelease.py): a client gets exactly its limit, however
many processes answer it, and a write to the shared counter only every few requests."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balaikota.core import ratelease
from balaikota.open311 import services

pytestmark = pytest.mark.django_db

# Mid-window: a test never straddles two windows.
NOON = "2026-12-01T12:00:10+07:00"


@time_machine.travel(NOON, tick=False)
def test_a_key_reading_lists_gets_its_limit_and_then_429(city: None) -> None:
    _api_client, key = services.create_client(
        name="Malang Bersuara", organisation="Komunitas", rate_limit=40
    )
    client = Client()
    path = f"/open311/v2/requests.json?api_key={key}"

    answers = [client.get(path).status_code for _ in range(41)]

    assert answers == [200] * 40 + [429]
    refused = client.get(path)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 50
    assert "Too many requests" in json.loads(refused.content)[0]["description"]


@time_machine.travel(NOON, tick=False)
def test_processes_sharing_a_limit_never_admit_more_than_it() -> None:
    # given: a limit of 40 a minute, leased two at a time; one process admitted one request
    admitted = [ratelease.allow("test:key", 40) == 0]
    # when: another process (with no lease of its own) answers the same client until refused
    ratelease.forget()
    while ratelease.allow("test:key", 40) == 0:
        admitted.append(True)
    # then: with the first process's unspent hit, exactly the limit was admitted
    assert len(admitted) + 1 == 40


@time_machine.travel(NOON, tick=False)
def test_a_lease_writes_the_shared_counter_once_for_several_requests() -> None:
    with CaptureQueriesContext(connection) as counted:
        waits = [ratelease.allow("test:key", 1000) for _ in range(100)]

    assert waits == [0] * 100
    # 1000 a minute: leases of 50, and the first write of a window clears ended ones.
    assert len([q for q in counted.captured_queries if "core_ratecounter" in q["sql"]]) == 3
