"""E-mail alerts: subscribe (confirmed by e-mail), alert on new complaints, unsubscribe."""

from __future__ import annotations

import datetime as dt
import math
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balaikota.complaints.models import Complaint
from balaikota.notifications import services as outbox
from balaikota.opendata.models import Subscription
from balaikota.regions.models import Region

MIN_RADIUS = 100
MAX_RADIUS = 3000
EARTH_RADIUS_M = 6_371_000


def subscribe(
    email: str,
    *,
    region: Region | None = None,
    point: tuple[float, float] | None = None,
    radius_m: int | None = None,
) -> Subscription:
    """A new alert, waiting for its confirmation; the e-mail asking for it is queued."""
    with transaction.atomic():
        subscription = Subscription.objects.create(
            email=email.strip().lower(),
            region=region,
            lat=point[0] if point else None,
            lon=point[1] if point else None,
            radius_m=radius_m if point else None,
            token=secrets.token_urlsafe(32),
        )
        with translation.override(settings.LANGUAGE_CODE):
            outbox.send_email(
                subscription.email,
                event="alert.confirm",
                subject=_("Confirm your SAMBAT alert for %(area)s")
                % {"area": area_name(subscription)},
                body=_(
                    "Someone (we hope you) asked for an e-mail whenever a new complaint is made "
                    "in %(area)s. Open this link to confirm; if it was not you, ignore this "
                    "e-mail and nothing will be sent."
                )
                % {"area": area_name(subscription)},
                link=reverse("opendata:confirm", args=[subscription.token]),
            )
    return subscription


def too_many_pending(email: str) -> bool:
    """Three unconfirmed alerts a day per address: the form cannot be used to flood one."""
    since = timezone.now() - dt.timedelta(days=1)
    return (
        Subscription.objects.filter(
            email=email.strip().lower(), confirmed_at__isnull=True, created_at__gte=since
        ).count()
        >= 3
    )


def area_name(subscription: Subscription) -> str:
    if subscription.region is not None:
        return _("Kelurahan %(name)s") % {"name": subscription.region.name}
    return _("%(radius)d m around %(lat).5f, %(lon).5f") % {
        "radius": subscription.radius_m or 0,
        "lat": subscription.lat or 0,
        "lon": subscription.lon or 0,
    }


def confirm(token: str) -> Subscription | None:
    subscription = Subscription.objects.filter(token=token, ended_at__isnull=True).first()
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(token: str) -> Subscription | None:
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is not None and subscription.ended_at is None:
        subscription.ended_at = timezone.now()
        subscription.save(update_fields=["ended_at"])
    return subscription


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def any_active_subscription() -> bool:
    return Subscription.objects.filter(confirmed_at__isnull=False, ended_at__isnull=True).exists()


def subscribers_for(complaint: Complaint) -> list[Subscription]:
    """Active alerts whose area holds the complaint: its kelurahan, or a circle around it
    (a bounding box in SQL first, the exact distance after)."""
    active = Subscription.objects.filter(confirmed_at__isnull=False, ended_at__isnull=True)
    found = list(active.filter(region_id=complaint.region_id)) if complaint.region_id else []
    if complaint.lat is not None and complaint.lon is not None:
        spread_lat = MAX_RADIUS / 111_000
        spread_lon = spread_lat / max(math.cos(math.radians(complaint.lat)), 0.01)
        near = active.filter(
            lat__range=(complaint.lat - spread_lat, complaint.lat + spread_lat),
            lon__range=(complaint.lon - spread_lon, complaint.lon + spread_lon),
        )
        here = (complaint.lat, complaint.lon)
        found += [
            s
            for s in near
            if s.lat is not None
            and s.lon is not None
            and distance_m(here, (s.lat, s.lon)) <= (s.radius_m or 0)
        ]
    unique = {s.pk: s for s in found}
    return list(unique.values())


def alert(complaint: Complaint) -> int:
    """One e-mail per matching alert (an address with two matching alerts gets one), of a
    published complaint only, with its public text."""
    if not complaint.published:
        return 0
    # Read first: most complaints match no alert, and on SQLite a transaction takes the
    # write lock at once (IMMEDIATE), which intake is waiting for under a burst.
    subscriptions = subscribers_for(complaint)
    if not subscriptions:
        return 0
    sent: set[str] = set()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for subscription in subscriptions:
            if subscription.email in sent:
                continue
            sent.add(subscription.email)
            category = complaint.category.name if complaint.category else _("Uncategorised")
            unsubscribe_url = settings.SITE_URL + reverse(
                "opendata:unsubscribe", args=[subscription.token]
            )
            outbox.send_email(
                subscription.email,
                event="alert.new_complaint",
                subject=_("New complaint in %(area)s: %(category)s")
                % {"area": area_name(subscription), "category": category},
                body=_("%(text)s\n\nTo stop these e-mails with one click: %(unsubscribe)s")
                % {"text": complaint.public_text[:500], "unsubscribe": unsubscribe_url},
                link=reverse("complaints:track", args=[complaint.ticket]),
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
    return len(sent)
