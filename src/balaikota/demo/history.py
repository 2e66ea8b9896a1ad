"""Half a year of the city's complaints for the demo's map and dashboards.

Made through the same services as real complaints, each step at its own moment in the
past (with time-machine), in the order the steps happened: the audit chain is the one a
real half-year would leave, and a head is published for each day as the nightly job does.
Needs time-machine (installed with the project's lock); without it no history is made.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from balaikota.complaints import intake, services
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Category, Channel, Complaint
from balaikota.complaints.router import DATA_DIR
from balaikota.core import integrity
from balaikota.core.models import User
from balaikota.core.workdays import JAKARTA, add_working_days
from balaikota.demo import images
from balaikota.regions.models import Level, Region

DAYS = 180
REPORTER_NAME = "Warga Malang"  # tells the history's complaints from the samples
# Categories that happen in a place, weighted roughly as a city's complaints are.
WEIGHTS = {
    "jalan-rusak": 9,
    "sampah": 8,
    "penerangan-jalan": 6,
    "saluran-drainase": 5,
    "banjir-genangan": 3,
    "parkir-liar": 3,
    "pohon-tumbang": 2,
    "taman-rth": 2,
    "lampu-lalu-lintas": 2,
    "ketertiban-umum": 2,
    "air-bersih": 2,
}


@dataclass(order=True)
class Step:
    moment: dt.datetime
    order: int
    run: Callable[[], None] = field(compare=False)


def _texts(slug: str) -> list[str]:
    lines = (DATA_DIR / f"{slug}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _after_photo(complaint: Complaint | None = None) -> SimpleUploadedFile:
    # Taken at the place (its GPS), as the field check expects of an "after" photo.
    at = None
    if complaint is not None and complaint.lat is not None and complaint.lon is not None:
        at = (complaint.lat, complaint.lon)
    return SimpleUploadedFile(
        "sesudah.jpg",
        images.picture(320, 240, colour=(90, 160, 90), label="OK", gps=at),
        content_type="image/jpeg",
    )


def load_history(count: int = 160, seed: int = 2026) -> int:
    """`count` complaints over the last DAYS days; only when no history was made yet."""
    try:
        import time_machine
    except ImportError:
        return 0
    if Complaint.objects.exists():
        return 0  # only into an empty database, like the samples
    rng = random.Random(seed)
    now = timezone.now()
    villages = list(Region.objects.filter(level=Level.VILLAGE, centre_lat__isnull=False))
    categories = {c.slug: c for c in Category.objects.filter(slug__in=WEIGHTS)}
    texts = {slug: _texts(slug) for slug in categories}
    slugs = list(categories)
    channels = list(Channel.values)
    steps: list[Step] = []
    for number in range(count):
        steps += _plan(number, rng, now, villages, categories, texts, slugs, channels)
    steps.sort()
    last_day: dt.date | None = None
    for step in steps:
        day = step.moment.astimezone(JAKARTA).date()
        if last_day is not None and day != last_day:
            _publish_head(time_machine, last_day)
        # An earlier step may have changed a complaint's course: the later ones then do not apply.
        with time_machine.travel(step.moment, tick=False), suppress(TransitionNotAllowed):
            step.run()
        last_day = day
    return count


def _publish_head(time_machine: object, day: dt.date) -> None:
    end = dt.datetime.combine(day, dt.time(23, 55), tzinfo=JAKARTA)
    with time_machine.travel(end, tick=False):  # type: ignore[attr-defined]
        integrity.publish_checkpoint(day)


def _plan(
    number: int,
    rng: random.Random,
    now: dt.datetime,
    villages: list[Region],
    categories: dict[str, Category],
    texts: dict[str, list[str]],
    slugs: list[str],
    channels: list[str],
) -> list[Step]:
    slug = rng.choices(slugs, weights=[WEIGHTS[s] for s in slugs])[0]
    village = rng.choice(villages)
    lat = (village.centre_lat or 0.0) + rng.uniform(-0.002, 0.002)
    lon = (village.centre_lon or 0.0) + rng.uniform(-0.002, 0.002)
    created = (now - dt.timedelta(days=rng.uniform(1, DAYS))).astimezone(JAKARTA)
    created = created.replace(hour=rng.randint(6, 21))
    state: dict[str, Complaint] = {}

    def submit() -> None:
        state["complaint"] = intake.submit_complaint(
            text=rng.choice(texts[slug]),
            category=categories[slug],
            lat=lat,
            lon=lon,
            location_source="device",
            channel=Channel(rng.choice(channels)),
            contact=intake.Contact(name=REPORTER_NAME),
        ).complaint

    def staff() -> User | None:
        complaint = state.get("complaint")
        if complaint is None or complaint.agency is None:
            return None
        return User.objects.filter(username=f"{complaint.agency.code}.staf").first()

    def accept() -> None:
        user = staff()
        if user is not None:
            services.accept_complaint(state["complaint"], user, "Tim sudah dijadwalkan.")

    def resolve() -> None:
        user = staff()
        if user is not None:
            services.resolve_complaint(
                state["complaint"],
                user,
                "Sudah ditangani tim lapangan.",
                _after_photo(state["complaint"]),
            )

    def confirm() -> None:
        rating = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 8, 5])[0]
        services.confirm_resolution(state["complaint"], rating=rating)

    steps = [Step(created, number * 10, submit)]
    # Most agencies follow up within the five working days; some are late.
    followup = add_working_days(created, rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6, 8]))
    followup = followup.replace(hour=rng.randint(8, 15), minute=rng.randint(0, 59))
    resolved = followup + dt.timedelta(days=rng.uniform(1, 16))
    confirmed = resolved + dt.timedelta(days=rng.uniform(0.2, 5))
    fate = rng.random()
    if followup < now and fate > 0.08:
        steps.append(Step(followup, number * 10 + 1, accept))
        if resolved < now and fate > 0.22:
            steps.append(Step(resolved, number * 10 + 2, resolve))
            if confirmed < now and fate > 0.3:
                steps.append(Step(confirmed, number * 10 + 3, confirm))
    return steps
