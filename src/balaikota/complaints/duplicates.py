"""Finding complaints that report the same thing: same category, nearby, recent, similar words.

Shown to the citizen on the report form ("sudah dilaporkan? dukung laporan ini") and to
the operator, who can merge a duplicate into the original.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from balaikota.complaints import public_changes, publication
from balaikota.complaints.models import OPEN_STATUSES, Category, Complaint, Support
from balaikota.complaints.textnorm import normalise
from balaikota.core import audit

RADIUS_M = 100.0
PERIOD_DAYS = 30
MIN_SIMILARITY = 0.1
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Similar:
    complaint: Complaint
    distance_m: float
    similarity: float


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def similarity(first: str, second: str) -> float:
    """Overlap of the normalised words and word pairs of two texts (Dice coefficient)."""

    def grams(text: str) -> set[str]:
        words = normalise(text).split()
        return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}

    a, b = grams(first), grams(second)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def find_similar(
    *,
    category: Category | None,
    lat: float | None,
    lon: float | None,
    text: str,
    exclude: Complaint | None = None,
    radius_m: float = RADIUS_M,
    days: int = PERIOD_DAYS,
    limit: int = 5,
    public: bool = True,
) -> list[Similar]:
    """Open complaints of `category` within `radius_m` and the last `days`, most alike first.

    `public` (the citizen's report form): only published complaints, compared by their
    public text, which is all the citizen may be shown. Operators (`public=False`) look
    among every complaint, by its original text.
    """
    if category is None or lat is None or lon is None:
        return []
    dlat = radius_m / _METRES_PER_DEGREE
    dlon = dlat / max(0.1, math.cos(math.radians(lat)))
    pool = publication.published() if public else Complaint.objects.all()
    candidates = pool.filter(
        category=category,
        status__in=list(OPEN_STATUSES),
        created_at__gte=timezone.now() - dt.timedelta(days=days),
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    ).select_related("category", "region")
    candidates = candidates.defer("region__geometry")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for other in candidates[:200]:
        if other.lat is None or other.lon is None:
            continue
        metres = distance_m(lat, lon, other.lat, other.lon)
        alike = similarity(text, other.public_text if public else other.text)
        if metres <= radius_m and alike >= MIN_SIMILARITY:
            found.append(Similar(other, round(metres), round(alike, 3)))
    found.sort(key=lambda s: (-s.similarity, s.distance_m))
    return found[:limit]


def find_nearby(
    *,
    lat: float,
    lon: float,
    category: Category | None = None,
    text: str = "",
    radius_m: float = RADIUS_M,
    days: int = PERIOD_DAYS,
    limit: int = 5,
) -> list[Similar]:
    """Published open complaints within `radius_m` and the last `days`: what the report
    form shows as soon as the pin is placed (as FixMyStreet does), of any category until the
    citizen chooses one, then of that one. Most alike words first once there is text to
    compare, else the nearest first. Public text only: all the citizen may be shown."""
    dlat = radius_m / _METRES_PER_DEGREE
    dlon = dlat / max(0.1, math.cos(math.radians(lat)))
    candidates = publication.published().filter(
        status__in=list(OPEN_STATUSES),
        created_at__gte=timezone.now() - dt.timedelta(days=days),
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    )
    if category is not None:
        candidates = candidates.filter(category=category)
    candidates = candidates.select_related("category").order_by("-created_at")
    found = []
    for other in candidates[:200]:
        if other.lat is None or other.lon is None:
            continue
        metres = distance_m(lat, lon, other.lat, other.lon)
        if metres <= radius_m:
            alike = similarity(text, other.public_text) if text.strip() else 0.0
            found.append(Similar(other, round(metres), round(alike, 3)))
    found.sort(key=lambda s: (-s.similarity, s.distance_m))
    return found[:limit]


def support(complaint: Complaint, supporter: str, *, address: str = "") -> bool:
    """Count one more "saya juga"; False when this person already supported it.

    `supporter` names the person ("user:12", "browser:<cookie>"); `address`, when given,
    is the client's address, and the support then counts only once per complaint and address
    each day as well (a browser without the cookie is a new "person" on every post). Only
    keyed hashes are kept, and the address's changes every day.
    """
    keys = [_keyed(supporter)]
    if address:
        keys.append(_keyed(f"address:{address}:{timezone.now():%Y-%m-%d}"))
    try:
        with transaction.atomic():
            Support.objects.bulk_create(
                [Support(complaint=complaint, supporter_key=key) for key in keys]
            )
            Complaint.objects.filter(pk=complaint.pk).update(supporters=F("supporters") + 1)
            public_changes.changed()  # the count shows in public lists
            # Who supported is not recorded (only a hash is kept, in Support); that one more
            # person did is.
            audit.record(
                actor=None,
                action="complaint.support",
                object_type="complaint",
                object_id=complaint.ticket,
                after={"supporters": "+1"},
            )
    except IntegrityError:
        return False
    return True


def _keyed(value: str) -> str:
    """64 hex characters that name a supporter, and that nobody without SECRET_KEY can
    match to an address or a user by trying them all."""
    return salted_hmac("balaikota.support", value, algorithm="sha256").hexdigest()
