"""The demo's forwarded complaint that came back closed: a licence complaint sent on to a
national system (SP4N-LAPOR!, as an example), which closed it with its own notes; resolved
here with those notes, waiting for the reporter's confirmation.

The example system is switched off (`is_active=False`): nothing is sent to it, and it is not
asked again. The forward is recorded as the worker records one (`open311.forwarding`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balaikota.complaints import intake
from balaikota.complaints import services as complaints
from balaikota.complaints.models import Category, Channel
from balaikota.complaints.steps import city_text
from balaikota.core import audit
from balaikota.open311 import forwarding
from balaikota.open311.models import Forward, ForwardingTarget, ForwardState
from balaikota.regions.models import Level, Region

TARGET = "SP4N-LAPOR! (contoh)"
REMOTE_ID = "LAPOR-2026-118734"
NOTES = (
    "Berkas PBG pelapor telah diverifikasi ulang dan izin terbit pada 28-11-2026. "
    "Dokumen dapat diunduh melalui akun OSS pelapor."
)


def load_forwarded_sample() -> int:
    if ForwardingTarget.objects.filter(name=TARGET).exists():
        return 0
    village = Region.objects.get(code="35.73.02.1004", level=Level.VILLAGE)  # Kiduldalem
    with transaction.atomic():
        target = ForwardingTarget.objects.create(
            name=TARGET,
            endpoint="https://lapor.example.invalid/open311/v2/",
            api_key="contoh",
            category=Category.objects.get(slug="perizinan"),
            is_active=False,
        )
        complaint = intake.submit_complaint(
            text=(
                "Pengajuan PBG rumah saya sudah dua bulan berstatus menunggu verifikasi "
                "tanpa kabar. Mohon ditindaklanjuti."
            ),
            category=Category.objects.get(slug="perizinan"),
            lat=village.centre_lat,
            lon=village.centre_lon,
            location_source="map",
            channel=Channel.WEB,
            contact=intake.Contact(name="Warga Demo", email="warga.demo@example.test"),
        ).complaint
        sent = timezone.now() - dt.timedelta(days=3)
        forward = Forward.objects.create(
            complaint=complaint,
            target=target,
            state=ForwardState.SENT,
            attempts=1,
            remote_id=REMOTE_ID,
            sent_at=sent,
            polled_at=timezone.now(),
        )
        complaints.record_forward(
            complaint,
            city_text(
                _("Forwarded to %(system)s (their number: %(id)s)."), system=TARGET, id=REMOTE_ID
            ),
        )
        audit.record(
            actor=None,
            action="open311.forwarded",
            object_type="complaint",
            object_id=complaint.ticket,
            after={"target": TARGET, "remote_id": REMOTE_ID, "remote_token": ""},
        )
        forward.remote_status, forward.remote_notes = forwarding.CLOSED, NOTES
        forward.remote_updated_at = timezone.now() - dt.timedelta(days=1)
        forward.save()
        forwarding.follow_remote(forward, forwarding.CLOSED, NOTES, reopened=False)
    return 1
