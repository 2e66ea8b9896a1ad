"""Quarterly monitoring: check-ins, verification, reviews, and the worker's jobs
(reminders, complaint-fed drafts). Same rules as `services`: one transaction per step,
an event and an audit entry each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.core.models import Role, User
from balaikota.notifications import services as outbox
from balaikota.performance import access, complaint_metrics, evidence, periods, scoring, selectors
from balaikota.performance.access import NotAllowed
from balaikota.performance.models import (
    CheckIn,
    CheckInStatus,
    Commitment,
    CommitmentStatus,
    Confidence,
    DeadlineReminder,
    Evidence,
    Offer,
    OfferStatus,
    Recommendation,
    Reminder,
    Review,
    Source,
)
from balaikota.performance.services import (
    InvalidInput,
    city_text,
    invalid,
    log,
    notify,
    open_reassignment,
    require_panel,
    set_commitment_status,
)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 5
EVIDENCE_TYPES = evidence.EXTENSIONS
REMINDER_DAYS = (14, 7, 1)
# An offer's answer: 3 days and 1 day before the round's deadline, and on the day itself.
ANSWER_REMINDER_DAYS = (3, 1, 0)
# A check-in waiting this many days for a verifier: each verifier is told once per step.
QUEUE_REMINDER_DAYS = (5, 10, 20)


@dataclass
class CheckInInput:
    quarter: int
    actual: float | None
    obstacles: str = ""
    next_steps: str = ""
    confidence: str = ""
    files: Sequence[UploadedFile] = ()


def _check_input(data: CheckInInput) -> None:
    errors: dict[str, list[str]] = {}
    if data.quarter not in scoring.QUARTERS:
        errors["quarter"] = [_("Choose a quarter from TW I to TW IV.")]
    if data.actual is None:
        errors["actual"] = [_("Enter the actual value.")]
    if data.confidence not in Confidence.values:
        errors["confidence"] = [_("Say how confident you are of reaching the target.")]
    if len(data.files) > MAX_EVIDENCE_FILES:
        errors["files"] = [_("Attach at most five evidence files.")]
    for upload in data.files:
        name = upload.name or ""
        if (upload.size or 0) > MAX_EVIDENCE_BYTES:
            refused: str | None = _("%(name)s is larger than 10 MB.") % {"name": name}
        else:
            # By content: a program renamed to .pdf is refused with what it really is.
            refused = evidence.problem(name, upload)
        if refused:
            errors.setdefault("files", []).append(refused)
    if errors:
        raise InvalidInput(errors)


def _score_fields(commitment: Commitment, quarter: int, actual: float | None) -> dict[str, Any]:
    goal = commitment.goal
    if goal.polarity != scoring.Polarity.RANGE:
        goal = scoring.Goal(goal.polarity, goal.method, commitment.quarter_target(quarter))
    value = scoring.achievement(goal, actual)
    band = scoring.band(value, settings.PERFORMANCE_BANDS)
    method = commitment.indicator.polarity
    if method != scoring.Polarity.UP:
        method = f"{method}/{commitment.indicator.method}"
    return {"achievement": value, "band": band.value if band else "", "method": method}


@transaction.atomic
def submit_check_in(actor: User, commitment: Commitment, data: CheckInInput) -> CheckIn:
    """The holder reports a quarter. A draft or a returned check-in is completed; a
    verified one is never changed: a correction becomes a new revision."""
    commitment = (
        Commitment.objects.select_for_update().select_related("indicator").get(pk=commitment.pk)
    )
    if not access.holds(actor, commitment.position_id):
        raise NotAllowed(_("Only the holder of the position may report on this commitment."))
    if commitment.status == CommitmentStatus.TRANSFERRED:
        raise NotAllowed(_("This commitment has passed to a new holder."))
    _check_input(data)
    opens = periods.quarter_start(commitment.year, data.quarter)
    if opens > timezone.localdate():
        raise invalid(
            "quarter",
            _("%(quarter)s can be reported from %(date)s.")
            % {"quarter": periods.label(data.quarter), "date": opens.strftime("%d-%m-%Y")},
        )
    latest = (
        CheckIn.objects.filter(commitment=commitment, quarter=data.quarter)
        .order_by("-revision")
        .first()
    )
    if latest is not None and latest.status == CheckInStatus.SUBMITTED:
        raise NotAllowed(_("This quarter's check-in is waiting for verification."))
    if latest is None or latest.status == CheckInStatus.VERIFIED:
        check_in = CheckIn(
            commitment=commitment,
            quarter=data.quarter,
            revision=latest.revision + 1 if latest else 1,
            corrects=latest,
        )
        before = ""
    else:  # a draft, or returned for correction
        check_in = latest
        before = latest.status
    check_in.actual = data.actual
    check_in.obstacles = data.obstacles.strip()
    check_in.next_steps = data.next_steps.strip()
    check_in.confidence = data.confidence
    check_in.status = CheckInStatus.SUBMITTED
    check_in.submitted_by, check_in.submitted_at = actor, timezone.now()
    for name, value in _score_fields(commitment, data.quarter, data.actual).items():
        setattr(check_in, name, value)
    check_in.save()
    private = storages["private"]
    for upload in data.files:
        name = get_valid_filename(upload.name or "bukti")[-120:]
        path = private.save(f"evidence/{check_in.pk}/{name}", upload)
        Evidence.objects.create(
            check_in=check_in, file=path, name=(upload.name or name)[:200], size=upload.size or 0
        )
    log(
        actor,
        "correct_check_in" if check_in.corrects_id else "submit_check_in",
        check_in,
        from_status=before,
        to_status=CheckInStatus.SUBMITTED,
        commitment=commitment,
        data={
            "quarter": data.quarter,
            "revision": check_in.revision,
            "actual": data.actual,
            "achievement": check_in.achievement,
            "method": check_in.method,
            "confidence": data.confidence,
            "evidence": len(data.files),
        },
    )
    for verifier in User.objects.filter(role=Role.VERIFIER, is_active=True):
        notify(
            verifier,
            "performance.check_in",
            city_text(gettext_lazy("A check-in waits for verification")),
            city_text(
                gettext_lazy("%(agency)s reported %(quarter)s for %(indicator)s."),
                agency=commitment.agency.short_name,
                quarter=periods.label(data.quarter),
                indicator=commitment.indicator.name,
            ),
            reverse("performance:verify_queue"),
        )
    return check_in


def _locked_submitted(actor: User, check_in: CheckIn) -> CheckIn:
    if not access.is_verifier(actor):
        raise NotAllowed(_("Only a verifier may verify or return check-ins."))
    locked = CheckIn.objects.select_for_update().select_related("commitment").get(pk=check_in.pk)
    if locked.status != CheckInStatus.SUBMITTED:
        raise NotAllowed(_("This check-in is not waiting for verification."))
    return locked


@transaction.atomic
def verify_check_in(actor: User, check_in: CheckIn, note: str = "") -> CheckIn:
    check_in = _locked_submitted(actor, check_in)
    check_in.status = CheckInStatus.VERIFIED
    check_in.reviewed_by, check_in.reviewed_at = actor, timezone.now()
    check_in.review_note = note.strip()
    check_in.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    commitment = check_in.commitment
    log(
        actor,
        "verify_check_in",
        check_in,
        from_status=CheckInStatus.SUBMITTED,
        to_status=CheckInStatus.VERIFIED,
        note=check_in.review_note,
        commitment=commitment,
        data={"quarter": check_in.quarter, "revision": check_in.revision},
    )
    if check_in.corrects_id:
        old = CheckIn.objects.get(pk=check_in.corrects_id)
        old.status = CheckInStatus.SUPERSEDED
        old.save(update_fields=["status"])
        log(
            actor,
            "supersede_check_in",
            old,
            from_status=CheckInStatus.VERIFIED,
            to_status=CheckInStatus.SUPERSEDED,
            commitment=commitment,
            data={"by": check_in.pk},
        )
    if check_in.submitted_by is not None:
        notify(
            check_in.submitted_by,
            "performance.verified",
            city_text(gettext_lazy("Your check-in was verified")),
            city_text(
                gettext_lazy("%(quarter)s of %(indicator)s was verified."),
                quarter=periods.label(check_in.quarter),
                indicator=commitment.indicator.name,
            ),
            reverse("performance:mine"),
        )
    open_review_if_failing(commitment, check_in.quarter)
    return check_in


@transaction.atomic
def return_check_in(actor: User, check_in: CheckIn, note: str) -> CheckIn:
    check_in = _locked_submitted(actor, check_in)
    if not note.strip():
        raise invalid("note", _("Say what must be corrected."))
    check_in.status = CheckInStatus.RETURNED
    check_in.reviewed_by, check_in.reviewed_at = actor, timezone.now()
    check_in.review_note = note.strip()
    check_in.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    log(
        actor,
        "return_check_in",
        check_in,
        from_status=CheckInStatus.SUBMITTED,
        to_status=CheckInStatus.RETURNED,
        note=check_in.review_note,
        commitment=check_in.commitment,
        data={"quarter": check_in.quarter, "revision": check_in.revision},
    )
    notify(
        check_in.submitted_by,
        "performance.returned",
        city_text(gettext_lazy("Your check-in was returned for correction")),
        city_text(
            gettext_lazy("%(quarter)s was returned: %(note)s"),
            quarter=periods.label(check_in.quarter),
            note=check_in.review_note,
        ),
        reverse("performance:mine"),
    )
    return check_in


# --- Reviews ------------------------------------------------------------------------------


def open_review_if_failing(commitment: Commitment, quarter: int) -> Review | None:
    """Two consecutive off-track quarters (on verified figures) open a review."""
    if quarter < 2 or commitment.status != CommitmentStatus.ACTIVE:
        return None
    verified = selectors.verified_actuals(commitment)
    statuses = [selectors.status_at(commitment, verified, q) for q in (quarter - 1, quarter)]
    if statuses != [scoring.Status.OFF_TRACK, scoring.Status.OFF_TRACK]:
        return None
    if Review.objects.filter(commitment=commitment, quarter=quarter).exists():
        return None
    review = Review.objects.create(commitment=commitment, quarter=quarter)
    log(
        None,
        "open_review",
        review,
        to_status=Review.State.OPEN,
        commitment=commitment,
        data={"quarters": [quarter - 1, quarter]},
    )
    set_commitment_status(None, commitment, CommitmentStatus.UNDER_REVIEW, "put_under_review")
    return review


@transaction.atomic
def recommend(actor: User, review: Review, recommendation: str, note: str) -> Review:
    """The panel records its recommendation."""
    require_panel(actor)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.state != Review.State.OPEN:
        raise NotAllowed(_("A recommendation is already recorded for this review."))
    if recommendation not in Recommendation.values:
        raise invalid("recommendation", _("Choose a recommendation."))
    review.recommendation, review.recommendation_note = recommendation, note.strip()
    review.state = Review.State.RECOMMENDED
    review.save()
    log(
        actor,
        "recommend",
        review,
        from_status=Review.State.OPEN,
        to_status=Review.State.RECOMMENDED,
        note=review.recommendation_note,
        commitment=review.commitment,
        data={"recommendation": recommendation},
    )
    return review


@transaction.atomic
def decide_review(
    actor: User,
    review: Review,
    decision: str,
    note: str,
    candidates: Sequence[Any] = (),
) -> Review:
    """The mayor's decision; a reassignment opens the post to the candidates given."""
    require_panel(actor)
    review = (
        Review.objects.select_for_update().select_related("commitment__offer").get(pk=review.pk)
    )
    if review.state != Review.State.RECOMMENDED:
        raise NotAllowed(_("The panel's recommendation comes before the decision."))
    if decision not in Recommendation.values:
        raise invalid("decision", _("Choose a decision."))
    review.decision, review.decision_note = decision, note.strip()
    review.decided_by, review.decided_at = actor, timezone.now()
    review.state = Review.State.DECIDED
    review.save()
    commitment = review.commitment
    log(
        actor,
        "decide_review",
        review,
        from_status=Review.State.RECOMMENDED,
        to_status=Review.State.DECIDED,
        note=review.decision_note,
        commitment=commitment,
        data={"decision": decision},
    )
    if decision == Recommendation.REASSIGNMENT:
        open_reassignment(
            actor, commitment.offer, candidates=candidates, reason=note or decision, review=review
        )
    else:
        set_commitment_status(actor, commitment, CommitmentStatus.ACTIVE, "resume", note)
    return review


# --- The worker's jobs -----------------------------------------------------------------


def check_in_days() -> int:
    return int(settings.PERFORMANCE_CHECKIN_DAYS)


def send_reminders(today: dt.date | None = None) -> int:
    """Remind holders 14, 7 and 1 days before a check-in deadline, once each."""
    day = today or timezone.localdate()
    sent = 0
    for year, quarter in {periods.last_ended_quarter(day), (day.year, periods.quarter_of(day))}:
        deadline = periods.check_in_deadline(year, quarter, check_in_days())
        days_before = (deadline - day).days
        if days_before not in REMINDER_DAYS:
            continue
        reported = (
            CheckIn.objects.filter(quarter=quarter)
            .exclude(status=CheckInStatus.DRAFT)
            .values("commitment_id")
        )
        due = (
            Commitment.objects.filter(year=year, status__in=selectors.LIVE_STATUSES)
            .exclude(pk__in=reported)
            .select_related("official__user", "indicator")
        )
        for commitment in due:
            with transaction.atomic():
                _, created = Reminder.objects.get_or_create(
                    commitment=commitment,
                    quarter=quarter,
                    days_before=days_before,
                    defaults={"year": year},
                )
                if not created:
                    continue
                notify(
                    commitment.official.user,
                    "performance.reminder",
                    city_text(gettext_lazy("A check-in is due soon")),
                    city_text(
                        gettext_lazy(
                            "Report %(quarter)s %(year)s of %(indicator)s by %(deadline)s."
                        ),
                        quarter=periods.label(quarter),
                        year=year,
                        indicator=commitment.indicator.name,
                        deadline=deadline.strftime("%d-%m-%Y"),
                    ),
                    reverse("performance:mine"),
                )
                sent += 1
    return sent


def _remember(kind: str, object_id: int, stage: str) -> bool:
    """True the first time (kind, object, stage) is reminded; call inside a transaction."""
    _, created = DeadlineReminder.objects.get_or_create(kind=kind, object_id=object_id, stage=stage)
    return created


def remind_answers(now: dt.datetime | None = None) -> int:
    """Remind the holder of each post with an unanswered offer, 3 days and 1 day before the
    round's deadline and on the day: silence counts as a decline."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    last_day = today + dt.timedelta(days=max(ANSWER_REMINDER_DAYS) + 1)
    pending = Offer.objects.filter(
        status=OfferStatus.PENDING,
        auction__deadline__gt=moment,
        auction__deadline__lt=dt.datetime.combine(
            last_day, dt.time.min, tzinfo=timezone.get_current_timezone()
        ),
    ).select_related("auction", "position")
    holders = access.holders_of([offer.position_id for offer in pending], moment)
    sent = 0
    for offer in pending:
        deadline = timezone.localtime(offer.auction.deadline)
        days_before = (deadline.date() - today).days
        holder = holders.get(offer.position_id)
        if days_before not in ANSWER_REMINDER_DAYS or holder is None:
            continue
        with transaction.atomic():
            if not _remember(
                DeadlineReminder.Kind.ANSWER, offer.pk, f"{offer.revision}:{days_before}"
            ):
                continue
            notify(
                holder,
                "performance.answer_reminder",
                city_text(gettext_lazy("An offer is waiting for your answer")),
                city_text(
                    gettext_lazy(
                        "Answer the offer of %(auction)s for %(position)s by %(deadline)s. "
                        "No answer by then counts as declining it."
                    ),
                    auction=offer.auction.title,
                    position=offer.position.title,
                    deadline=deadline.strftime("%d-%m-%Y %H:%M"),
                ),
                reverse("performance:mine") + f"#offer-{offer.pk}",
            )
            sent += 1
    return sent


def remind_verifiers(now: dt.datetime | None = None) -> int:
    """Tell the verifiers of check-ins waiting 5, 10 and 20 days in their queue."""
    moment = now or timezone.now()
    oldest_step = min(QUEUE_REMINDER_DAYS)
    waiting = list(
        CheckIn.objects.filter(
            status=CheckInStatus.SUBMITTED,
            submitted_at__lte=moment - dt.timedelta(days=oldest_step),
        )
        .select_related("commitment__indicator", "commitment__agency")
        .order_by("submitted_at")
    )
    verifiers = list(User.objects.filter(role=Role.VERIFIER, is_active=True))
    sent = 0
    for check_in in waiting:
        assert check_in.submitted_at is not None
        days = (moment - check_in.submitted_at).days
        steps = [step for step in QUEUE_REMINDER_DAYS if days >= step]
        if not steps or not verifiers:
            continue
        with transaction.atomic():
            if not _remember(DeadlineReminder.Kind.QUEUE, check_in.pk, str(steps[-1])):
                continue
            subject = city_text(gettext_lazy("A check-in has waited %(days)s days"), days=days)
            body = city_text(
                gettext_lazy(
                    "%(quarter)s %(year)s of %(indicator)s (%(agency)s) has waited %(days)s "
                    "days for verification."
                ),
                quarter=periods.label(check_in.quarter),
                year=check_in.commitment.year,
                indicator=check_in.commitment.indicator.name,
                agency=check_in.commitment.agency.short_name,
                days=days,
            )
            outbox.notify_users(
                verifiers,
                event="performance.queue_reminder",
                subject=subject,
                body=body,
                link=reverse("performance:verify_queue"),
            )
            sent += 1
    return sent


def draft_complaint_check_ins(today: dt.date | None = None) -> int:
    """After a quarter ends, draft the check-ins of complaint-fed indicators from the
    agency's complaints; the holder completes them and the verifier verifies as usual."""
    year, quarter = periods.last_ended_quarter(today or timezone.localdate())
    commitments = (
        Commitment.objects.filter(year=year, status__in=selectors.LIVE_STATUSES)
        .exclude(indicator__source=Source.MANUAL)
        .exclude(check_ins__quarter=quarter)
    )
    drafted = 0
    for commitment in commitments.select_related("indicator", "agency"):
        metrics = complaint_metrics.for_agency(commitment.agency, year, quarter)
        value = metrics.value_for(commitment.indicator.source)
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                commitment=commitment,
                quarter=quarter,
                actual=value,
                computed=metrics.as_dict(),
                **_score_fields(commitment, quarter, value),
            )
            log(
                None,
                "draft_check_in",
                check_in,
                to_status=CheckInStatus.DRAFT,
                commitment=commitment,
                data={"quarter": quarter, "actual": value, "computed": metrics.as_dict()},
            )
            notify(
                commitment.official.user,
                "performance.draft",
                city_text(gettext_lazy("A check-in was drafted from complaint figures")),
                city_text(
                    gettext_lazy(
                        "%(quarter)s of %(indicator)s was computed from SAMBAT; please complete it."
                    ),
                    quarter=periods.label(quarter),
                    indicator=commitment.indicator.name,
                ),
                reverse("performance:mine"),
            )
        drafted += 1
    return drafted
