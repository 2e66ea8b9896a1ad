"""The demo of issue 12's news: a complaint with followers, and a resolved complaint whose
"resolved" e-mail (in the demo's file mail, VAR_DIR/mail, once the worker has run) carries
the link to confirm, rate or reopen it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from balaikota.complaints import following, intake, services
from balaikota.complaints.models import Category, Channel, Complaint
from balaikota.core.models import User
from balaikota.demo import images
from balaikota.regions.models import Level, Region

RESOLVED_REPORTER = "sari.demo@example.test"
FOLLOWERS = ("tetangga1.demo@example.test", "tetangga2.demo@example.test")


@dataclass
class Shown:
    followed: str
    resolved: str


def _complaint(text: str, slug: str, village: str, email: str) -> Complaint:
    place = Region.objects.get(code=village, level=Level.VILLAGE)
    return intake.submit_complaint(
        text=text,
        category=Category.objects.get(slug=slug),
        lat=place.centre_lat,
        lon=place.centre_lon,
        channel=Channel.WEB,
        contact=intake.Contact(name="Sari (demo)", email=email, notify_by="email"),
    ).complaint


def load_news_samples() -> Shown | None:
    """Only once (None when the samples are there already)."""
    if Complaint.objects.filter(reporter_email=RESOLVED_REPORTER).exists():
        return None
    staff = User.objects.get(username="dpupr.staf")
    followed = _complaint(
        "Trotoar di depan pasar ambles sepanjang lima meter, pejalan kaki turun ke jalan.",
        "jalan-rusak",
        "35.73.02.1001",
        "pelapor.demo@example.test",
    )
    followed.refresh_from_db()
    for address in FOLLOWERS:
        follower = following.follow(followed, address)
        if follower is not None:
            following.confirm(follower.token)
    # Its next step goes to both followers (public text only) and to its reporter.
    services.accept_complaint(followed, staff, "Tim survei dijadwalkan Kamis pagi.")
    services.add_progress_note(followed, staff, "Material beton sudah dipesan.")

    resolved = _complaint(
        "Lubang besar di Jl. Ijen dekat gereja, mobil harus menghindar ke lajur lain.",
        "jalan-rusak",
        "35.73.02.1001",
        RESOLVED_REPORTER,
    )
    resolved.refresh_from_db()
    services.accept_complaint(resolved, staff, "Tim tambal berangkat besok.")
    after = SimpleUploadedFile(
        "sesudah.jpg", images.picture(colour=(90, 160, 90), label="OK"), content_type="image/jpeg"
    )
    services.resolve_complaint(resolved, staff, "Lubang sudah ditambal dan dipadatkan.", after)
    return Shown(followed=followed.ticket, resolved=resolved.ticket)
