"""/api/v1/performance: the public commitments list, and every step of the auction and
the monitoring for the roles allowed to take it (session authentication, like the pages)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import django_auth

from balaikota.agencies.models import Official
from balaikota.core.models import User
from balaikota.performance import access, monitoring, selectors, services
from balaikota.performance.access import NotAllowed
from balaikota.performance.models import Auction, Indicator, Reassignment, Review
from balaikota.performance.services import InvalidInput

router = Router(tags=["performance"])


class IndicatorOut(Schema):
    name: str
    unit: str
    polarity: str
    method: str
    aggregation: str


class QuarterOut(Schema):
    quarter: int
    target: float | None
    actual: float | None
    achievement: float | None
    band: str | None


class CommitmentOut(Schema):
    id: int
    indicator: IndicatorOut
    agency: str
    position: str
    official: str
    baseline: float | None
    target: float | None
    range: list[float] | None
    quarters: list[QuarterOut]
    achievement: float | None
    band: str | None
    status: str
    forecast: float | None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class DoneOut(Schema):
    id: int
    status: str


def commitment_body(row: selectors.CommitmentRow) -> CommitmentOut:
    c = row.commitment
    indicator = c.indicator
    ranged = c.low is not None and c.high is not None
    return CommitmentOut(
        id=c.pk,
        indicator=IndicatorOut(
            name=indicator.name,
            unit=indicator.unit,
            polarity=indicator.polarity,
            method=indicator.method,
            aggregation=indicator.aggregation,
        ),
        agency=c.agency.short_name,
        position=c.position.title,
        official=c.official.name,
        baseline=indicator.baseline_value,
        target=None if ranged else c.value,
        range=[c.low, c.high] if ranged else None,  # type: ignore[list-item]
        quarters=[
            QuarterOut(
                quarter=q.number,
                target=q.target,
                actual=q.actual,
                achievement=q.achievement,
                band=q.band.value if q.band else None,
            )
            for q in row.quarters
        ],
        achievement=row.score.achievement,
        band=row.score.band.value if row.score.band else None,
        status=row.score.status.value,
        forecast=row.score.forecast.value if row.score.forecast else None,
    )


@router.get("/commitments", response=list[CommitmentOut], summary="Commitments of a year (public)")
def commitments(request: HttpRequest, year: int = Query(..., ge=2000, le=2100)) -> Any:
    """Who committed to which target, and the verified figures so far: achievement per
    quarter and year to date, its band, the status and the year-end forecast (a
    projection). Public fields only."""
    return [commitment_body(row) for row in selectors.commitment_rows(year, verified_only=True)]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _run(step: Any) -> Any:
    try:
        return step()
    except InvalidInput as exc:
        return Status(400, ErrorOut(detail=_("The input was not accepted."), errors=exc.errors))
    except NotAllowed as exc:
        return Status(403, ErrorOut(detail=str(exc)))
    except Http404:
        return Status(404, ErrorOut(detail=_("Not found.")))


ACTION = {200: DoneOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _offer_done(offer_id: int) -> DoneOut:
    from balaikota.performance.models import Offer

    offer = Offer.objects.get(pk=offer_id)
    return DoneOut(id=offer.pk, status=offer.status)


def _holder_offer(request: HttpRequest, pk: int) -> Any:
    return access.get_offer_for_holder(_user(request), pk)


class CommitIn(Schema):
    action_plan: dict[str, str]
    pact_confirmed: bool


class CounterIn(Schema):
    proposal: dict[str, dict[str, float | None]]
    reason: str


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class ReviseIn(Schema):
    values: dict[str, dict[str, float | None]] = {}
    note: str = ""


class ReassignIn(Schema):
    candidates: list[int]
    reason: str


class DecideIn(Schema):
    official: int
    is_acting: bool = False
    note: str = ""


class ReviewIn(Schema):
    choice: str
    note: str = ""
    candidates: list[int] = []


@router.post("/offers/{pk}/commit", response=ACTION, auth=django_auth, summary="Commit")
def commit(request: HttpRequest, pk: int, body: CommitIn) -> Any:
    def step() -> DoneOut:
        offer = _holder_offer(request, pk)
        services.commit(
            _user(request), offer, action_plan=body.action_plan, pact_confirmed=body.pact_confirmed
        )
        return _offer_done(pk)

    return _run(step)


@router.post("/offers/{pk}/counter", response=ACTION, auth=django_auth, summary="Counter")
def counter(request: HttpRequest, pk: int, body: CounterIn) -> Any:
    def step() -> DoneOut:
        offer = _holder_offer(request, pk)
        services.counter(_user(request), offer, proposal=body.proposal, reason=body.reason)
        return _offer_done(pk)

    return _run(step)


@router.post("/offers/{pk}/decline", response=ACTION, auth=django_auth, summary="Decline")
def decline(request: HttpRequest, pk: int, body: ReasonIn) -> Any:
    def step() -> DoneOut:
        offer = _holder_offer(request, pk)
        services.decline(_user(request), offer, reason=body.reason)
        return _offer_done(pk)

    return _run(step)


@router.post("/offers/{pk}/accept", response=ACTION, auth=django_auth, summary="Accept")
def accept(request: HttpRequest, pk: int) -> Any:
    def step() -> DoneOut:
        services.accept(_user(request), access.get_offer_for_panel(_user(request), pk))
        return _offer_done(pk)

    return _run(step)


@router.post("/offers/{pk}/revise", response=ACTION, auth=django_auth, summary="Revise offer")
def revise(request: HttpRequest, pk: int, body: ReviseIn) -> Any:
    def step() -> DoneOut:
        offer = access.get_offer_for_panel(_user(request), pk)
        services.revise_offer(_user(request), offer, values=body.values, note=body.note)
        return _offer_done(pk)

    return _run(step)


@router.post(
    "/offers/{pk}/reassignment", response=ACTION, auth=django_auth, summary="Open reassignment"
)
def reassign(request: HttpRequest, pk: int, body: ReassignIn) -> Any:
    def step() -> DoneOut:
        offer = access.get_offer_for_panel(_user(request), pk)
        pool = list(Official.objects.filter(pk__in=body.candidates))
        result = services.open_reassignment(
            _user(request), offer, candidates=pool, reason=body.reason
        )
        return DoneOut(id=result.pk, status=result.state)

    return _run(step)


@router.post(
    "/reassignments/{pk}/decide", response=ACTION, auth=django_auth, summary="Mayor's decision"
)
def decide(request: HttpRequest, pk: int, body: DecideIn) -> Any:
    def step() -> DoneOut:
        if not access.is_panel(request.user):
            raise Http404
        reassignment = get_object_or_404(Reassignment, pk=pk)
        official = get_object_or_404(Official, pk=body.official)
        services.decide_reassignment(
            _user(request),
            reassignment,
            official=official,
            is_acting=body.is_acting,
            note=body.note,
        )
        reassignment.refresh_from_db()
        return DoneOut(id=reassignment.pk, status=reassignment.state)

    return _run(step)


@router.post("/commitments/{pk}/check-ins", response=ACTION, auth=django_auth, summary="Check in")
def check_in(
    request: HttpRequest,
    pk: int,
    quarter: Form[int],
    actual: Form[float],
    confidence: Form[str],
    obstacles: Form[str] = "",
    next_steps: Form[str] = "",
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Multipart form: `quarter` (1-4), `actual`, `confidence` (high, medium, low),
    `obstacles`, `next_steps` and up to five `evidence` files."""

    def step() -> DoneOut:
        commitment = access.get_commitment_for_holder(_user(request), pk)
        data = monitoring.CheckInInput(
            quarter=quarter,
            actual=actual,
            obstacles=obstacles,
            next_steps=next_steps,
            confidence=confidence,
            files=list(evidence or []),
        )
        result = monitoring.submit_check_in(_user(request), commitment, data)
        return DoneOut(id=result.pk, status=result.status)

    return _run(step)


@router.post("/check-ins/{pk}/{kind}", response=ACTION, auth=django_auth, summary="Verify")
def review_check_in(request: HttpRequest, pk: int, kind: str, body: NoteIn) -> Any:
    """`kind` is `verify` or `return` (a note is required to return)."""

    def step() -> DoneOut:
        item = access.get_check_in_for_verifier(_user(request), pk)
        if kind == "verify":
            result = monitoring.verify_check_in(_user(request), item, body.note)
        elif kind == "return":
            result = monitoring.return_check_in(_user(request), item, body.note)
        else:
            raise Http404
        return DoneOut(id=result.pk, status=result.status)

    return _run(step)


@router.post("/reviews/{pk}/{kind}", response=ACTION, auth=django_auth, summary="Review")
def review(request: HttpRequest, pk: int, kind: str, body: ReviewIn) -> Any:
    """`kind` is `recommend` (the panel) or `decide` (the mayor's decision)."""

    def step() -> DoneOut:
        if not access.is_panel(request.user):
            raise Http404
        item = get_object_or_404(Review, pk=pk)
        if kind == "recommend":
            result = monitoring.recommend(_user(request), item, body.choice, body.note)
        elif kind == "decide":
            pool = list(Official.objects.filter(pk__in=body.candidates))
            result = monitoring.decide_review(_user(request), item, body.choice, body.note, pool)
        else:
            raise Http404
        return DoneOut(id=result.pk, status=result.state)

    return _run(step)


class IndicatorIn(Schema):
    name: str
    unit: str
    polarity: str
    aggregation: str
    method: str = "selisih"
    source: str = "manual"
    baseline_value: float | None = None
    baseline_year: int | None = None
    mission: str = ""
    goal: str = ""
    is_key: bool = False


@router.post("/indicators", response=ACTION, auth=django_auth, summary="Create an indicator")
def create_indicator(request: HttpRequest, body: IndicatorIn) -> Any:
    def step() -> DoneOut:
        try:
            indicator = services.create_indicator(
                _user(request), services.IndicatorInput(**body.dict())
            )
        except Exception as exc:
            from django.core.exceptions import ValidationError

            if isinstance(exc, ValidationError):
                raise InvalidInput(exc.message_dict) from exc
            raise
        return DoneOut(id=indicator.pk, status="created")

    return _run(step)


class TargetIn(Schema):
    indicator: int
    year: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    q1: float | None = None
    q2: float | None = None
    q3: float | None = None
    q4: float | None = None


@router.post("/targets", response=ACTION, auth=django_auth, summary="Set a year's target")
def set_target(request: HttpRequest, body: TargetIn) -> Any:
    def step() -> DoneOut:
        indicator = get_object_or_404(Indicator, pk=body.indicator)
        values = body.dict(exclude={"indicator", "year"})
        target = services.set_target(_user(request), indicator, body.year, values)
        return DoneOut(id=target.pk, status="saved")

    return _run(step)


class PackageIn(Schema):
    position: int
    targets: list[int]


class AuctionIn(Schema):
    year: int
    title: str
    deadline: Any
    packages: list[PackageIn]


@router.post("/auctions", response=ACTION, auth=django_auth, summary="Open an auction round")
def open_auction(request: HttpRequest, body: AuctionIn) -> Any:
    from django.utils.dateparse import parse_datetime

    from balaikota.agencies.models import Position
    from balaikota.performance.models import Target

    def step() -> DoneOut:
        deadline = parse_datetime(str(body.deadline))
        if deadline is None:
            raise InvalidInput({"deadline": [_("Not a date and time.")]})
        positions = Position.objects.in_bulk([p.position for p in body.packages])
        targets = Target.objects.in_bulk([t for p in body.packages for t in p.targets])
        packages = {
            positions[p.position]: [targets[t] for t in p.targets if t in targets]
            for p in body.packages
            if p.position in positions
        }
        auction: Auction = services.open_auction(
            _user(request), year=body.year, title=body.title, deadline=deadline, packages=packages
        )
        return DoneOut(id=auction.pk, status=auction.state)

    return _run(step)
