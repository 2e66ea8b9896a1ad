"""E-mail never goes to the console (which prints recipients and texts into the log); with
DEBUG off and nothing chosen, `balaikota serve` refuses to start. Delivery logs name the
message, never its recipient."""

from __future__ import annotations

import ast
import logging
import os
import secrets
import smtplib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.core.management import CommandError, call_command

from balaikota.core import mailconfig
from balaikota.notifications import delivery
from balaikota.notifications.models import DeliveryStatus, OutboxMessage
from balaikota.privacy import retention
from tests.conftest import Cast
from tests.privacy.conftest import SITI_VALUES, holds_any, report

ROOT = Path(__file__).resolve().parents[2]


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient, naming it, as real ones do."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        recipients = {
            to: (550, b"5.1.1 mailbox unavailable") for m in email_messages for to in m.to
        }
        raise smtplib.SMTPRecipientsRefused(recipients)  # type: ignore[arg-type]


def test_with_debug_off_and_no_smtp_server_nothing_is_chosen() -> None:
    assert mailconfig.resolve("", debug=False, email_host="") == ""
    problem = mailconfig.problem("", debug=False, email_host="")
    assert problem is not None
    assert "EMAIL_HOST" in problem
    assert "EMAIL_BACKEND_KIND=file" in problem


@pytest.mark.parametrize(
    ("kind", "debug", "host", "chosen"),
    [
        ("", True, "", "file"),
        ("", False, "smtp.example", "smtp"),
        ("", True, "smtp.example", "smtp"),
        ("file", False, "", "file"),
        ("none", False, "", "none"),
        ("SMTP", False, "smtp.example", "smtp"),
    ],
)
def test_a_choice_or_a_server_lets_it_start(kind: str, debug: bool, host: str, chosen: str) -> None:
    assert mailconfig.resolve(kind, debug=debug, email_host=host) == chosen
    assert mailconfig.problem(kind, debug=debug, email_host=host) is None


def test_the_console_is_never_a_choice() -> None:
    assert not any("console" in backend for backend in mailconfig.BACKENDS.values())
    with pytest.raises(ValueError, match="EMAIL_BACKEND_KIND"):
        mailconfig.resolve("console", debug=True, email_host="")
    assert mailconfig.problem("smtp", debug=False, email_host="") is not None


def test_serve_refuses_to_start_without_a_mail_choice(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: production settings with no way for e-mail to leave
    settings.DEBUG = False
    settings.EMAIL_BACKEND_PROBLEM = mailconfig.problem("", debug=False, email_host="")

    def no_server(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("serve started a process")

    monkeypatch.setattr(subprocess, "Popen", no_server)
    # when / then
    with pytest.raises(CommandError, match="EMAIL_BACKEND_KIND"):
        call_command("serve")


def test_production_settings_without_a_choice_keep_mail_pending(tmp_path: Path) -> None:
    """The settings module itself, as `gunicorn balaikota.wsgi` would load it."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEBUG"))},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "sambat.example",
        "SITE_URL": "https://sambat.example",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "balaikota.settings",
    }
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND); print(settings.EMAIL_BACKEND_PROBLEM is not None)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["balaikota.core.mailbackends.UnchosenBackend", "True"]
    env["EMAIL_BACKEND_KIND"] = "file"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["django.core.mail.backends.filebased.EmailBackend", "False"]


def test_mail_waits_in_the_outbox_until_a_backend_is_chosen(cast: Cast, settings: Any) -> None:
    settings.EMAIL_BACKEND = mailconfig.BACKENDS[""]
    report()
    delivery.deliver_due()
    waiting = OutboxMessage.objects.filter(address="siti@example.test").get()
    assert waiting.status == DeliveryStatus.PENDING
    assert "EMAIL_BACKEND_KIND" in waiting.last_error


def test_the_file_backend_writes_under_var_mail_and_retention_removes_it(
    cast: Cast, settings: Any, tmp_path: Path
) -> None:
    # given
    settings.EMAIL_BACKEND = mailconfig.BACKENDS["file"]
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    report()
    # when
    delivery.deliver_due()
    # then
    files = list((tmp_path / "mail").iterdir())
    assert files
    assert "siti@example.test" in "".join(f.read_text() for f in files)
    for f in files:
        os.utime(f, (1, 1))  # written long ago
    assert retention.purge_personal_data().mail_files == len(files)
    assert list((tmp_path / "mail").iterdir()) == []


def test_a_refused_recipient_is_named_neither_in_the_log_nor_in_the_error(
    cast: Cast, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    complaint = report().complaint
    # when
    with caplog.at_level(logging.WARNING, logger="balaikota.notifications.delivery"):
        delivery.deliver_due()
    # then
    assert "failed" in caplog.text
    assert "SMTPRecipientsRefused" in caplog.text
    assert holds_any(caplog.text, SITI_VALUES) == []
    failed = OutboxMessage.objects.filter(address="siti@example.test").get()
    assert "siti@example.test" not in failed.last_error
    assert complaint.ticket  # the log names the message and its event instead
    assert f"outbox message {failed.pk} (email, complaint.received)" in caplog.text


def test_no_log_call_in_the_code_prints_a_contact_or_a_body() -> None:
    """Log calls name ids and tickets, never a reporter's contact or a message's text."""
    personal = ("reporter_name", "reporter_phone", "reporter_email", "reporter_nik")
    personal += (".body", ".address", ".text", "source_url", "requester_")
    offending = []
    for path in (ROOT / "src" / "balaikota").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"log", "logger", "logging"}
                and node.func.attr in {"debug", "info", "warning", "error", "exception"}
            ):
                call = ast.get_source_segment(source, node) or ""
                if any(field in call for field in personal):
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offending == []
