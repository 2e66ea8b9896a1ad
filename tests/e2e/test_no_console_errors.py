"""Every page on a phone, public and staff: no console error, nothing refused by the CSP,
nothing wider than the screen, no serious or critical accessibility violation (axe-core,
from the npm registry: `make install` puts it in node_modules).

The site's own Content-Security-Policy (`style-src 'self'; script-src 'self'`) refuses any
inline style or script, so a `style="…"` in a template, or in HTML a script writes, shows up
here as a `securitypolicyviolation` event and a console error. The listener is installed by
Playwright before any page script runs (its init scripts are not subject to the page's CSP).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from balaikota.complaints.models import Complaint
from balaikota.core.models import Role
from balaikota.performance.models import Auction, Commitment
from tests.conftest import Cast, make_user, submit
from tests.e2e.conftest import PHONE, axe_violations, log_in
from tests.performance.conftest import YEAR, World, world  # noqa: F401  (the fixture, used below)
from tests.performance.test_pages import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"} `
    + `${event.sourceFile || ""}:${event.lineNumber || ""}`);
});
"""


@dataclass
class Watcher:
    """One phone's tab, and what went wrong on each page it visited."""

    page: Page
    console: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def visit(self, path: str, then: Callable[[Page], None] | None = None) -> None:
        self.console.clear()
        response = self.page.goto(path)
        assert response is not None, path
        self.page.wait_for_load_state("networkidle")
        if then:
            then(self.page)
            self.page.wait_for_load_state("networkidle")
        found = [f"console: {text}" for text in self.console]
        found += [f"CSP: {v}" for v in self.page.evaluate("window.__cspViolations || []")]
        policy = response.headers.get("content-security-policy", "")
        if not path.startswith("/admin/") and "style-src 'self'" not in policy:
            found.append(f"no CSP on the page: {policy!r}")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            found.append(f"{width} px wide on a {PHONE['width']} px screen")
        if not path.startswith("/admin/"):  # Django's own admin is not ours to fix
            found += [f"axe: {v}" for v in axe_violations(self.page)]
        if response.status >= 400:
            found.append(f"status {response.status}")
        if found:
            self.problems[path] = found


@pytest.fixture
def phone(new_page: Callable[..., Page]) -> Callable[[], Watcher]:
    def open_phone() -> Watcher:
        page = new_page(phone=True)
        page.context.add_init_script(_LISTEN)
        watcher = Watcher(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watcher.console.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: watcher.console.append(f"uncaught: {error}"))
        return watcher

    return open_phone


def _open_first_marker(page: Page) -> None:
    markers = page.locator(".leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    markers.first.click()
    expect(page.locator(".leaflet-popup")).to_be_visible()
    # Leaflet fades a popup in: checked half-transparent, its text would fail on contrast.
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")


def _pin_on_the_map(page: Page) -> None:
    page.locator(".report-map").click(position={"x": 150, "y": 120})


def test_public_pages_have_no_console_errors(
    phone: Callable[[], Watcher],
    cast: Cast,
    world: World,  # noqa: F811
) -> None:
    # given a few complaints (one on the map) and a public performance board
    complaint = submit()
    submit("Sampah menumpuk di pinggir jalan dan berbau busuk.", "sampah")
    populate(world)
    commitment = Commitment.objects.first()
    assert commitment is not None
    citizen = phone()
    # when a citizen opens every public page on a phone
    for path in [
        "/",
        "/lacak",
        f"/lacak/{complaint.ticket}",
        "/peta/daftar",
        "/dasbor",
        "/audit",
        f"/kinerja?tahun={YEAR}",
        "/langganan",
        "/data-terbuka",
        "/open311/",
        "/privasi",
        "/privasi/data-saya",
        "/masuk/",
        "/akun/lupa-kata-sandi/",
    ]:
        citizen.visit(path)
    citizen.visit("/lapor", then=_pin_on_the_map)
    citizen.visit("/peta", then=_open_first_marker)
    # then none logged an error, broke the CSP or was wider than the phone
    assert citizen.problems == {}


def test_staff_pages_have_no_console_errors(
    phone: Callable[[], Watcher],
    cast: Cast,
    world: World,  # noqa: F811
) -> None:
    # given a complaint in PUPR's inbox and check-ins waiting for the verifier
    complaint = submit()
    populate(world)
    assert Complaint.objects.filter(agency__code="dpupr").exists()
    commitment = Commitment.objects.filter(agency__code="dpupr").get()
    auction = Auction.objects.get()
    pages = {
        cast.operator.username: [
            "/staf/operator",
            f"/staf/aduan/{complaint.ticket}",
            f"/staf/aduan/{complaint.ticket}/moderasi",
            "/staf/pemberitahuan",
            "/dasbor/staf",
            "/akun/kata-sandi/",
        ],
        cast.pupr_staff.username: ["/staf/kotak-masuk", f"/staf/aduan/{complaint.ticket}"],
        world.verifier.username: ["/kinerja/verifikasi"],
        cast.mayor_office.username: [
            f"/kinerja/panel?tahun={YEAR}",
            f"/kinerja/lelang/{auction.pk}",
            f"/kinerja/dasbor?tahun={YEAR}",
        ],
        cast.pupr_head.username: ["/kinerja/saya", f"/kinerja/komitmen/{commitment.pk}"],
        cast.admin.username: ["/admin/"],
    }
    problems: dict[str, dict[str, list[str]]] = {}
    for username, paths in pages.items():
        # when each of them signs in (with the second factor) on a phone and opens their pages
        staff = phone()
        log_in(staff.page, username)
        for path in paths:
            staff.visit(path)
        if username == world.verifier.username:
            # the verifier returns a check-in without a note: htmx swaps the card in place
            item = staff.page.locator(".verify-item").first
            item.locator("button.btn-outline-danger").click()
            expect(staff.page.locator(".verify-error")).to_be_visible()
            staff.visit("/kinerja/verifikasi")
        if staff.problems:
            problems[username] = staff.problems
    # then none logged an error, broke the CSP or was wider than the phone
    assert problems == {}


def test_enrolling_an_authenticator_has_no_console_errors(phone: Callable[[], Watcher]) -> None:
    # given staff without an authenticator yet
    make_user("baru", Role.OPERATOR)
    newcomer = phone()
    # when they sign in with their password, they are shown the QR code to enrol
    newcomer.page.goto("/masuk/")
    newcomer.page.fill("#id_username", "baru")
    newcomer.page.fill("#id_password", "password-123")
    newcomer.page.locator("#id_password").press("Enter")
    newcomer.page.wait_for_url(lambda url: "/masuk/" not in url)
    newcomer.visit(newcomer.page.url.removeprefix(newcomer.page.evaluate("location.origin")))
    expect(newcomer.page.locator("#totp-qr svg")).to_be_visible()
    # then the page (an inline SVG among others) breaks nothing
    assert newcomer.problems == {}
