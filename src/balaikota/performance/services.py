"""Every change in the performance auction goes through these functions.

Each runs in one transaction, writes an `Event` (with the status before and after) and an
audit entry, and queues its notifications in the outbox of the same transaction.
Monitoring (check-ins, reviews, the worker's jobs) is in `performance.monitoring`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.agencies.models import Assignment, Official, Position
from balaikota.core import audit
from balaikota.core.models import Role, User
from balaikota.notifications import services as outbox
from balaikota.performance import access
from balaikota.performance.access import NotAllowed
from balaikota.performance.models import (
    Answer,
    Auction,
    Commitment,
    CommitmentStatus,
    Event,
    Indicator,
    Offer,
    OfferItem,
    OfferStatus,
    Polarity,
    Reassignment,
    Target,
)

VALUE_FIELDS = ("value", "low", "high", "q1", "q2", "q3", "q4")

PACT_OF_INTEGRITY = (
    "Dengan ini saya menyatakan sanggup mencapai target kinerja dalam perjanjian ini, "
    "melaksanakan tugas dengan jujur, transparan dan bertanggung jawab, tidak melakukan "
    "korupsi, kolusi dan nepotisme, serta bersedia dievaluasi setiap triwulan dan menerima "
    "konsekuensi apabila target tidak tercapai."
)


class InvalidInput(Exception):
    """Bad input: `errors` maps each field to messages for the user; nothing was saved."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput({field: [message]})


def log(
    actor: User | None,
    action: str,
    obj: Model,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
    offer: Offer | None = None,
    commitment: Commitment | None = None,
) -> Event:
    """The event row and the audit entry of one step (call inside the transaction)."""
    subject = obj._meta.model_name or "object"
    payload = dict(data or {})
    event = Event.objects.create(
        actor=actor,
        action=action,
        subject=subject,
        subject_id=obj.pk,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=payload,
        offer=offer,
        commitment=commitment,
    )
    audit.record(
        actor=actor,
        action=f"performance.{action}",
        object_type=f"performance.{subject}",
        object_id=obj.pk,
        before={"status": from_status} if from_status else None,
        after={"status": to_status, "note": note, **payload, "event": event.pk},
    )
    return event


def city_text(message: Promise, **values: Any) -> str:
    """A message stored or sent in the city's language (read later by anyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


def notify(user: User | None, event: str, subject: str, body: str, link: str) -> None:
    if user is not None and user.is_active:
        outbox.notify_user(user, event=event, subject=subject, body=body, link=link)


def _notify_panel(event: str, subject: str, body: str, link: str) -> None:
    for user in User.objects.filter(role=Role.MAYOR_OFFICE, is_active=True):
        notify(user, event, subject, body, link)


def require_panel(actor: User) -> None:
    if not access.is_panel(actor):
        raise NotAllowed(_("Only the mayor's office may do this."))


# --- Plan: indicators and targets ------------------------------------------------------


@dataclass
class IndicatorInput:
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


@transaction.atomic
def create_indicator(actor: User, data: IndicatorInput) -> Indicator:
    require_panel(actor)
    if not data.name.strip():
        raise invalid("name", _("An indicator needs a name."))
    indicator = Indicator(**{**data.__dict__, "name": data.name.strip()})
    indicator.full_clean()
    indicator.save()
    log(actor, "create_indicator", indicator, data={"name": indicator.name})
    return indicator


def _check_values(polarity: str, values: Mapping[str, float | None], field: str = "") -> None:
    prefix = f"{field}." if field else ""
    if polarity == Polarity.RANGE:
        low, high = values.get("low"), values.get("high")
        if low is None or high is None:
            raise invalid(f"{prefix}low", _("A range indicator needs both ends of the range."))
        if low > high:
            raise invalid(f"{prefix}low", _("The range's start must not be above its end."))
    elif values.get("value") is None:
        raise invalid(f"{prefix}value", _("The year's target is required."))


@transaction.atomic
def set_target(
    actor: User, indicator: Indicator, year: int, values: Mapping[str, float | None]
) -> Target:
    """Create or change an indicator's target for a year (four quarters included)."""
    require_panel(actor)
    _check_values(indicator.polarity, values)
    target, created = Target.objects.select_for_update().get_or_create(
        indicator=indicator, year=year
    )
    before = target.__dict__.copy()
    for name in VALUE_FIELDS:
        setattr(target, name, values.get(name))
    target.save()
    log(
        actor,
        "set_target",
        target,
        data={
            "year": year,
            "indicator": indicator.pk,
            "created": created,
            "values": {k: values.get(k) for k in VALUE_FIELDS},
            "before": {} if created else {k: before.get(k) for k in VALUE_FIELDS},
        },
    )
    return target


@transaction.atomic
def copy_targets_forward(actor: User, year: int) -> int:
    """Copy the year's targets to the next year where it has none yet; returns how many."""
    require_panel(actor)
    existing = set(Target.objects.filter(year=year + 1).values_list("indicator_id", flat=True))
    copied = 0
    for target in Target.objects.filter(year=year).exclude(indicator_id__in=existing):
        new = Target.objects.create(
            indicator_id=target.indicator_id,
            year=year + 1,
            **{k: getattr(target, k) for k in VALUE_FIELDS},
        )
        log(actor, "copy_target", new, data={"from": target.pk, "year": year + 1})
        copied += 1
    return copied


# --- The auction ----------------------------------------------------------------------


def _offer_link(offer: Offer) -> str:
    return reverse("performance:mine") + f"#offer-{offer.pk}"


@transaction.atomic
def open_auction(
    actor: User,
    *,
    year: int,
    title: str,
    deadline: Any,
    packages: Mapping[Position, Iterable[Target]],
) -> Auction:
    """Offer each position its package of targets; the current holders are notified."""
    require_panel(actor)
    if not title.strip():
        raise invalid("title", _("An auction round needs a title."))
    if deadline <= timezone.now():
        raise invalid("deadline", _("The deadline must be in the future."))
    if not packages or not any(list(targets) for targets in packages.values()):
        raise invalid("packages", _("Offer at least one target to at least one position."))
    auction = Auction.objects.create(
        year=year, title=title.strip(), deadline=deadline, created_by=actor
    )
    log(actor, "open_auction", auction, to_status=Auction.State.OPEN, data={"year": year})
    for position, targets in packages.items():
        targets = list(targets)
        if not targets:
            continue
        if any(t.year != year for t in targets):
            raise invalid("packages", _("Every target offered must be for the auction's year."))
        holder = access.holder_of(position)
        offer = Offer.objects.create(
            auction=auction, position=position, official=holder.official if holder else None
        )
        OfferItem.objects.bulk_create(
            OfferItem(offer=offer, target=t, **{k: getattr(t, k) for k in VALUE_FIELDS})
            for t in targets
        )
        log(
            actor,
            "offer",
            offer,
            to_status=OfferStatus.PENDING,
            offer=offer,
            data={"position": position.pk, "targets": [t.pk for t in targets]},
        )
        if holder is not None:
            notify(
                holder.official.user,
                "performance.offer",
                city_text(gettext_lazy("Performance targets offered to you")),
                city_text(
                    gettext_lazy(
                        "The mayor offers you performance targets for %(year)s. "
                        "Please answer by %(deadline)s."
                    ),
                    year=year,
                    deadline=timezone.localtime(deadline).strftime("%d-%m-%Y %H:%M"),
                ),
                _offer_link(offer),
            )
    return auction


def _locked_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("auction", "position").get(pk=offer.pk)


def _require_holder(actor: User, offer: Offer) -> Official:
    if not access.holds(actor, offer.position_id):
        raise NotAllowed(_("Only the holder of the position may answer this offer."))
    official = access.official_of(actor)
    assert official is not None  # holding a position means being an official
    return official


def _require_open(offer: Offer) -> None:
    if offer.status != OfferStatus.PENDING:
        raise NotAllowed(_("This offer is not waiting for an answer."))
    if offer.auction.deadline < timezone.now():
        raise NotAllowed(_("The deadline for answering has passed."))


def pact_hash(offer: Offer, official: Official, action_plan: Mapping[str, str], at: Any) -> str:
    """SHA-256 of what the holder confirmed: who, which post, the targets, the plan, the
    pact's text and the moment."""
    payload = {
        "offer": offer.pk,
        "revision": offer.revision,
        "official": official.name,
        "nip": official.nip or "",
        "position": offer.position.title,
        "items": [
            {"target": item.target_id, **item.values_dict()} for item in offer.items.order_by("id")
        ],
        "action_plan": dict(action_plan),
        "pact": PACT_OF_INTEGRITY,
        "confirmed_at": at.isoformat(),
    }
    text = audit.canonical(payload)
    return hashlib.sha256(text.encode()).hexdigest()


def _clean_plan(action_plan: Mapping[str, str]) -> dict[str, str]:
    plan = {str(q): str(action_plan.get(str(q), "")).strip() for q in (1, 2, 3, 4)}
    if not all(plan.values()):
        raise invalid("action_plan", _("Write the action plan for each of the four quarters."))
    return plan


def _record_pact(
    actor: User,
    offer: Offer,
    official: Official,
    action_plan: Mapping[str, str],
    pact_confirmed: bool,
) -> Answer:
    """The holder's commitment with their own pact of integrity, hashed for them."""
    plan = _clean_plan(action_plan)
    if not pact_confirmed:
        raise invalid("pact", _("Confirm the pact of integrity to commit."))
    now = timezone.now()
    return Answer.objects.create(
        offer=offer,
        revision=offer.revision,
        kind=Answer.Kind.COMMIT,
        by=actor,
        official=official,
        action_plan=plan,
        pact_confirmed_at=now,
        pact_hash=pact_hash(offer, official, plan, now),
        created_at=now,
    )


@transaction.atomic
def commit(
    actor: User, offer: Offer, *, action_plan: Mapping[str, str], pact_confirmed: bool
) -> Answer:
    """The holder commits (sanggup): an action plan per quarter and the pact of integrity.
    An appointee commits the same way to the post they were given (`_confirm_appointment`)."""
    offer = _locked_offer(offer)
    official = _require_holder(actor, offer)
    if offer.status == OfferStatus.APPOINTED:
        return _confirm_appointment(actor, offer, official, action_plan, pact_confirmed)
    _require_open(offer)
    answer = _record_pact(actor, offer, official, action_plan, pact_confirmed)
    now, digest = answer.created_at, answer.pact_hash
    offer.status, offer.official, offer.pact_hash = OfferStatus.COMMITTED, official, digest
    offer.save(update_fields=["status", "official", "pact_hash"])
    log(
        actor,
        "commit",
        offer,
        from_status=OfferStatus.PENDING,
        to_status=OfferStatus.COMMITTED,
        offer=offer,
        data={"answer": answer.pk, "pact_hash": digest, "pact_confirmed_at": now.isoformat()},
    )
    _notify_panel(
        "performance.answer",
        city_text(gettext_lazy("A head of agency committed to the targets")),
        city_text(
            gettext_lazy("%(position)s committed to the targets offered."),
            position=offer.position.title,
        ),
        reverse("performance:auction", args=[offer.auction_id]),
    )
    return answer


def _clean_proposal(
    offer: Offer, proposal: Mapping[str, Mapping[str, float | None]]
) -> dict[str, dict[str, float | None]]:
    items = {str(item.pk): item for item in offer.items.select_related("target__indicator")}
    cleaned: dict[str, dict[str, float | None]] = {}
    for key, values in proposal.items():
        item = items.get(str(key))
        if item is None:
            raise invalid("proposal", _("The proposal names a target that is not in the offer."))
        merged = {**item.values_dict(), **{k: v for k, v in values.items() if k in VALUE_FIELDS}}
        _check_values(item.target.indicator.polarity, merged, f"item-{key}")
        cleaned[str(key)] = merged
    if not cleaned:
        raise invalid("proposal", _("Propose different values for at least one target."))
    return cleaned


@transaction.atomic
def counter(
    actor: User,
    offer: Offer,
    *,
    proposal: Mapping[str, Mapping[str, float | None]],
    reason: str,
) -> Answer:
    """The holder proposes other values, with a reason."""
    offer = _locked_offer(offer)
    official = _require_holder(actor, offer)
    _require_open(offer)
    if not reason.strip():
        raise invalid("reason", _("Give a reason for the counter-proposal."))
    cleaned = _clean_proposal(offer, proposal)
    answer = Answer.objects.create(
        offer=offer,
        revision=offer.revision,
        kind=Answer.Kind.COUNTER,
        by=actor,
        official=official,
        reason=reason.strip(),
        proposal=cleaned,
    )
    offer.status, offer.official = OfferStatus.COUNTERED, official
    offer.save(update_fields=["status", "official"])
    log(
        actor,
        "counter",
        offer,
        from_status=OfferStatus.PENDING,
        to_status=OfferStatus.COUNTERED,
        note=answer.reason,
        offer=offer,
        data={"answer": answer.pk, "proposal": cleaned},
    )
    _notify_panel(
        "performance.answer",
        city_text(gettext_lazy("A head of agency made a counter-proposal")),
        city_text(
            gettext_lazy("%(position)s proposes other targets: %(reason)s"),
            position=offer.position.title,
            reason=answer.reason,
        ),
        reverse("performance:auction", args=[offer.auction_id]),
    )
    return answer


def _decline(
    actor: User | None, offer: Offer, official: Official | None, reason: str, automatic: bool
) -> Answer:
    answer = Answer.objects.create(
        offer=offer,
        revision=offer.revision,
        kind=Answer.Kind.DECLINE,
        by=actor,
        official=official,
        reason=reason,
        is_automatic=automatic,
    )
    offer.status = OfferStatus.DECLINED
    offer.save(update_fields=["status"])
    log(
        actor,
        "decline_by_deadline" if automatic else "decline",
        offer,
        from_status=OfferStatus.PENDING,
        to_status=OfferStatus.DECLINED,
        note=reason,
        offer=offer,
        data={"answer": answer.pk},
    )
    _notify_panel(
        "performance.answer",
        city_text(gettext_lazy("A head of agency declined the targets")),
        city_text(
            gettext_lazy("%(position)s declined: %(reason)s"),
            position=offer.position.title,
            reason=reason,
        ),
        reverse("performance:auction", args=[offer.auction_id]),
    )
    return answer


@transaction.atomic
def decline(actor: User, offer: Offer, *, reason: str) -> Answer:
    offer = _locked_offer(offer)
    official = _require_holder(actor, offer)
    _require_open(offer)
    if not reason.strip():
        raise invalid("reason", _("Give a reason for declining."))
    return _decline(actor, offer, official, reason.strip(), automatic=False)


def decline_unanswered(now: Any = None) -> int:
    """Offers still unanswered after their round's deadline count as declined."""
    moment = now or timezone.now()
    count = 0
    for pk in Offer.objects.filter(
        status=OfferStatus.PENDING, auction__deadline__lt=moment
    ).values_list("pk", flat=True):
        with transaction.atomic():
            offer = Offer.objects.select_for_update().select_related("auction", "position")
            locked = offer.get(pk=pk)
            if locked.status != OfferStatus.PENDING:
                continue
            reason = city_text(gettext_lazy("No answer by the deadline."))
            _decline(None, locked, locked.official, reason, automatic=True)
            count += 1
    return count


@transaction.atomic
def revise_offer(
    actor: User,
    offer: Offer,
    *,
    values: Mapping[str, Mapping[str, float | None]],
    note: str,
) -> Offer:
    """The panel answers a counter-proposal with a revised offer (the log keeps both)."""
    require_panel(actor)
    offer = _locked_offer(offer)
    if offer.status != OfferStatus.COUNTERED:
        raise NotAllowed(_("Only a counter-proposal can be answered with a revised offer."))
    cleaned = _clean_proposal(offer, values) if values else {}
    for item in offer.items.all():
        for name, value in cleaned.get(str(item.pk), {}).items():
            setattr(item, name, value)
        item.save()
    offer.revision += 1
    offer.status = OfferStatus.PENDING
    offer.save(update_fields=["revision", "status"])
    log(
        actor,
        "revise_offer",
        offer,
        from_status=OfferStatus.COUNTERED,
        to_status=OfferStatus.PENDING,
        note=note.strip(),
        offer=offer,
        data={"revision": offer.revision, "values": cleaned},
    )
    if offer.official is not None:
        notify(
            offer.official.user,
            "performance.offer",
            city_text(gettext_lazy("The mayor's office revised its offer")),
            city_text(
                gettext_lazy("Please answer the revised offer: %(note)s"), note=note.strip() or "-"
            ),
            _offer_link(offer),
        )
    return offer


def _sign(
    actor: User,
    offer: Offer,
    official: Official,
    *,
    is_acting: bool,
    action_plan: Mapping[str, str],
    amends: Mapping[int, Commitment] | None = None,
) -> list[Commitment]:
    now = timezone.now()
    commitments = []
    for item in offer.items.select_related("target"):
        previous = (amends or {}).get(item.target_id)
        commitment = Commitment.objects.create(
            offer=offer,
            target=item.target,
            indicator_id=item.target.indicator_id,
            year=offer.auction.year,
            position=offer.position,
            agency_id=offer.position.agency_id,
            official=official,
            is_acting=is_acting,
            action_plan=dict(action_plan),
            signed_at=now,
            amends=previous,
            **item.values_dict(),
        )
        log(
            actor,
            "amend" if previous else "sign",
            commitment,
            to_status=CommitmentStatus.ACTIVE,
            offer=offer,
            commitment=commitment,
            data={
                "official": official.pk,
                "is_acting": is_acting,
                "amends": previous.pk if previous else None,
                "values": item.values_dict(),
            },
        )
        commitments.append(commitment)
    # The agreement as a PDF signed by the city; agreements import this module's PACT text.
    from balaikota.performance import agreements

    agreements.issue(offer)
    return commitments


@transaction.atomic
def accept(actor: User, offer: Offer) -> list[Commitment]:
    """The panel accepts a commitment: the agreement (PK) is signed, one commitment per
    target."""
    require_panel(actor)
    offer = _locked_offer(offer)
    if offer.status != OfferStatus.COMMITTED:
        raise NotAllowed(_("Only a commitment can be accepted."))
    answer = offer.answers.filter(kind=Answer.Kind.COMMIT).order_by("-created_at").first()
    assert answer is not None
    assert answer.official is not None
    offer.status = OfferStatus.ACCEPTED
    offer.save(update_fields=["status"])
    log(
        actor,
        "accept",
        offer,
        from_status=OfferStatus.COMMITTED,
        to_status=OfferStatus.ACCEPTED,
        offer=offer,
        data={"pact_hash": offer.pact_hash},
    )
    holder = access.holder_of(offer.position)
    commitments = _sign(
        actor,
        offer,
        answer.official,
        is_acting=bool(holder and holder.is_acting),
        action_plan=answer.action_plan,
    )
    notify(
        answer.official.user,
        "performance.accepted",
        city_text(gettext_lazy("Your performance agreement is signed")),
        city_text(
            gettext_lazy("The mayor's office accepted your commitment for %(year)s."),
            year=offer.auction.year,
        ),
        reverse("performance:mine"),
    )
    return commitments


@transaction.atomic
def open_reassignment(
    actor: User,
    offer: Offer,
    *,
    candidates: Iterable[Official],
    reason: str,
    review: Any = None,
) -> Reassignment:
    """Offer the post's package to a pool of eligible officials, for the mayor to decide."""
    require_panel(actor)
    offer = _locked_offer(offer)
    # A declined post, or (after a review) a signed one, also one a Plt holds already; and
    # a post whose appointee has not confirmed their pact.
    allowed = (
        {OfferStatus.DECLINED, OfferStatus.APPOINTED}
        if review is None
        else {OfferStatus.ACCEPTED, OfferStatus.REASSIGNED, OfferStatus.APPOINTED}
    )
    if offer.status not in allowed:
        raise NotAllowed(_("This post cannot be reassigned now."))
    pool = [c for c in candidates if c.pk != offer.official_id]
    if not pool:
        raise invalid("candidates", _("Name at least one eligible official other than the holder."))
    if not reason.strip():
        raise invalid("reason", _("Give the reason for the reassignment."))
    reassignment = Reassignment.objects.create(offer=offer, review=review, reason=reason.strip())
    reassignment.candidates.set(pool)
    before = offer.status
    offer.status = OfferStatus.REASSIGNING
    offer.save(update_fields=["status"])
    log(
        actor,
        "open_reassignment",
        offer,
        from_status=before,
        to_status=OfferStatus.REASSIGNING,
        note=reassignment.reason,
        offer=offer,
        data={"reassignment": reassignment.pk, "candidates": [c.pk for c in pool]},
    )
    return reassignment


@transaction.atomic
def decide_reassignment(
    actor: User,
    reassignment: Reassignment,
    *,
    official: Official,
    is_acting: bool,
    note: str = "",
) -> Offer:
    """The mayor's decision: the chosen official takes the post (definitive or Plt) at this
    moment; the package passes to them as an amended agreement once they confirm their own
    pact (`commit`)."""
    require_panel(actor)
    reassignment = Reassignment.objects.select_for_update().get(pk=reassignment.pk)
    if reassignment.state != Reassignment.State.OPEN:
        raise NotAllowed(_("This reassignment is already decided."))
    if not reassignment.candidates.filter(pk=official.pk).exists():
        raise invalid("official", _("Choose one of the candidates in the pool."))
    offer = _locked_offer(reassignment.offer)
    # The post changes hands now: from this moment the outgoing holder may no longer
    # answer, check in or act for it (performance.access.current_assignments).
    moment = timezone.now()
    Assignment.objects.filter(access.current_assignments(moment), position=offer.position).update(
        ends_at=moment
    )
    Assignment.objects.create(
        position=offer.position, official=official, starts_at=moment, is_acting=is_acting
    )
    reassignment.state, reassignment.chosen, reassignment.is_acting = "decided", official, is_acting
    reassignment.decision_note, reassignment.decided_by = note.strip(), actor
    reassignment.decided_at = timezone.now()
    reassignment.save()
    log(
        actor,
        "decide_reassignment",
        reassignment,
        from_status=Reassignment.State.OPEN,
        to_status=Reassignment.State.DECIDED,
        note=reassignment.decision_note,
        offer=offer,
        data={"official": official.pk, "is_acting": is_acting},
    )
    for old in offer.commitments.exclude(status=CommitmentStatus.TRANSFERRED):
        set_commitment_status(actor, old, CommitmentStatus.TRANSFERRED, "transfer", note)
    # The pact on the offer was the previous holder's: the appointee confirms their own
    # before the targets become theirs (`_confirm_appointment`).
    offer.status, offer.official, offer.pact_hash = OfferStatus.APPOINTED, official, ""
    offer.save(update_fields=["status", "official", "pact_hash"])
    log(
        actor,
        "appoint",
        offer,
        from_status=OfferStatus.REASSIGNING,
        to_status=OfferStatus.APPOINTED,
        offer=offer,
        data={"official": official.pk, "is_acting": is_acting},
    )
    notify(
        official.user,
        "performance.appointed",
        city_text(gettext_lazy("You were appointed to a post with performance targets")),
        city_text(
            gettext_lazy(
                "The mayor appointed you to %(position)s. Confirm your pact of integrity and "
                "action plan on “My performance”; its targets then pass to you."
            ),
            position=offer.position.title,
        ),
        reverse("performance:mine") + f"#offer-{offer.pk}",
    )
    return offer


def previous_plan(offer: Offer) -> dict[str, str]:
    """The action plan of the post's last agreement: what an appointee starts from."""
    last = offer.commitments.order_by("-signed_at", "-id").first()
    return dict(last.action_plan) if last else {}


def _confirm_appointment(
    actor: User,
    offer: Offer,
    official: Official,
    action_plan: Mapping[str, str],
    pact_confirmed: bool,
) -> Answer:
    """The appointee's own pact: hashed for them, and only then do the post's targets pass
    to them as an amended agreement."""
    if offer.official_id != official.pk:
        raise NotAllowed(_("This post is waiting for the pact of the official appointed to it."))
    answer = _record_pact(actor, offer, official, action_plan, pact_confirmed)
    plan, now, digest = answer.action_plan, answer.created_at, answer.pact_hash
    offer.status, offer.pact_hash = OfferStatus.REASSIGNED, digest
    offer.save(update_fields=["status", "pact_hash"])
    log(
        actor,
        "confirm_pact",
        offer,
        from_status=OfferStatus.APPOINTED,
        to_status=OfferStatus.REASSIGNED,
        offer=offer,
        data={"answer": answer.pk, "pact_hash": digest, "pact_confirmed_at": now.isoformat()},
    )
    # The agreement each target amends: the latest one before the hand-over.
    transferred = offer.commitments.filter(status=CommitmentStatus.TRANSFERRED)
    previous = {c.target_id: c for c in transferred.order_by("signed_at", "id")}
    holder = access.holder_of(offer.position)
    _sign(
        actor,
        offer,
        official,
        is_acting=bool(holder and holder.is_acting),
        action_plan=plan,
        amends=previous,
    )
    _notify_panel(
        "performance.answer",
        city_text(gettext_lazy("The new holder confirmed their pact")),
        city_text(
            gettext_lazy(
                "%(position)s: the appointee confirmed their pact; the targets are theirs."
            ),
            position=offer.position.title,
        ),
        reverse("performance:auction", args=[offer.auction_id]),
    )
    return answer


def set_commitment_status(
    actor: User | None, commitment: Commitment, status: str, action: str, note: str = ""
) -> None:
    before = commitment.status
    commitment.status = status
    commitment.save(update_fields=["status"])
    log(
        actor,
        action,
        commitment,
        from_status=before,
        to_status=status,
        note=note,
        offer=commitment.offer,
        commitment=commitment,
    )


@transaction.atomic
def record_agreement_pdf(offer: Offer, data: bytes) -> str:
    """Record the hash of the agreement's PDF; a changed document is a new recorded hash."""
    digest = hashlib.sha256(data).hexdigest()
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.pdf_hash != digest:
        previous = locked.pdf_hash
        locked.pdf_hash = digest
        locked.save(update_fields=["pdf_hash"])
        log(
            None,
            "agreement_pdf",
            locked,
            from_status=locked.status,
            to_status=locked.status,
            offer=locked,
            data={"pdf_hash": digest, "previous": previous},
        )
    offer.pdf_hash = digest
    return digest
