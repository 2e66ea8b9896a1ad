"""The demo shows the whole auction: negotiation, a Plt, check-ins, a complaint-fed figure."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from balaikota.core import integrity
from balaikota.demo import loader, performance
from balaikota.performance import agreements, selectors, signing
from balaikota.performance.models import (
    Agreement,
    Answer,
    CheckIn,
    Commitment,
    Indicator,
    Offer,
    OfferStatus,
    Source,
)


def test_the_demo_loads_this_years_auction_with_every_step(city: None) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        loader.load_users()
        signed = performance.load_performance()
        # safe to run again
        assert performance.load_performance() == signed
        statuses = dict(Offer.objects.values_list("position__agency__code", "status"))
        assert statuses["dinkes"] == OfferStatus.ACCEPTED
        assert statuses["dinsos"] == OfferStatus.REASSIGNED
        assert statuses["dishub"] == OfferStatus.PENDING
        assert list(statuses.values()).count(OfferStatus.ACCEPTED) >= 5
        assert Answer.objects.filter(
            kind="counter", offer__position__agency__code="dinkes"
        ).exists()
        assert Commitment.objects.get(agency__code="dinsos").is_acting
        assert set(Indicator.objects.values_list("polarity", flat=True)) == {"up", "down", "range"}
        assert Indicator.objects.filter(source=Source.FOLLOWUP_SHARE).exists()
        states = set(CheckIn.objects.values_list("status", flat=True))
        assert {"verified", "returned", "submitted", "draft"} <= states
        ranking = selectors.agency_ranking(timezone.localdate().year)
        assert ranking[0].achievement is not None
        # DPMPTSP's licences keep taking too long: a review is open
        assert Commitment.objects.get(agency__code="dpmptsp").reviews.exists()
        # every agreement is signed with the demo CA, and says so
        for agreement in Agreement.objects.filter(superseded_by=None):
            assert agreement.is_demo
            assert signing.validate(agreements.document(agreement)).ok
        assert Agreement.objects.get(offer__position__agency__code="dinsos").is_acting
        assert "DEMO CA" in performance.agreements_note()
        # and every step the demo took replays from its events and audit entries
        assert [str(p) for p in integrity.problems()] == []
