"""A post changes hands at the moment of the mayor's decision: from then on the outgoing
head acts for it no more, and keeps reading only their own past reports."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from balaikota.performance import access, monitoring, services
from balaikota.performance.models import CheckIn, Commitment, Review
from balaikota.performance.services import NotAllowed
from tests.performance.conftest import World, appoint, signed

WIB = ZoneInfo("Asia/Jakarta")
# Tomorrow at 09:00 WIB: the mayor decides in the morning, the day goes on.
DECIDED = dt.datetime.combine(
    dt.datetime.now(WIB).date() + dt.timedelta(days=1), dt.time(9), tzinfo=WIB
)


def check_in(user: object, commitment: Commitment, quarter: int, **kw: object) -> CheckIn:
    data = monitoring.CheckInInput(quarter=quarter, actual=9, confidence="high", **kw)  # type: ignore[arg-type]
    return monitoring.submit_check_in(user, commitment, data)  # type: ignore[arg-type]


@pytest.fixture
def handed_over(world: World) -> tuple[Commitment, Commitment, CheckIn]:
    """DPUPR's head reported Q1 with evidence, failed review, and at 09:00 WIB the mayor
    gave the post to the candidate."""
    old = Commitment.objects.get(offer=signed(world, "dpupr"))
    evidence = SimpleUploadedFile("ba.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    mine = check_in(world.pupr_head, old, 1, files=[evidence])
    review = Review.objects.create(commitment=old, quarter=2)
    with time_machine.travel(DECIDED - dt.timedelta(hours=1)):
        reassignment = services.open_reassignment(
            world.mayor,
            old.offer,
            candidates=[world.candidate],
            reason="Dua triwulan gagal.",
            review=review,
        )
    with time_machine.travel(DECIDED):
        [new] = appoint(world, reassignment, is_acting=False)
    return old, new, mine


def test_the_outgoing_head_loses_the_post_at_the_moment_of_the_decision(
    world: World, handed_over: tuple[Commitment, Commitment, CheckIn]
) -> None:
    old, new, _ = handed_over
    position = old.position
    assert (
        access.holder_of(position, DECIDED - dt.timedelta(minutes=1)).official.user
        == world.pupr_head
    )
    assert access.holder_of(position, DECIDED).official == world.candidate
    # one minute after the decision, on the same day
    with time_machine.travel(DECIDED + dt.timedelta(minutes=1)):
        assert not access.holds(world.pupr_head, position.pk)
        with pytest.raises(NotAllowed):
            check_in(world.pupr_head, new, 3)
        # through the page as well: the form is not theirs any more
        browser = Client()
        browser.force_login(world.pupr_head)
        refused = browser.post(
            f"/kinerja/komitmen/{new.pk}/lapor",
            {"quarter": "3", "actual": "9", "confidence": "high"},
        )
        assert refused.status_code == 404
        assert not CheckIn.objects.filter(commitment=new).exists()
        # while the new head reports at once
        assert check_in(world.candidate.user, new, 3).submitted_by == world.candidate.user


def test_the_outgoing_head_reads_their_own_past_reports_and_nothing_else(
    world: World, handed_over: tuple[Commitment, Commitment, CheckIn]
) -> None:
    old, new, mine = handed_over
    # an hour after the decision
    with time_machine.travel(DECIDED + dt.timedelta(hours=1)):
        theirs = check_in(world.candidate.user, new, 3)
        browser = Client()
        browser.force_login(world.pupr_head)
        page = browser.get(f"/kinerja/komitmen/{old.pk}")
        assert page.status_code == 200
        assert page.context["check_ins"] == [mine]
        own_evidence = mine.evidence.get()
        assert browser.get(f"/kinerja/bukti/{own_evidence.pk}").status_code == 200
        # the new holder's commitment and reports are not theirs to read
        assert browser.get(f"/kinerja/komitmen/{new.pk}").status_code == 404
        theirs_file = SimpleUploadedFile("b.pdf", b"%PDF-1.4 x", content_type="application/pdf")
        later = check_in(world.candidate.user, new, 4, files=[theirs_file])
        assert browser.get(f"/kinerja/bukti/{later.evidence.get().pk}").status_code == 404
        # "Kinerja saya" lists the past report, with no form to change it
        mine_page = browser.get("/kinerja/saya")
        assert [c.pk for c in mine_page.context["past_check_ins"]] == [mine.pk]
        assert theirs.pk not in [c.pk for c in mine_page.context["past_check_ins"]]
        assert f"/kinerja/komitmen/{old.pk}/lapor" not in mine_page.content.decode()
        # the new holder reads the post's commitments, their predecessor's included
        successor = Client()
        successor.force_login(world.candidate.user)
        assert successor.get(f"/kinerja/komitmen/{new.pk}").status_code == 200
        assert successor.get(f"/kinerja/komitmen/{old.pk}").context["check_ins"] == [mine]


def test_the_new_holders_agreement_carries_their_own_pact(
    world: World, handed_over: tuple[Commitment, Commitment, CheckIn]
) -> None:
    old, new, _ = handed_over
    first_pact = old.offer.answers.order_by("created_at").first()
    own_pact = new.offer.answers.order_by("created_at").last()
    assert first_pact is not None
    assert own_pact is not None
    assert (first_pact.official, own_pact.official) == (old.official, world.candidate)
    assert new.offer.pact_hash == own_pact.pact_hash != first_pact.pact_hash
    with time_machine.travel(DECIDED + dt.timedelta(hours=1)):
        browser = Client()
        browser.force_login(world.candidate.user)
        pdf = browser.get(f"/kinerja/pk/{new.offer_id}.pdf")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert world.candidate.name in text
    # the second party by title, the city named once
    assert "Mayor of Malang" in text  # the tests' pages are in English
    assert "Kota Kota" not in text
    assert "Kota Malang" not in text.split("Second party")[1].split("\n")[1]
    assert own_pact.pact_hash[:16] in text.replace("\n", "")
    assert first_pact.pact_hash[:16] not in text.replace("\n", "")


def test_the_second_party_is_named_by_title_with_the_city_once() -> None:
    from django.test import override_settings
    from django.utils import translation

    from balaikota.performance.exports import city_head

    with translation.override("id"):
        assert city_head() == "Wali Kota Malang"
        with override_settings(CITY_NAME="Kabupaten Malang"):
            assert city_head() == "Bupati Malang"
