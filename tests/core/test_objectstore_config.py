"""The S3_* variables choose where files go: folders under VAR_DIR without them, the object
store's two buckets with them (the private one never linked without a signature)."""

from __future__ import annotations

from pathlib import Path

import pytest

from balaikota.core import objectstore
from balaikota.core.envvars import ConfigurationError


def test_without_a_bucket_files_stay_in_two_local_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("S3_BUCKET", raising=False)
    store = objectstore.from_environment()
    setting = objectstore.storages_setting(tmp_path / "media", tmp_path / "private", store)
    assert store is None
    assert setting["default"]["OPTIONS"] == {"location": tmp_path / "media"}
    assert setting["private"]["OPTIONS"] == {"location": tmp_path / "private", "base_url": None}


def test_with_a_bucket_public_copies_are_linked_and_private_files_signed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("rahasia-dari-berkas\n")
    monkeypatch.setenv("S3_BUCKET", "sambat-publik")
    monkeypatch.setenv("S3_PRIVATE_BUCKET", "sambat-privat")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.malangkota.go.id")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "balaikota")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY_FILE", str(secret))
    monkeypatch.setenv("S3_PUBLIC_URL", "https://foto.malangkota.go.id/")

    store = objectstore.from_environment()
    assert store is not None
    public, private = (
        objectstore.storages_setting(tmp_path, tmp_path, store)[alias]["OPTIONS"]
        for alias in ("default", "private")
    )

    assert (public["bucket_name"], public["location"]) == ("sambat-publik", "public")
    assert public["querystring_auth"] is False
    assert (public["url_protocol"], public["custom_domain"]) == ("https:", "foto.malangkota.go.id")
    assert (private["bucket_name"], private["location"]) == ("sambat-privat", "private")
    assert private["querystring_auth"] is True
    assert private["querystring_expire"] <= 300
    assert private["secret_key"] == "rahasia-dari-berkas"
    assert public["default_acl"] is None
    assert private["default_acl"] is None
    assert store.public_origin() == "https://foto.malangkota.go.id"


def test_without_a_public_url_copies_are_linked_at_the_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("S3_BUCKET", "sambat")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    store = objectstore.from_environment()
    assert store is not None
    assert store.private_bucket == "sambat"  # the private/ prefix of the same bucket
    assert store.public_base_url() == "http://127.0.0.1:9000/sambat"


def test_a_public_url_that_is_not_http_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("S3_BUCKET", "sambat")
    monkeypatch.setenv("S3_PUBLIC_URL", "foto.malangkota.go.id")
    with pytest.raises(ConfigurationError, match="S3_PUBLIC_URL"):
        objectstore.from_environment()
