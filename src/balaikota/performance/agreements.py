"""Signed performance agreements (PK): each signing of a post's agreement makes one PDF,
signed by the city (PAdES), stored as signed and served as stored, with a short code for
its public verification page. A later signing for the same post supersedes it."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from balaikota.performance import exports, selectors, services, signing
from balaikota.performance.access import NotAllowed
from balaikota.performance.models import Agreement, Answer, Commitment, Offer

# Unambiguous characters (no 0/O, 1/I/L): a code read off paper types back correctly.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Agreement.objects.filter(code=code).exists():
            return code


def normalise_code(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


def _lines(items: Sequence[Commitment]) -> list[dict[str, object]]:
    return [
        {
            "indicator": c.indicator.name,
            "unit": c.indicator.unit,
            "target": exports._target_text(c),
            **{f"q{q}": exports._num(c.quarter_target(q)) for q in (1, 2, 3, 4)},
        }
        for c in items
    ]


def current(offer: Offer) -> Agreement | None:
    return offer.agreements.filter(superseded_by=None).order_by("-signed_at", "-id").first()


@transaction.atomic
def issue(offer: Offer, items: Sequence[Commitment] | None = None) -> Agreement:
    """Sign the post's agreement as it stands (its live commitments) with the city's key,
    store the signed PDF, record its hash on the offer, and supersede the previous one."""
    items = list(items) if items is not None else selectors.agreement_items(offer)
    if not items:
        raise NotAllowed(_("This post has no signed targets."))
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    previous = current(offer)
    first = items[0]
    city = signing.city()
    code = new_code()
    seal = exports.Seal(
        code=code,
        signed_by=city.subject,
        is_demo=city.is_demo,
        accepted_at=first.signed_at,
        amends=previous.code if previous else "",
    )
    unsigned = exports.agreement_pdf(offer, items, seal)
    reason = _("Performance agreement %(code)s") % {"code": code}
    data = signing.sign(unsigned, city, reason=reason)
    digest = hashlib.sha256(data).hexdigest()
    path = storages["private"].save(
        f"performance/pk/{offer.auction.year}/{code}.pdf", ContentFile(data)
    )
    agreement = Agreement.objects.create(
        offer=offer,
        code=code,
        kind=Agreement.Kind.AMENDED if previous else Agreement.Kind.SIGNED,
        official=first.official,
        is_acting=first.is_acting,
        pact_hash=offer.pact_hash,
        lines=_lines(items),
        signed_at=first.signed_at,
        file=path,
        sha256=digest,
        signed_by=city.subject,
        is_demo=city.is_demo,
    )
    Commitment.objects.filter(pk__in=[c.pk for c in items]).update(agreement=agreement)
    if previous:
        previous.superseded_by = agreement
        previous.save(update_fields=["superseded_by"])
    services.record_agreement_pdf(offer, data)
    return agreement


def document(agreement: Agreement) -> bytes:
    """The signed PDF, byte for byte as it was signed."""
    with storages["private"].open(agreement.file, "rb") as handle:
        data: bytes = handle.read()
    return data


def for_offer(offer: Offer) -> Agreement | None:
    """The post's current signed agreement; one is signed now for an agreement made before
    agreements were signed."""
    found = current(offer)
    if found is None and selectors.agreement_items(offer):
        found = issue(offer)
    return found


def committed_at(agreement: Agreement) -> Any:
    """When the holder confirmed the pact this agreement carries."""
    return (
        Answer.objects.filter(offer_id=agreement.offer_id, pact_hash=agreement.pact_hash)
        .values_list("pact_confirmed_at", flat=True)
        .first()
    )


def chain(agreement: Agreement) -> list[Agreement]:
    """The post's signed agreements, oldest first."""
    return list(agreement.offer.agreements.order_by("signed_at", "id"))


@dataclass(frozen=True)
class Result:
    """What checking an uploaded PDF against a signed agreement found."""

    sha256: str
    signature: signing.Check
    # The stored version with the same bytes, if any (of this or another agreement).
    matched: Agreement | None

    @property
    def genuine(self) -> bool:
        return self.signature.ok and self.matched is not None


def check(agreement: Agreement, data: bytes) -> Result:
    """Is `data` a version of a signed agreement, unaltered, with the city's valid
    signature? The hash is compared with every stored version; the signature is validated
    against the city's trust root."""
    digest = hashlib.sha256(data).hexdigest()
    same = list(Agreement.objects.filter(sha256=digest).select_related("superseded_by"))
    matched = next((a for a in same if a.offer_id == agreement.offer_id), None)
    matched = matched or (same[0] if same else None)
    return Result(sha256=digest, signature=signing.validate(data), matched=matched)
