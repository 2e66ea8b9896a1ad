"""Reading the performance auction, for pages, the API, exports and dashboards alike.

`agency_ranking(year)` and `commitment_rows(year)` are what a city dashboard needs: each
commitment scored (per quarter, year to date, forecast, status) and each agency's mean
achievement, in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from balaikota.agencies.models import Agency
from balaikota.core.models import User
from balaikota.performance import access, scoring
from balaikota.performance.models import (
    Answer,
    Auction,
    BandChoice,
    CheckIn,
    CheckInStatus,
    Commitment,
    CommitmentStatus,
    Confidence,
    Offer,
    OfferStatus,
    Reassignment,
    Review,
)

LIVE_STATUSES = [CommitmentStatus.ACTIVE, CommitmentStatus.UNDER_REVIEW]
REPORTED = [CheckInStatus.SUBMITTED, CheckInStatus.VERIFIED]


def thresholds() -> Sequence[float]:
    return tuple(settings.PERFORMANCE_BANDS)


@dataclass
class CommitmentRow:
    commitment: Commitment
    score: scoring.Score
    check_ins: dict[int, CheckIn] = field(default_factory=dict)

    @property
    def quarters(self) -> list[scoring.QuarterScore]:
        return self.score.quarters


def effective(check_ins: Iterable[CheckIn], verified_only: bool) -> dict[int, CheckIn]:
    """The check-in that counts for each quarter: the latest revision reported (verified
    only, for public figures)."""
    wanted = [CheckInStatus.VERIFIED] if verified_only else REPORTED
    chosen: dict[int, CheckIn] = {}
    for check_in in sorted(check_ins, key=lambda c: (c.quarter, c.revision)):
        if check_in.status in wanted:
            chosen[check_in.quarter] = check_in
    return chosen


def score_of(
    commitment: Commitment,
    chosen: dict[int, CheckIn],
    *,
    upto: int = 4,
    last_year: Sequence[float] | None = None,
) -> scoring.Score:
    quarters = [
        scoring.Quarter(
            q,
            commitment.quarter_target(q),
            chosen[q].actual if q in chosen and q <= upto else None,
        )
        for q in scoring.QUARTERS
    ]
    reported = [chosen[q] for q in sorted(chosen) if q <= upto]
    low_confidence = bool(reported) and reported[-1].confidence == Confidence.LOW
    return scoring.score(
        commitment.goal,
        scoring.Aggregation(commitment.indicator.aggregation),
        quarters,
        low_confidence=low_confidence,
        last_year=last_year,
        thresholds=thresholds(),
    )


def verified_actuals(commitment: Commitment) -> dict[int, CheckIn]:
    return effective(commitment.check_ins.filter(status=CheckInStatus.VERIFIED), True)


def status_at(commitment: Commitment, chosen: dict[int, CheckIn], quarter: int) -> scoring.Status:
    """The status as it stood when `quarter` was reported."""
    if quarter not in chosen:
        return scoring.Status.NO_DATA
    return score_of(commitment, chosen, upto=quarter).status


def _last_year_profiles(
    year: int, commitments: Sequence[Commitment]
) -> dict[tuple[int, int], list[float]]:
    """Last year's verified quarterly actuals per (indicator, agency), complete years only."""
    if not commitments:
        return {}
    rows = CheckIn.objects.filter(
        commitment__year=year - 1,
        status=CheckInStatus.VERIFIED,
        commitment__indicator_id__in={c.indicator_id for c in commitments},
    ).values_list("commitment__indicator_id", "commitment__agency_id", "quarter", "actual")
    found: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for indicator_id, agency_id, quarter, actual in rows:
        if actual is not None:
            found[(indicator_id, agency_id)][quarter] = actual
    return {
        key: [values[q] for q in scoring.QUARTERS]
        for key, values in found.items()
        if len(values) == 4
    }


def commitments(year: int, agency: Agency | None = None) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(year=year, status__in=LIVE_STATUSES)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.select_related("indicator", "agency", "position", "official", "agreement").order_by(
        "agency__short_name", "indicator__name", "id"
    )


def with_check_ins() -> list[Prefetch]:
    """The check-ins a score needs: the commitment's own and those of the agreement it
    amends (the quarters the previous holder reported)."""
    reported = CheckIn.objects.filter(status__in=REPORTED).order_by("quarter", "revision")
    return [
        Prefetch("check_ins", queryset=reported),
        Prefetch("amends__check_ins", queryset=reported, to_attr="reported_check_ins"),
    ]


def carried(commitment: Commitment, verified_only: bool) -> dict[int, CheckIn]:
    """Each quarter's check-in: the holder's own, else the one the previous holder made
    for the same target before it passed to them."""
    chosen: dict[int, CheckIn] = {}
    if commitment.amends_id is not None and commitment.amends is not None:
        previous = getattr(commitment.amends, "reported_check_ins", None)
        if previous is None:
            previous = list(commitment.amends.check_ins.filter(status__in=REPORTED))
        chosen.update(effective(previous, verified_only))
    chosen.update(effective(commitment.check_ins.all(), verified_only))
    return chosen


def rows_for(qs: Iterable[Commitment], *, verified_only: bool) -> list[CommitmentRow]:
    """Score commitments with three queries in all (commitments, check-ins, last year)."""
    items = list(qs.prefetch_related(*with_check_ins()) if isinstance(qs, QuerySet) else qs)
    profiles = _last_year_profiles(items[0].year, items) if items else {}
    rows = []
    for commitment in items:
        chosen = carried(commitment, verified_only)
        last_year = profiles.get((commitment.indicator_id, commitment.agency_id))
        rows.append(
            CommitmentRow(commitment, score_of(commitment, chosen, last_year=last_year), chosen)
        )
    return rows


def commitment_rows(
    year: int, agency: Agency | None = None, *, verified_only: bool = False
) -> list[CommitmentRow]:
    return rows_for(commitments(year, agency), verified_only=verified_only)


@dataclass(frozen=True)
class AgencyScore:
    agency: Agency
    achievement: float | None
    band: scoring.Band | None
    commitments: int
    statuses: dict[str, int]


def rank_agencies(rows: Iterable[CommitmentRow]) -> list[AgencyScore]:
    """Agencies by the mean year-to-date achievement of their commitments, best first;
    those without figures last."""
    grouped: dict[int, list[CommitmentRow]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for row in rows:
        grouped[row.commitment.agency_id].append(row)
        agencies[row.commitment.agency_id] = row.commitment.agency
    ranking = []
    for agency_id, group in grouped.items():
        values = [r.score.achievement for r in group if r.score.achievement is not None]
        mean = round(statistics.fmean(values), 2) if values else None
        statuses: dict[str, int] = defaultdict(int)
        for r in group:
            statuses[r.score.status.value] += 1
        ranking.append(
            AgencyScore(
                agencies[agency_id],
                mean,
                scoring.band(mean, thresholds()),
                len(group),
                dict(statuses),
            )
        )
    ranking.sort(key=lambda a: (a.achievement is None, -(a.achievement or 0), a.agency.short_name))
    return ranking


def agency_ranking(year: int, *, verified_only: bool = True) -> list[AgencyScore]:
    """Per-agency achievement for a year (verified figures by default: fit for public use)."""
    return rank_agencies(commitment_rows(year, verified_only=verified_only))


def trend(rows: Iterable[CommitmentRow]) -> list[float | None]:
    """The city's mean quarterly achievement, TW I-IV."""
    result: list[float | None] = []
    rows = list(rows)
    for index in range(4):
        values = [
            r.quarters[index].achievement for r in rows if r.quarters[index].achievement is not None
        ]
        result.append(round(statistics.fmean(values), 2) if values else None)  # type: ignore[arg-type]
    return result


def years() -> list[int]:
    return sorted(set(Commitment.objects.values_list("year", flat=True)), reverse=True)


# --- Holders ------------------------------------------------------------------------------


def offers_for_holder(user: User) -> list[Offer]:
    positions = access.held_positions(user)
    return list(
        Offer.objects.filter(
            Q(status=OfferStatus.PENDING) | Q(status=OfferStatus.APPOINTED, official__user=user),
            position_id__in=positions,
        )
        .select_related("auction", "position__agency")
        .prefetch_related("items__target__indicator")
        .order_by("auction__deadline")
    )


def commitments_for_holder(user: User) -> QuerySet[Commitment]:
    positions = access.held_positions(user)
    return (
        Commitment.objects.filter(position_id__in=positions, status__in=LIVE_STATUSES)
        .select_related("indicator", "agency", "position", "official")
        .prefetch_related(
            Prefetch("check_ins", queryset=CheckIn.objects.order_by("quarter", "revision")),
            Prefetch(
                "amends__check_ins",
                queryset=CheckIn.objects.filter(status__in=REPORTED),
                to_attr="reported_check_ins",
            ),
        )
        .order_by("-year", "indicator__name")
    )


def past_check_ins_for(user: User) -> QuerySet[CheckIn]:
    """What `user` reported on posts they no longer hold: theirs to read, not to change."""
    return (
        CheckIn.objects.filter(submitted_by=user)
        .exclude(commitment__position_id__in=access.held_positions(user))
        .select_related("commitment__indicator", "commitment__position")
        .order_by("-submitted_at", "-id")
    )


# --- The panel and verifiers ---------------------------------------------------------------


def verification_queue() -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(status=CheckInStatus.SUBMITTED)
        .select_related(
            "commitment__indicator", "commitment__agency", "commitment__official", "submitted_by"
        )
        .prefetch_related("evidence")
        .order_by("submitted_at", "id")
    )


def auctions() -> QuerySet[Auction]:
    return Auction.objects.order_by("-year", "-created_at")


def auction_offers(auction: Auction) -> list[Offer]:
    return list(
        auction.offers.select_related("position__agency", "official")
        .prefetch_related(
            "items__target__indicator",
            Prefetch("answers", queryset=Answer.objects.order_by("created_at", "id")),
            Prefetch(
                "reassignments",
                queryset=Reassignment.objects.prefetch_related("candidates").select_related(
                    "chosen"
                ),
            ),
        )
        .order_by("position__agency__short_name")
    )


def open_reviews() -> QuerySet[Review]:
    return (
        Review.objects.exclude(state=Review.State.DECIDED)
        .select_related("commitment__indicator", "commitment__agency", "commitment__official")
        .order_by("created_at")
    )


def agreement_items(offer: Offer) -> list[Commitment]:
    """The lines of a signed agreement (PK): its live commitments."""
    return list(
        offer.commitments.filter(status__in=LIVE_STATUSES)
        .select_related("indicator", "official")
        .order_by("indicator__name")
    )


def ranking_rows(year: int) -> list[dict[str, Any]]:
    """One row per agency, best first: what the panel's table and its CSV hold."""
    labels = dict(BandChoice.choices)
    return [
        {
            "rank": index,
            "code": score.agency.code,
            "agency": score.agency.short_name,
            "achievement": score.achievement,
            "band": score.band.value if score.band else "",
            "band_label": str(labels[score.band.value]) if score.band else "",
            "commitments": score.commitments,
        }
        for index, score in enumerate(agency_ranking(year), start=1)
    ]
