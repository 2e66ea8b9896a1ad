"""The conversation in a real browser: the agency asks the reporter a question, the citizen
answers with a photo through the link in the question's message on a 390 px phone, and the
agency sees the answer, with the deadline clock running again.

Each page is checked as in test_no_console_errors: no console error, nothing refused by the
CSP, nothing wider than the phone, no serious or critical axe-core violation. Asserts on ids,
not on translated text.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from balaikota.complaints import intake, services
from balaikota.complaints.models import Complaint, Photo, Status
from balaikota.demo import images
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, submit
from tests.e2e.conftest import log_in
from tests.e2e.test_no_console_errors import Watcher, phone

__all__ = ["phone"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Di sisi mana lubangnya: dekat gerbang sekolah atau dekat kantin?"
ANSWER = "Dekat gerbang sekolah, sebelah kiri, kira-kira dua meter dari pos satpam."


def test_the_agency_asks_the_citizen_answers_with_a_photo_and_the_clock_runs_again(
    phone: Callable[[], Watcher], cast: Cast, tmp_path: Path, shots: Path
) -> None:
    complaint = submit(contact=intake.Contact(email="warga@example.test"))
    services.accept_complaint(complaint, cast.pupr_staff, "Tim survei dijadwalkan.")
    complaint.refresh_from_db()
    due_before = complaint.due_at
    assert due_before is not None

    # The agency's officer asks, from the complaint's staff page.
    officer = phone()
    log_in(officer.page, cast.pupr_staff.username)
    officer.visit(f"/staf/aduan/{complaint.ticket}")
    officer.page.locator("#ask-form summary").click()
    officer.page.fill("#ask-note", QUESTION)
    officer.page.locator("#ask-button").click()
    officer.page.wait_for_load_state("networkidle")
    officer.visit(f"/staf/aduan/{complaint.ticket}")
    expect(officer.page.locator("#status")).to_have_class(re.compile("status-waiting"))
    expect(officer.page.locator("#waiting-question")).to_contain_text(QUESTION)
    expect(officer.page.locator("#clock-paused")).to_be_visible()

    # The question reaches the reporter with a private link to answer.
    message = OutboxMessage.objects.get(address="warga@example.test", event="complaint.question")
    link = re.search(r"https?://\S+\?jawab=\S+", message.body)
    assert link is not None
    parts = urllib.parse.urlsplit(link.group(0))
    citizen = phone()
    citizen.visit(f"{parts.path}?{parts.query}")
    expect(citizen.page.locator("#question-text")).to_contain_text(QUESTION)
    expect(citizen.page.locator("#clock-paused")).to_be_visible()
    assert "jawab=" not in citizen.page.url  # the token left the address bar

    citizen.page.screenshot(path=shots / "conversation-question.png", full_page=True)

    # The citizen answers with a photo.
    picture = tmp_path / "gerbang.jpg"
    picture.write_bytes(images.picture(colour=(120, 90, 60), label="gerbang"))
    citizen.page.fill("#answer-text", ANSWER)
    citizen.page.set_input_files("#answer-photos", str(picture))
    citizen.page.locator("#answer-button").click()
    citizen.page.wait_for_load_state("networkidle")
    expect(citizen.page.locator(".alert-success")).to_be_visible()
    expect(citizen.page.locator("#answer-text")).to_have_count(0)
    citizen.visit(citizen.page.url)  # the page after the answer, checked like the others
    expect(citizen.page.locator("#timeline")).to_contain_text(ANSWER)

    # The worker processed the photo like any other.
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    answer = complaint.events.get(action="answer")
    assert answer.photo is not None
    answer.photo.refresh_from_db()
    assert answer.photo.state == Photo.State.READY

    # The officer sees the answer in the inbox and on the page; the clock runs again.
    officer.visit("/staf/kotak-masuk")
    expect(officer.page.locator(".answered-badge")).to_have_count(1)
    officer.visit(f"/staf/aduan/{complaint.ticket}")
    expect(officer.page.locator("#reporter-answer")).to_contain_text(ANSWER)
    officer.page.screenshot(path=shots / "conversation-answered.png", full_page=True)
    expect(officer.page.locator("#clock-paused")).to_have_count(0)
    expect(officer.page.locator("#status")).to_have_class(re.compile("status-in_progress"))
    assert Complaint.objects.get(pk=complaint.pk).clock_paused_at is None

    assert officer.problems == {}
    assert citizen.problems == {}
