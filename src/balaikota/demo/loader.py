"""Loading the Kota Malang demo: everything through the same services the app uses."""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from balaikota.agencies.models import Agency, Assignment, Membership, Official, Position
from balaikota.complaints import intake, moderation, services
from balaikota.complaints.models import (
    Category,
    CategoryAttribute,
    Channel,
    Complaint,
    RoutingRule,
)
from balaikota.core.models import Role, User
from balaikota.demo import data, images
from balaikota.open311 import keys
from balaikota.open311.models import ApiClient
from balaikota.regions.models import Level, Region
from balaikota.regions.selectors import index_cache
from balaikota.regions.services import ensure_malang_regions

DEMO_PASSWORD = "sambat-malang-2026"  # noqa: S105 - printed by `make demo` on purpose
BOUNDARY_FILE = Path("..") / "shared" / "data" / "malang-kelurahan.geojson"


def _start_of(day: dt.date) -> dt.datetime:
    """The first moment of `day` in the city's time: the demo's posts are held from then."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    agency: str = ""


log = logging.getLogger(__name__)


def load_regions(boundaries: Path | None = BOUNDARY_FILE) -> bool:
    real = ensure_malang_regions(boundaries=boundaries)
    index_cache.clear()
    return real


@transaction.atomic
def load_agencies() -> None:
    setda = None
    for code, short, name, name_en, kind, district in data.AGENCIES:
        region = Region.objects.get(code=district) if district else None
        agency, _ = Agency.objects.update_or_create(
            code=code,
            defaults={
                "short_name": short,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "region": region,
                "parent": setda if code != "setda" else None,
            },
        )
        if code == "setda":
            setda = agency
        title = f"Camat {short.removeprefix('Kec. ')}" if kind == "district" else f"Kepala {short}"
        Position.objects.get_or_create(agency=agency, is_head=True, defaults={"title": title})


@transaction.atomic
def load_categories() -> None:
    for position, (slug, name, name_en, desc, desc_en, agency_code, needs_place) in enumerate(
        data.CATEGORIES
    ):
        category, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": desc,
                "description_en": desc_en,
                "position": position,
                "location_required": needs_place,
                "keywords": data.CATEGORY_KEYWORDS.get(slug, ""),
                "force_confidential": slug in data.CONFIDENTIAL_CATEGORIES,
            },
        )
        if agency_code:
            RoutingRule.objects.update_or_create(
                category=category,
                region=None,
                defaults={"agency": Agency.objects.get(code=agency_code)},
            )
        else:
            # Handled by area: each kecamatan office takes its own kecamatan's.
            for office in Agency.objects.filter(kind="district", region__isnull=False):
                RoutingRule.objects.update_or_create(
                    category=category, region=office.region, defaults={"agency": office}
                )

    for position, (slug, code, kind, required, question, question_en, choices) in enumerate(
        data.CATEGORY_QUESTIONS, start=1
    ):
        CategoryAttribute.objects.update_or_create(
            category=Category.objects.get(slug=slug),
            code=code,
            defaults={
                "datatype": kind,
                "required": required,
                "description": question,
                "description_en": question_en,
                "values": choices,
                "position": position,
            },
        )


# Like the demo password: a known key, so that a developer can try Open311 POST at once.
DEMO_API_KEY = "bk_demo-sambat-malang-2026"


def load_api_client() -> str:
    """The demo's Open311 client (a community app), with its well-known key."""
    ApiClient.objects.get_or_create(
        key_hash=keys.hash_key(DEMO_API_KEY),
        defaults={
            "name": "Demo komunitas",
            "organisation": "Komunitas digital Malang (demo)",
            "key_prefix": DEMO_API_KEY[:8],
            "rate_limit": 0,
        },
    )
    return DEMO_API_KEY


def _demo_password_hash() -> str:
    # Hashing is slow on purpose; the demo's users share one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(username: str, role: str, first: str, last: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.balaikota.local",
        },
    )
    if created:
        user.password = _demo_password_hash()
        if role == Role.ADMIN:
            user.is_superuser = True
        user.save()
    return user


@transaction.atomic
def load_users() -> list[Login]:
    logins = [
        Login("admin", "admin"),
        Login("operator", "operator"),
        Login("walikota", "mayor_office"),
        Login("warga", "citizen"),
        Login("pdp", "privacy_officer"),
    ]
    _user("admin", Role.ADMIN, "Admin", "Balaikota")
    _user("operator", Role.OPERATOR, "Operator", "Command Center")
    _user("walikota", Role.MAYOR_OFFICE, "Kantor", "Wali Kota")
    _user("warga", Role.CITIZEN, "Warga", "Malang")
    _user("pdp", Role.PRIVACY_OFFICER, "Petugas", "Pelindungan Data")
    today = timezone.localdate()
    for agency in Agency.objects.exclude(code="setda").order_by("code"):
        head = _user(f"{agency.code}.kepala", Role.AGENCY_HEAD, "Kepala", agency.short_name)
        staff = _user(f"{agency.code}.staf", Role.AGENCY_STAFF, "Petugas", agency.short_name)
        for person in (head, staff):
            Membership.objects.get_or_create(user=person, agency=agency)
        official, _ = Official.objects.get_or_create(
            user=head, defaults={"name": head.get_full_name()}
        )
        position = Position.objects.get(agency=agency, is_head=True)
        Assignment.objects.get_or_create(
            position=position, official=official, defaults={"starts_at": _start_of(today)}
        )
        logins += [
            Login(head.username, "agency_head", agency.code),
            Login(staff.username, "agency_staff", agency.code),
        ]
    return logins


def load_sample_complaints(seed: int = 2018) -> int:
    """A few complaints across the city at every stage; only into an empty database (or one
    holding only the demo's half-year history, made just before)."""
    from balaikota.demo.history import REPORTER_NAME

    if Complaint.objects.exclude(reporter_name=REPORTER_NAME).exists():
        return 0
    rng = random.Random(seed)
    operator = User.objects.get(username="operator")
    count = 0
    for slug, village_code, text, stage in data.SAMPLES:
        village = Region.objects.get(code=village_code, level=Level.VILLAGE)
        lat, lon = village.centre_lat or 0.0, village.centre_lon or 0.0
        photo = SimpleUploadedFile(
            "foto.jpg",
            images.picture(
                colour=(rng.randint(60, 180), rng.randint(60, 160), 90), gps=(lat, lon), label=slug
            ),
            content_type="image/jpeg",
        )
        category = Category.objects.get(slug=slug)
        submission = intake.submit_complaint(
            text=text,
            category=category if stage not in {"submitted", "rejected"} else None,
            photo_files=[photo],
            channel=Channel.WEB,
            contact=intake.Contact(name="Warga Demo", phone="081234567890"),
        )
        _advance(submission.complaint, stage, operator, rng)
        count += 1
    return count + _privacy_samples(operator) + _conversation_samples()


def _conversation_samples() -> int:
    from balaikota.demo.conversation import load_conversation

    made, answer_link = load_conversation()
    log.info("Demo: a complaint waits for its reporter's answer at %s", answer_link)
    return made


def _privacy_samples(operator: User) -> int:
    """One complaint of each privacy mode, and one a moderator edited: personal data written
    into the text shows as [disamarkan] on the public pages."""
    for mode, slug, village_code, text, contact in data.PRIVACY_SAMPLES:
        village = Region.objects.get(code=village_code, level=Level.VILLAGE)
        submission = intake.submit_complaint(
            text=text,
            category=Category.objects.get(slug=slug),
            lat=village.centre_lat,
            lon=village.centre_lon,
            channel=Channel.WEB,
            contact=intake.Contact(name=contact[0], phone=contact[1], email=contact[2]),
            privacy="public" if mode == "moderated" else mode,
        )
        complaint = submission.complaint
        if mode == "moderated":
            moderation.edit_public_text(
                complaint,
                operator,
                data.MODERATED_PUBLIC_TEXT,
                "Nama tetangga dan tuduhan pribadi dihapus dari teks publik.",
            )
    return len(data.PRIVACY_SAMPLES)


def _advance(complaint: Complaint, stage: str, operator: User, rng: random.Random) -> None:
    if stage == "submitted":
        return
    complaint.refresh_from_db()
    if stage == "rejected":
        if complaint.agency is not None:  # the routing model sent it on: the agency returns it
            staff = User.objects.get(username=f"{complaint.agency.code}.staf")
            services.return_to_operator(complaint, staff, "Lokasi di lahan milik pribadi.")
        services.reject_complaint(
            complaint, operator, "Lokasi berada di lahan milik pribadi, bukan fasilitas umum."
        )
        return
    agency = complaint.agency
    if agency is None:
        return
    staff = User.objects.get(username=f"{agency.code}.staf")
    if stage == "assigned":
        return
    services.accept_complaint(complaint, staff, "Tim sudah dijadwalkan ke lokasi.")
    if stage == "in_progress":
        return
    # Taken at the place: the field check compares the photo's GPS with it.
    at = None
    if complaint.lat is not None and complaint.lon is not None:
        at = (complaint.lat, complaint.lon)
    after = SimpleUploadedFile(
        "sesudah.jpg",
        images.picture(colour=(90, 160, 90), label="OK", gps=at),
        content_type="image/jpeg",
    )
    services.resolve_complaint(complaint, staff, "Sudah diperbaiki oleh tim lapangan.", after)
    if stage == "closed":
        services.confirm_resolution(complaint, rating=rng.randint(4, 5), comment="Terima kasih.")
