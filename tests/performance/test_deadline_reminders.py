"""Reminders before every deadline with a consequence: the auction answer (silence is a
decline) and a check-in left waiting for its verifier. In-app and by e-mail, once each."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone

from balaikota.notifications.models import Channel, OutboxMessage
from balaikota.performance import monitoring, services
from balaikota.performance.models import Auction
from tests.performance.conftest import PLAN, World, open_round, signed


def _at_seven(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(7), tzinfo=timezone.get_current_timezone())


def _reminded(event: str) -> list[tuple[str, str]]:
    return sorted(
        (m.recipient_user.username, m.channel)
        for m in OutboxMessage.objects.filter(event=event).select_related("recipient_user")
    )


def test_holders_are_reminded_three_days_and_one_day_before_and_on_the_day(world: World) -> None:
    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    auction = Auction.objects.get()
    auction.deadline = _at_seven(timezone.localdate() + dt.timedelta(days=10)).replace(hour=16)
    auction.save()
    deadline_day = timezone.localdate(auction.deadline)
    sent = []
    for days_before in range(5, -1, -1):
        moment = _at_seven(deadline_day - dt.timedelta(days=days_before))
        with time_machine.travel(moment):
            sent.append(monitoring.remind_answers(moment))
            # the daily job may run twice (two worker hosts): nothing is sent twice
            assert monitoring.remind_answers(moment) == 0
    # Dinkes and Dinsos have not answered; DPUPR has.
    assert sent == [0, 0, 2, 0, 2, 2]
    reminded = _reminded("performance.answer_reminder")
    assert {name for name, _ in reminded} == {"dinkes-head", "dinsos-head"}
    assert {channel for _, channel in reminded} >= {Channel.IN_APP}
    # after the deadline nothing more is sent: the worker declines instead
    late = auction.deadline + dt.timedelta(hours=1)
    assert monitoring.remind_answers(late) == 0


def test_the_holders_page_shows_the_days_left_to_answer(world: World) -> None:
    open_round(world)
    page = Client()
    page.force_login(world.dinkes_head)
    html = page.get("/kinerja/saya").content.decode()
    assert 'class="badge text-bg-light border days-left" data-days="7"' in html


def test_verifiers_hear_of_check_ins_left_waiting(world: World) -> None:
    offer = signed(world, "dpupr")
    commitment = offer.commitments.get()
    data = monitoring.CheckInInput(quarter=1, actual=9, confidence="high")
    check_in = monitoring.submit_check_in(world.pupr_head, commitment, data)
    submitted = check_in.submitted_at
    assert submitted is not None
    assert monitoring.remind_verifiers(submitted + dt.timedelta(days=4)) == 0
    assert monitoring.remind_verifiers(submitted + dt.timedelta(days=5, hours=1)) == 1
    assert monitoring.remind_verifiers(submitted + dt.timedelta(days=6)) == 0
    assert monitoring.remind_verifiers(submitted + dt.timedelta(days=10, hours=1)) == 1
    assert [name for name, _ in _reminded("performance.queue_reminder")].count("bappeda") >= 2
    # a verified check-in is nobody's worry
    monitoring.verify_check_in(world.verifier, check_in)
    assert monitoring.remind_verifiers(submitted + dt.timedelta(days=21)) == 0
