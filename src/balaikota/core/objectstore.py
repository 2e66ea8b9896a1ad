"""Where the application's files go: two folders under VAR_DIR, or an S3-compatible object
store (through django-storages) when `S3_BUCKET` is set.

Two storages, used by name and never by a path on disk, so that web and worker processes
on any host see the same files:
- `default`: the public copies of photos and their thumbnails. Anyone may read them, at
  their URL (`/media/` on one machine; the bucket's own address or `S3_PUBLIC_URL`).
- `private`: uploads as received (with their EXIF and GPS), the staff copies of photos and
  check-in evidence. Never readable without credentials: the application streams them to
  the people allowed to see them after its own checks.

In the object store each kind has its own key prefix (`public/`, `private/`), and the
private one may have a bucket of its own (`S3_PRIVATE_BUCKET`): the public bucket alone is
made readable to everyone (a bucket policy), the private one never.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from balaikota.core.envvars import ConfigurationError, env_str

if TYPE_CHECKING:  # settings.py imports this module: Django's storage is not loaded yet
    from django.core.files.storage import Storage

S3_BACKEND = "storages.backends.s3.S3Storage"
PUBLIC_PREFIX = "public"
PRIVATE_PREFIX = "private"
# A URL of a private object, should one ever be made (the views stream them instead), is
# signed and short-lived.
SIGNED_URL_SECONDS = 300
# The public copies' names are random and never reused, so browsers and proxies keep them.
PUBLIC_CACHE_CONTROL = "public, max-age=604800, immutable"


@dataclass(frozen=True)
class ObjectStore:
    bucket: str
    private_bucket: str
    endpoint_url: str = ""
    region: str = ""
    access_key: str = ""
    secret_key: str = ""
    public_url: str = ""

    def public_base_url(self) -> str:
        """The address public copies are served from, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{self.bucket}"
        region = self.region or "us-east-1"
        return f"https://{self.bucket}.s3.{region}.amazonaws.com"

    def public_origin(self) -> str:
        """scheme://host[:port] of the public copies, for the Content-Security-Policy."""
        parts = urlsplit(self.public_base_url())
        return f"{parts.scheme}://{parts.netloc}"


def from_environment() -> ObjectStore | None:
    """The object store the S3_* variables describe, or None to keep files under VAR_DIR."""
    bucket = env_str("S3_BUCKET")
    if not bucket:
        return None
    public_url, endpoint_url = env_str("S3_PUBLIC_URL"), env_str("S3_ENDPOINT_URL")
    for name, value in (("S3_PUBLIC_URL", public_url), ("S3_ENDPOINT_URL", endpoint_url)):
        if value and urlsplit(value).scheme not in {"http", "https"}:
            raise ConfigurationError(f"{name}={value} is not an http:// or https:// address")
    return ObjectStore(
        bucket=bucket,
        private_bucket=env_str("S3_PRIVATE_BUCKET") or bucket,
        endpoint_url=endpoint_url,
        region=env_str("S3_REGION"),
        access_key=env_str("S3_ACCESS_KEY_ID"),
        secret_key=env_str("S3_SECRET_ACCESS_KEY"),
        public_url=public_url,
    )


def _s3_options(store: ObjectStore) -> dict[str, Any]:
    options: dict[str, Any] = {
        # Two uploads under one name (a complaint's photos) must never overwrite each other.
        "file_overwrite": False,
        # No ACL is sent: what is public is the bucket policy's decision, never an object's.
        "default_acl": None,
    }
    if store.endpoint_url:
        options["endpoint_url"] = store.endpoint_url
    if store.region:
        options["region_name"] = store.region
    if store.access_key:
        options["access_key"] = store.access_key
        options["secret_key"] = store.secret_key
    return options


def storages_setting(
    media_root: Path, private_root: Path, store: ObjectStore | None
) -> dict[str, dict[str, Any]]:
    """The `default` and `private` entries of Django's STORAGES."""
    if store is None:
        return {
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": media_root},
            },
            # Never served at any URL: base_url None makes .url() fail rather than leak.
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private_root, "base_url": None},
            },
        }
    public = urlsplit(store.public_base_url())
    return {
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **_s3_options(store),
                "bucket_name": store.bucket,
                "location": PUBLIC_PREFIX,
                # URLs made by string formatting, not by signing: a list of 100 complaints
                # makes 200 of them.
                "querystring_auth": False,
                "custom_domain": public.netloc + public.path,
                "url_protocol": f"{public.scheme}:",
                "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
            },
        },
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **_s3_options(store),
                "bucket_name": store.private_bucket,
                "location": PRIVATE_PREFIX,
                "querystring_auth": True,
                "querystring_expire": SIGNED_URL_SECONDS,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        },
    }


def files_under(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name under `folder` of a storage, folder by folder (key prefixes in an
    object store, which has no folders: one that was never written lists as empty)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local folder not made yet
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from files_under(storage, prefix + sub)
