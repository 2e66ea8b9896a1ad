"""The staff dashboard: an agency's queue health and who holds its overdue complaints; the
operator's intake by channel and what waits to be routed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from balaikota.complaints.models import Channel
from tests.conftest import Cast, submit
from tests.dashboards.conftest import Story

pytestmark = pytest.mark.django_db


def logged_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def section(page: str, element_id: str) -> str:
    return page.split(f'id="{element_id}"')[1].split("</table>")[0]


def test_the_head_of_pupr_sees_the_queue_and_who_holds_the_overdue_complaint(
    story: Story, now: Any, client: Client, cast: Cast
) -> None:
    page = logged_in(client, cast.pupr_head).get("/dasbor/staf").content.decode()
    assert 'data-agency="dpupr"' in page
    assert 'id="health-open">1<' in page
    assert 'id="health-overdue">1<' in page
    assert story.b.ticket in section(page, "oldest-open")
    by_staff = section(page, "overdue-by-staff")
    assert cast.pupr_staff.username in by_staff  # accepted B, now past its resolve deadline
    assert '<td class="text-end">1</td>' in by_staff


def test_overdue_complaints_nobody_accepted_are_counted_apart(
    story: Story, now: Any, client: Client, cast: Cast
) -> None:
    page = logged_in(client, cast.dlh_staff).get("/dasbor/staf").content.decode()
    assert 'data-agency="dlh"' in page
    assert "Not yet accepted" in section(page, "overdue-by-staff")


def test_staff_cannot_open_another_agencys_dashboard(
    story: Story, client: Client, cast: Cast
) -> None:
    assert logged_in(client, cast.dlh_staff).get("/dasbor/staf?opd=dpupr").status_code == 404


def test_citizens_are_refused(story: Story, client: Client, cast: Cast) -> None:
    assert logged_in(client, cast.citizen).get("/dasbor/staf").status_code == 403


def test_the_operator_sees_intake_by_every_channel_and_the_unrouted(
    cast: Cast, client: Client, unsure_router: None
) -> None:
    submit(category=None)  # the router is unsure: waits for an operator
    submit()
    page = logged_in(client, cast.operator).get("/dasbor/staf").content.decode()
    intake = section(page, "intake-by-channel")
    for _value, label in Channel.choices:
        assert str(label) in intake
    assert "Open complaints without an agency: 1" in page


def test_the_mayors_office_chooses_any_agency(
    story: Story, now: Any, client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    logged_in(client, cast.mayor_office)
    with django_assert_max_num_queries(14):
        page = client.get("/dasbor/staf?opd=dlh").content.decode()
    assert 'data-agency="dlh"' in page
    assert 'id="operator-intake"' in page
