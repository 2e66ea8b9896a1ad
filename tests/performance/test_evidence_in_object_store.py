"""Check-in evidence in an S3-compatible object store (a real SeaweedFS server): kept in the
private bucket, which no one reads without the key, and handed out by the application to
those who may read the commitment."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balaikota.performance import monitoring
from balaikota.performance.models import Agreement, Commitment
from tests.objectstore import PRIVATE, PUBLIC, S3Server, anonymous_get
from tests.performance.conftest import World, signed

MINUTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_evidence_is_private_in_the_bucket_and_read_through_the_app(
    world: World, object_store: S3Server
) -> None:
    # given the head of PUPR reports a quarter with the signed minutes as evidence
    commitment = Commitment.objects.get(offer=signed(world, "dpupr"))
    upload = SimpleUploadedFile("berita-acara.pdf", MINUTES, content_type="application/pdf")
    check_in = monitoring.submit_check_in(
        world.pupr_head,
        commitment,
        monitoring.CheckInInput(quarter=1, actual=9, confidence="high", files=[upload]),
    )
    evidence = check_in.evidence.get()

    # then the file is in the private bucket only (beside the signed agreement, PK), and a
    # stranger cannot fetch either there
    key = f"private/{evidence.file}"
    pk = f"private/{Agreement.objects.get(offer=commitment.offer).file}"
    assert set(object_store.keys(PRIVATE)) == {key, pk}
    assert object_store.keys(PUBLIC) == []
    assert anonymous_get(object_store.url(PRIVATE, key))[0] == 403
    assert anonymous_get(object_store.url(PRIVATE, pk))[0] == 403
    # the verifier downloads it through the application
    verifier = Client()
    verifier.force_login(world.verifier)
    response = verifier.get(reverse("performance:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINUTES  # type: ignore[attr-defined]
    assert "berita-acara.pdf" in response["Content-Disposition"]
    # a citizen does not
    citizen = Client()
    citizen.force_login(world.cast.citizen)
    assert citizen.get(reverse("performance:evidence", args=[evidence.pk])).status_code == 404
