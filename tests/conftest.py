"""The test cast and the city they live in.

Kota Malang's kecamatan and kelurahan (real polygons when ../shared/data is beside the
project, approximate areas otherwise), the demo agencies, categories and routing rules, and
a fixed cast: a citizen, PUPR staff and head, staff of another agency (DLH), an operator,
the mayor's office and an admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from huey.contrib.djhuey import HUEY

from balaikota.accounts.staff import needs_second_factor
from balaikota.agencies.models import Agency, Membership
from balaikota.complaints import intake
from balaikota.complaints.models import Category, Complaint
from balaikota.core import answercache, refcache
from balaikota.core.models import Role, User
from balaikota.core.queues import PHOTOS
from balaikota.demo import images, loader
from balaikota.regions.models import Region
from balaikota.regions.selectors import index_cache

# The object store's fixtures, defined once so that the whole session shares one server.
pytest_plugins = ["tests.objectstore"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REAL_BOUNDARIES = PROJECT_ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"

# Points well inside kelurahan, taken from the public centre points.
SUMBERSARI = (-7.960, 112.614)  # 35.73.05.1005, Lowokwaru
KLOJEN = (-7.973, 112.635)  # 35.73.02.1001, Klojen
OUTSIDE = (-7.80, 112.40)  # west of Batu, far outside Kota Malang


@pytest.fixture(scope="session", autouse=True)
def _var_dir_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Model files (the routing model is trained on first use) go to a fresh folder, so a
    test run never reads a model left by an earlier one."""
    with override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        yield


@pytest.fixture(autouse=True)
def _huey_runs_tasks_at_once() -> Iterator[None]:
    HUEY.immediate = PHOTOS.immediate = True
    yield
    HUEY.immediate = PHOTOS.immediate = False


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit windows and flags live in the cache, and routing rules and days off in
    each process: both outlive each test's database."""
    cache.clear()
    refcache.clear_all()
    answercache.forget_here()


@pytest.fixture(autouse=True)
def _english_messages(settings: Any) -> Iterator[None]:
    """Tests read messages in English (the message ids); tests/core/test_i18n.py checks the
    Indonesian default on its own."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` already skips the password; for staff it also marks the
    session as having given the second factor, with a real confirmed TOTP device, so that
    the staff pages' own tests need not repeat it. The production rule is unchanged: the
    factor's own tests (tests/accounts) and the browser tests go through the real pages."""
    force_login = Client.force_login

    def force_login_verified(self: Client, user: Any, backend: str | None = None) -> None:
        force_login(self, user, backend)
        if needs_second_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


def load_city() -> None:
    """Regions, agencies, categories and rules; skipped when already there."""
    if Region.objects.filter(level="village").count() == 57 and Agency.objects.exists():
        return
    loader.load_regions(REAL_BOUNDARIES if REAL_BOUNDARIES.exists() else None)
    loader.load_agencies()
    loader.load_categories()
    index_cache.clear()


@pytest.fixture
def city(db: None) -> None:
    load_city()


@dataclass
class Cast:
    citizen: User
    pupr_staff: User
    pupr_head: User
    dlh_staff: User
    operator: User
    mayor_office: User
    admin: User


def make_user(username: str, role: str, agency_code: str | None = None) -> User:
    user = User.objects.create_user(username, f"{username}@example.test", "password-123", role=role)
    if agency_code:
        Membership.objects.create(user=user, agency=Agency.objects.get(code=agency_code))
    return user


@pytest.fixture
def cast(city: None) -> Cast:
    return Cast(
        citizen=make_user("citizen", Role.CITIZEN),
        pupr_staff=make_user("pupr", Role.AGENCY_STAFF, "dpupr"),
        pupr_head=make_user("pupr-head", Role.AGENCY_HEAD, "dpupr"),
        dlh_staff=make_user("dlh", Role.AGENCY_STAFF, "dlh"),
        operator=make_user("operator", Role.OPERATOR),
        mayor_office=make_user("mayor", Role.MAYOR_OFFICE),
        admin=make_user("admin", Role.ADMIN),
    )


def jpeg(
    name: str = "photo.jpg", gps: tuple[float, float] | None = None, **kwargs: Any
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, images.picture(gps=gps, **kwargs), content_type="image/jpeg")


def submit(
    text: str = "Jalan berlubang besar di depan sekolah, motor sering jatuh.",
    category: str | None = "jalan-rusak",
    at: tuple[float, float] | None = SUMBERSARI,
    **kwargs: Any,
) -> Complaint:
    lat, lon = at if at else (None, None)
    return intake.submit_complaint(
        text=text,
        category=Category.objects.get(slug=category) if category else None,
        lat=lat,
        lon=lon,
        location_source="map",
        **kwargs,
    ).complaint


@pytest.fixture
def photo() -> SimpleUploadedFile:
    return jpeg()


@pytest.fixture
def unsure_router(monkeypatch: pytest.MonkeyPatch) -> None:
    """The routing model is never sure: complaints without a category wait for an operator."""
    from balaikota.complaints import learning

    monkeypatch.setattr(learning, "SUGGEST_THRESHOLD", 1.01)
