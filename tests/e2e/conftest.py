"""Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work on the build machines, so the tests launch
the system Chromium and skip when it is missing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from balaikota.accounts import factors
from balaikota.accounts.staff import needs_second_factor
from balaikota.core.models import User
from tests.performance.conftest import world  # noqa: F401 (a fixture the stories share)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # No calls home: the tests also check that pages reach no host but the live server.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path("/tmp/shots")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA; "serious" and "critical" fail the test (contrast, names, keyboard...).
_AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}"""
# Long enough for a cold Leaflet load on a busy CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    # The sync API keeps an asyncio loop registered as running in this thread, so Django would
    # refuse the test's own ORM calls as "async-unsafe" although they run synchronously.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Opens pages in separate contexts (separate cookies), like separate people's devices."""
    contexts: list[BrowserContext] = []

    def open_page(*, phone: bool = False) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            # A phone in Malang asks for Indonesian; LocaleMiddleware honours Accept-Language.
            locale="id-ID",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _no_map_tiles(settings: Any) -> None:
    # Tiles are the one outside resource; without them the map still works (DESIGN.md), and
    # the tests must not depend on a network they do not have.
    settings.MAP_TILE_URL = ""


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def fresh_code(device: TOTPDevice) -> str:
    """The authenticator's code for the first time step not used yet: TOTP refuses a code
    twice, and a user may log in twice within one 30-second step."""
    device.refresh_from_db()
    unused = (device.last_t + 1) * device.step + device.t0
    return factors.current_code(device, at=max(time.time(), unused))


def log_in(page: Page, username: str, password: str = "password-123") -> None:  # noqa: S107
    """Through the log-in form, then (staff) the second factor with a real TOTP code from
    the user's authenticator (one is enrolled first if the user has none)."""
    user = User.objects.get(username=username)
    staff = needs_second_factor(user)
    if staff and factors.confirmed_totp(user) is None:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/masuk/" not in url)
    if staff:
        page.wait_for_url(lambda url: "/akun/verifikasi/" in url)
        device = factors.confirmed_totp(user)
        assert device is not None
        page.fill("#id_code", fresh_code(device))
        page.locator("#id_code").press("Enter")
        page.wait_for_url(lambda url: "/akun/verifikasi/" not in url)


@cache
def _axe_source() -> str | None:
    """axe-core's script (from the npm registry: `make install` puts it in node_modules);
    None without npm, and the accessibility checks are then skipped (`make install` says so)."""
    return AXE.read_text(encoding="utf-8") if AXE.exists() else None


def axe_violations(page: Page, within: str | None = None) -> list[str]:
    """The page's serious and critical WCAG 2.1 A/AA violations, as "rule: where" lines;
    `within` (a CSS selector) limits the check to our part of a page (Django's admin around
    it is not ours).

    axe-core is evaluated through the browser's debugging protocol, which the page's
    Content-Security-Policy does not govern: the page's own policy stays on meanwhile."""
    source = _axe_source()
    if source is None:
        return []
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    script = _AXE_RUN if within is None else _AXE_RUN.replace("document", json.dumps(within), 1)
    return list(page.evaluate(script))
