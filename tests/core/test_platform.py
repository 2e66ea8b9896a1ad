"""The platform around the complaints: health, log-in lockout, settings, the audit chain."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from balaikota.core import audit
from balaikota.core.models import AuditEntry
from tests.conftest import Cast, submit

# A key production accepts (balaikota.core.secretkey).
STRONG_KEY = secrets.token_urlsafe(48)


@pytest.mark.django_db
def test_health_check_answers_with_the_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(cast: Cast, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": "pupr", "password": "wrong"})
    locked = client.post(reverse("core:login"), {"username": "pupr", "password": "password-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_staff_log_in_and_land_in_their_inbox(cast: Cast) -> None:
    from tests.accounts.conftest import code_for, enrolled

    device = enrolled(cast.pupr_staff)
    client = Client()
    response = client.post(
        reverse("core:login"), {"username": "pupr", "password": "password-123"}, follow=True
    )
    # the password leads to the second factor, the code to the inbox
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    response = client.post(response.redirect_chain[-1][0], {"code": code_for(device)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("complaints:inbox")


def _start_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import balaikota.settings"],
        env={**clean, "SITE_URL": "https://sambat.example.id", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _start_settings(DEBUG="false", ALLOWED_HOSTS="sambat.example.id")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _start_settings(DEBUG="false", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_starts_with_both_set() -> None:
    result = _start_settings(
        DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="sambat.example.id"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_audit_chain_verifies_and_detects_a_rewritten_entry(cast: Cast) -> None:
    submit()
    submit()
    assert list(audit.broken_links()) == []
    victim = AuditEntry.objects.filter(object_type="complaint").order_by("id")[1]
    # The application refuses to change entries; only a direct write to the database can.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_label = %s WHERE id = %s", ["someone-else", victim.pk]
        )
    assert next(entry.pk for entry in audit.broken_links()) == victim.pk


def test_static_files_collect_with_the_production_storage(tmp_path: Any) -> None:
    # Production hashes and compresses every file (and fails on a broken reference), which
    # the tests' plain storage never does.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="sambat.example.id",
        SITE_URL="https://sambat.example.id",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "balaikota.cli", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "balaikota/report.js" in manifest
    assert "leaflet/leaflet.js" in manifest


def test_links_in_e_mails_follow_the_demo_s_port_when_no_site_url_is_set() -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    result = subprocess.run(
        [sys.executable, "-c", "import balaikota.settings as s; print(s.SITE_URL)"],
        env={**clean, "DEBUG": "true", "PORT": "8080"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8080"
