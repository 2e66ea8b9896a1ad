"""Production posture: HTTPS only (HSTS, redirect, Secure cookies), X-Forwarded-Proto believed
only from trusted proxies, a SECRET_KEY nobody can guess, a clean `check --deploy`, and a
demo that will not load its published accounts into a production database.

The settings are read in a fresh interpreter with a production environment, as gunicorn
would read them; the test process's own settings are the tests'.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from balaikota.core import secretkey
from balaikota.core.models import User
from balaikota.open311.models import ApiClient

DEVELOPMENT_KEY = "insecure-development-key-do-not-use-in-production"
STRONG_KEY = secrets.token_urlsafe(48)
SITE = "sambat.example.id"
# What the machine's environment could set that would change the settings under test.
_OURS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "TRUSTED_PROXIES",
    "ALLOW_INSECURE_HTTP",
    "HSTS_",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_",
    "VAR_DIR",
    # DJANGO_SETTINGS_MODULE, and DJANGO_ALLOW_ASYNC_UNSAFE set by the browser tests
    "DJANGO_",
)


def _production_env(tmp_path: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return {
        **clean,
        "DEBUG": "false",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": SITE,
        "SITE_URL": f"https://{SITE}",
        "EMAIL_HOST": "smtp.example.id",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "true",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "balaikota.settings",
        **env,
    }


# Read in the production interpreter: the settings, and what a browser sees over HTTP.
_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

# No collected static files nor tables here: a page may fail to render; only the redirect
# (or its absence) and the headers matter.
client = Client(HTTP_HOST="sambat.example.id", raise_request_exception=False)
plain = client.get("/")
forwarded = client.get("/", HTTP_X_FORWARDED_PROTO="https")
health = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "plain": [plain.status_code, plain.headers.get("Location")],
    "forwarded": [forwarded.status_code, forwarded.headers.get("Location")],
    "health": [health.status_code, health.headers.get("Strict-Transport-Security")],
}))
"""


def _start(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def _probe(tmp_path: Path, **env: str) -> dict[str, Any]:
    result = _start(_production_env(tmp_path, **env), "-c", _PROBE)
    assert result.returncode == 0, result.stderr[-2000:]
    probed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return probed


# --- the SECRET_KEY -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "must be set"),
        ("a" * 40, "at least 50"),
        ("a" * 64, "repeats a pattern"),
        ("abc" * 22, "repeats a pattern"),
        ("sambat-malang-2026-" * 3, "repeats a pattern"),
        (DEVELOPMENT_KEY, "development key"),
        ("django-insecure-" + secrets.token_urlsafe(40), "development key"),
        (secrets.token_hex(16), "at least 50"),  # random, but only 32 characters
        # long and not periodic, but drawn from four letters: about 100 bits
        ("".join(secrets.choice("abcd") for _ in range(50)), "too little variety"),
        ("ab" * 20 + "abcabcabcab", "too little variety"),
    ],
)
def test_a_guessable_secret_key_is_refused_with_the_reason(key: str, reason: str) -> None:
    problem = secretkey.problem(key, development_key=DEVELOPMENT_KEY)
    assert problem is not None
    assert reason in problem
    assert "secrets.token_urlsafe(48)" in problem  # and how to make a good one


@pytest.mark.parametrize(
    "key",
    [
        secrets.token_urlsafe(48),
        secrets.token_urlsafe(38),  # 51 characters
        secrets.token_hex(32),
        "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50)),
    ],
)
def test_a_random_secret_key_is_accepted(key: str) -> None:
    assert secretkey.problem(key, development_key=DEVELOPMENT_KEY) is None


def test_production_refuses_a_key_of_forty_as(tmp_path: Path) -> None:
    result = _start(_production_env(tmp_path, SECRET_KEY="a" * 40), "-c", "import django")
    assert result.returncode == 0  # importing Django alone reads no settings
    result = _start(_production_env(tmp_path, SECRET_KEY="a" * 40), "-m", "balaikota.cli", "check")
    assert result.returncode != 0
    assert "ConfigurationError: SECRET_KEY has 40 characters" in result.stderr


def test_production_refuses_a_repeated_pattern_as_key(tmp_path: Path) -> None:
    result = _start(
        _production_env(tmp_path, SECRET_KEY="abc" * 20), "-m", "balaikota.cli", "check"
    )
    assert result.returncode != 0
    assert "SECRET_KEY repeats a pattern" in result.stderr


def test_a_secret_key_from_a_file_is_checked_too(tmp_path: Path) -> None:
    weak = tmp_path / "secret_key"
    weak.write_text("x" * 60 + "\n")
    env = _production_env(tmp_path, SECRET_KEY_FILE=str(weak))
    del env["SECRET_KEY"]
    result = _start(env, "-m", "balaikota.cli", "check")
    assert result.returncode != 0
    assert "SECRET_KEY repeats a pattern" in result.stderr


# --- HTTPS --------------------------------------------------------------------------------


def test_https_site_gets_hsts_redirect_and_secure_cookies(tmp_path: Path) -> None:
    probed = _probe(tmp_path)
    assert probed["hsts_seconds"] == 31_536_000
    assert probed["hsts_subdomains"] is True
    assert probed["hsts_preload"] is False
    assert probed["ssl_redirect"] is True
    assert probed["session_cookie_secure"] is True
    assert probed["csrf_cookie_secure"] is True
    # a page asked for over plain HTTP is sent to HTTPS
    assert probed["plain"] == [301, f"https://{SITE}/"]


def test_hsts_follows_its_settings(tmp_path: Path) -> None:
    probed = _probe(tmp_path, HSTS_SECONDS="600", HSTS_INCLUDE_SUBDOMAINS="false", HSTS_PRELOAD="1")
    assert probed["hsts_seconds"] == 600
    assert probed["hsts_subdomains"] is False
    assert probed["hsts_preload"] is True


def test_without_trusted_proxies_a_forged_forwarded_proto_is_ignored(tmp_path: Path) -> None:
    probed = _probe(tmp_path, TRUSTED_PROXIES="0")
    assert probed["proxy_header"] is None
    # the client claims HTTPS; the app still redirects it and sends no HSTS over plain HTTP
    assert probed["forwarded"] == [301, f"https://{SITE}/"]
    assert probed["health"] == [200, None]


def test_behind_a_trusted_proxy_its_forwarded_proto_is_believed(tmp_path: Path) -> None:
    probed = _probe(tmp_path, TRUSTED_PROXIES="1")
    assert probed["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert probed["forwarded"][0] != 301
    assert probed["health"] == [200, "max-age=31536000; includeSubDomains"]


def test_health_checks_over_plain_http_are_not_redirected(tmp_path: Path) -> None:
    script = (
        "import django; django.setup(); from django.test import Client; "
        "print(Client(HTTP_HOST='sambat.example.id').get('/healthz').status_code)"
    )
    result = _start(_production_env(tmp_path), "-c", script)
    assert result.stdout.split() == ["200"], result.stderr[-2000:]


def test_production_refuses_a_plain_http_site_unless_allowed(tmp_path: Path) -> None:
    env = _production_env(tmp_path, SITE_URL=f"http://{SITE}")
    result = _start(env, "-m", "balaikota.cli", "check")
    assert result.returncode != 0
    assert f"SITE_URL=http://{SITE} is not https://" in result.stderr
    assert "ALLOW_INSECURE_HTTP=true" in result.stderr
    # a closed test network may say so; then nothing pretends to be HTTPS
    probed = _probe(tmp_path, SITE_URL=f"http://{SITE}", ALLOW_INSECURE_HTTP="true")
    assert probed["hsts_seconds"] == 0
    assert probed["ssl_redirect"] is False
    assert probed["plain"][0] != 301


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _start(
        _production_env(tmp_path),
        "-m",
        "balaikota.cli",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_hsts_is_turned_off(tmp_path: Path) -> None:
    result = _start(
        _production_env(tmp_path, HSTS_SECONDS="0"),
        "-m",
        "balaikota.cli",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr


# --- the demo -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_refuses_a_production_database(settings: Any) -> None:
    # given a database with DEBUG off, as in production
    settings.DEBUG = False
    # when the demo is started without its flag
    with pytest.raises(CommandError) as refused:
        call_command("demo")
    # then it says why, and loaded nothing: no admin with the published password, no key
    assert "DEBUG is off" in str(refused.value)
    assert "--i-know-this-is-not-production" in str(refused.value)
    assert not User.objects.filter(username="admin").exists()
    assert not ApiClient.objects.exists()


def test_demo_refuses_from_the_command_line(tmp_path: Path) -> None:
    # given a production database, migrated
    env = _production_env(tmp_path)
    migrated = _start(env, "-m", "balaikota.cli", "migrate", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    # when the demo is run against it
    result = _start(env, "-m", "balaikota.cli", "demo")
    # then it refuses, and the database has no demo admin
    assert result.returncode != 0
    assert "DEBUG is off, so this may be a production database" in result.stderr
    with sqlite3.connect(tmp_path / "balaikota.sqlite3") as db:
        users = db.execute("SELECT count(*) FROM core_user").fetchone()[0]
        keys = db.execute("SELECT count(*) FROM open311_apiclient").fetchone()[0]
    assert (users, keys) == (0, 0)
