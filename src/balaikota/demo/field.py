"""Work in the field for the demo: a team and field officers in PUPR and DLH, a complaint an
officer resolved with an "after" photo taken at the place, and an open task on the
officer's list. Through the same services as the app; safe to run again."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints import intake, services
from balaikota.complaints.models import Category, Channel, Complaint
from balaikota.core.models import Role, User
from balaikota.demo import images
from balaikota.demo.loader import Login, _user
from balaikota.regions.models import Level, Region

# agency, team, officer's user name, first and last name
OFFICERS = [
    ("dpupr", "Tim Reaksi Cepat Jalan", "dpupr.petugas", "Budi", "Santoso"),
    ("dlh", "Tim Kebersihan Klojen", "dlh.petugas", "Siti", "Rahayu"),
]
# The demo's field complaints, told from the others by their text.
RESOLVED_TEXT = (
    "Lubang besar di Jalan Soekarno-Hatta dekat halte, sudah dua motor jatuh minggu ini."
)
OPEN_TEXT = "Aspal mengelupas dan berlubang di tikungan Jalan Bunga Kopi, gelap kalau malam."
# About 30 m north of the place: the "after" photo is within the allowed distance.
NEARBY = 0.00027


@transaction.atomic
def load_field_teams() -> list[Login]:
    logins = []
    for code, team_name, username, first, last in OFFICERS:
        agency = Agency.objects.get(code=code)
        team, _ = Team.objects.get_or_create(agency=agency, name=team_name)
        officer = _user(username, Role.AGENCY_STAFF, first, last)
        Membership.objects.update_or_create(
            user=officer, agency=agency, defaults={"is_field_officer": True, "team": team}
        )
        logins.append(Login(username, "agency_staff", f"{code} (field officer)"))
    return logins


def _submit(text: str, village_code: str) -> Complaint:
    village = Region.objects.get(code=village_code, level=Level.VILLAGE)
    lat, lon = village.centre_lat or 0.0, village.centre_lon or 0.0
    return intake.submit_complaint(
        text=text,
        category=Category.objects.get(slug="jalan-rusak"),
        lat=lat,
        lon=lon,
        location_source="map",
        photo_files=[
            SimpleUploadedFile(
                "foto.jpg",
                images.picture(colour=(120, 100, 80), gps=(lat, lon), label="jalan"),
                content_type="image/jpeg",
            )
        ],
        channel=Channel.WEB,
        contact=intake.Contact(name="Warga Demo", phone="081234567891"),
    ).complaint


def load_field_complaints() -> int:
    """A complaint resolved by PUPR's officer and one waiting on their task list."""
    if Complaint.objects.filter(text=RESOLVED_TEXT).exists():
        return 0
    staff = User.objects.get(username="dpupr.staf")
    officer = User.objects.get(username="dpupr.petugas")
    done = _submit(RESOLVED_TEXT, "35.73.05.1005")  # Sumbersari, Lowokwaru
    services.dispatch_complaint(done, staff, officer=officer, note="Prioritas: dekat halte.")
    services.accept_complaint(done, officer, "Menuju lokasi.")
    services.add_progress_note(done, officer, "Lubang dibersihkan, menunggu aspal dingin.")
    assert done.lat is not None
    assert done.lon is not None
    after = SimpleUploadedFile(
        "sesudah.jpg",
        images.picture(colour=(90, 160, 90), gps=(done.lat + NEARBY, done.lon), label="OK"),
        content_type="image/jpeg",
    )
    services.resolve_complaint(done, officer, "Lubang sudah ditambal dengan aspal panas.", after)
    waiting = _submit(OPEN_TEXT, "35.73.05.1006")
    services.dispatch_complaint(waiting, staff, officer=officer)
    return 2
