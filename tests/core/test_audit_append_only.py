"""Nothing in the application changes or removes audit entries; corrections are new ones."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from balaikota.core import audit
from balaikota.core.models import AppendOnly, AuditCheckpoint, AuditEntry
from tests.conftest import Cast, submit

pytestmark = pytest.mark.django_db


def superuser_client(cast: Cast) -> Client:
    cast.admin.is_superuser = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    return client


def test_an_entry_cannot_be_saved_again(cast: Cast) -> None:
    submit()
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.action = "complaint.nothing"
    with pytest.raises(AppendOnly):
        entry.save()


def test_entries_cannot_be_deleted_one_by_one_or_in_bulk(cast: Cast) -> None:
    submit()
    entry = AuditEntry.objects.first()
    assert entry is not None
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.update(action="x")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_published_heads_cannot_be_changed(cast: Cast) -> None:
    submit()
    from balaikota.core import integrity

    checkpoint = integrity.publish_checkpoint()
    assert checkpoint is not None
    with pytest.raises(AppendOnly):
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(entry_hash="0" * 64)


def test_the_admin_shows_entries_but_offers_no_change_or_delete(cast: Cast) -> None:
    submit()
    entry = AuditEntry.objects.first()
    assert entry is not None
    client = superuser_client(cast)
    assert client.get("/admin/core/auditentry/").status_code == 200
    page = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert (
        client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_correction_is_a_new_entry_chained_after_the_old(cast: Cast) -> None:
    submit()
    count = AuditEntry.objects.count()
    with transaction.atomic():
        audit.record(actor=cast.admin, action="note.correction", object_type="note", object_id=1)
    assert AuditEntry.objects.count() == count + 1
    assert list(audit.broken_links()) == []
