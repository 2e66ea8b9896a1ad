"""Every environment variable the settings read is documented where operators look."""

from __future__ import annotations

from pathlib import Path

import pytest

from balaikota.core.envvars import SCHEMA, ConfigurationError, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_variable_is_documented(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = [var.name for var in SCHEMA if var.name not in text]
    assert missing == []


def test_a_malformed_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ConfigurationError, match="DEBUG"):
        env_bool("DEBUG")
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ConfigurationError, match="EMAIL_PORT"):
        env_int("EMAIL_PORT")


def test_a_secret_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD_FILE", str(secret))
    from balaikota.core.envvars import env_str

    assert env_str("EMAIL_HOST_PASSWORD") == "from-a-file"
