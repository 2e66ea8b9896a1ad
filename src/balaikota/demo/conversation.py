"""The demo's conversation with reporters: one complaint waiting for its reporter's answer
(its clock stopped), and one the reporter answered that the agency has not acted on yet."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from balaikota.complaints import intake, replies, services
from balaikota.complaints.models import Category, Channel, Complaint
from balaikota.core.models import User
from balaikota.demo import images
from balaikota.regions.models import Level, Region

WAITING = (
    "jalan-rusak",
    "35.73.05.1004",
    "Aspal amblas di gang dekat musala, sudah dua minggu, air menggenang kalau hujan.",
    "Gang yang mana tepatnya, dan di sebelah mana dari musala? Mohon kirim foto dari ujung "
    "gang agar tim bisa menemukannya.",
)
ANSWERED = (
    "penerangan-jalan",
    "35.73.02.1006",
    "Lampu jalan mati tiga tiang berturut-turut, gelap sekali malam hari.",
    "Apakah ada nomor pada tiang lampunya?",
    "Ada, nomornya PJU-117 sampai PJU-119, di depan toko bangunan.",
)


def _complaint(slug: str, village_code: str, text: str) -> Complaint:
    village = Region.objects.filter(code=village_code, level=Level.VILLAGE).first() or (
        Region.objects.filter(level=Level.VILLAGE).order_by("code").first()
    )
    assert village is not None
    return intake.submit_complaint(
        text=text,
        category=Category.objects.get(slug=slug),
        lat=village.centre_lat,
        lon=village.centre_lon,
        location_source="map",
        channel=Channel.WEB,
        contact=intake.Contact(name="Warga Demo", email="warga.demo@example.test"),
    ).complaint


def _staff(complaint: Complaint) -> User:
    assert complaint.agency is not None
    return User.objects.get(username=f"{complaint.agency.code}.staf")


def load_conversation() -> tuple[int, str]:
    """The two complaints, and the waiting one's answer link (the demo prints it)."""
    slug, village, text, question = WAITING
    waiting = _complaint(slug, village, text)
    staff = _staff(waiting)
    services.accept_complaint(waiting, staff, "Tim survei dijadwalkan.")
    asked = services.ask_reporter(waiting, staff, question)

    slug, village, text, question, answer = ANSWERED
    answered = _complaint(slug, village, text)
    services.ask_reporter(answered, _staff(answered), question)
    photo = images.picture(colour=(40, 40, 60), label="PJU-117")
    services.answer_question(
        answered,
        text=answer,
        photo_files=[SimpleUploadedFile("tiang.jpg", photo, content_type="image/jpeg")],
    )
    return 2, f"/lacak/{waiting.ticket}?jawab={replies.token_for(asked.pk)}"
