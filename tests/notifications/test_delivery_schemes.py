"""A webhook is only ever POSTed over HTTP(S): urllib would also read file: and ftp: URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from balaikota.agencies.models import Agency
from balaikota.notifications import delivery
from balaikota.notifications.models import DeliveryStatus, OutboxMessage
from tests.conftest import Cast, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["file", "ftp"])
def test_a_webhook_address_that_is_not_http_is_never_opened(
    cast: Cast, tmp_path: Path, scheme: str
) -> None:
    # given an agency whose webhook address names a local file (or an FTP server)
    target = tmp_path / "secret.txt"
    target.write_text("not for the network")
    Agency.objects.filter(code="dpupr").update(webhook_url=f"{scheme}://{target}")
    # when its notice is delivered
    submit()
    delivery.deliver_due()
    # then nothing was read or sent, and the message waits with the reason
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == DeliveryStatus.PENDING
    assert "not http:// or https://" in message.last_error
