"""Every page of the site, for every role, on a 390 px phone: nothing scrolls sideways and
axe-core finds no serious or critical violation.

The pages are not listed by hand: the URL conf is walked (`get_resolver()`), so a page added
later is visited without anyone remembering to add it here. Parameters are filled from the
objects made below: by URL name in `parameters()`, else by parameter name (`ticket`, `pk`...),
else with a placeholder. What answers with something other than HTML (JSON, CSV, PDF, XML,
a photo), a refusal of GET (405, a form's action) or a redirect (the page it leads to is in
the URL conf too) is not a page. A URL that none of the roles could open as a page (every
role got a 404, say) fails the test: its parameters belong in `parameters()`, or its name in
`NOT_PAGES` with the reason.

One browser, one context per role (signed in once), each page requested first without the
browser (cookies shared) to learn its status and type, then opened in the tab only if it is a
page. Error pages (403, 404) are checked once per role and status: they share one template.
axe-core, the slow part, runs on a page unless both its <main> and its header were already
checked as they are (a public page seen by another role with the same header, say): axe
reads the document, and the same document gives the same findings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from balaikota.agencies.models import Membership
from balaikota.complaints import following
from balaikota.complaints import services as complaint_services
from balaikota.complaints.models import Complaint, Follower, Photo
from balaikota.core.models import User
from balaikota.hotspots import build as hotspot_build
from balaikota.hotspots import services as hotspot_services
from balaikota.hotspots.models import Hotspot, PlannedWork
from balaikota.opendata import services as opendata_services
from balaikota.performance import monitoring
from balaikota.performance.models import (
    Agreement,
    Auction,
    CheckIn,
    Commitment,
    Evidence,
    Offer,
)
from balaikota.regions.models import Region
from tests.conftest import KLOJEN, Cast, jpeg, submit
from tests.e2e.conftest import PHONE, axe_violations, log_in
from tests.hotspots.conftest import NOW as HOTSPOTS_NOW
from tests.hotspots.conftest import report
from tests.performance.conftest import World, world  # noqa: F401  (the fixture, used below)
from tests.performance.test_pages import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# URL namespaces not visited, with the reason.
SKIPPED_NAMESPACES = {
    # Django's admin is Django's own pages and stylesheet, made for a desk: the admins
    # (regions, agencies, users, API keys) work at one, and its tables are not ours to
    # reflow. Every other page is still visited signed in as an admin.
    "admin": "Django's admin, a desk tool",
    # django-ninja's routes answer JSON only (their errors too); its Swagger page is the
    # library's own developer tool, checked on a phone by test_api_docs_on_a_phone. Our
    # developer page is /open311/, visited here.
    "api": "the JSON API",
}
# URL names that are not pages, although GET on them may answer HTML, with the reason.
NOT_PAGES: dict[str, str] = {}
# URL names whose page is behind a redirect that the browser follows (the redirect is not
# to another page of the URL conf).
FOLLOW = {
    # The token moves into the session, and the form to set a password is at "set-password/".
    "accounts:password_reset_confirm",
}

# A placeholder for a parameter nothing here knows: the URL is still requested, and if no
# role gets a page from it the test says so.
PLACEHOLDER = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "0" * 32}


@dataclass
class Objects:
    """One of each thing a page can be about."""

    reported: (
        Complaint  # by the signed-in citizen, with a photo, at PUPR, on its officer's task list
    )
    resolved: Complaint  # resolved by PUPR with an "after" photo
    photo: Photo
    commitment: Commitment
    auction: Auction
    offer: Offer
    agreement_code: str
    check_in: CheckIn
    evidence: Evidence
    subscription_token: str
    district: Region
    village: Region
    reset_uid: str
    reset_token: str
    followers: dict[str, Follower]  # by state: asked, confirmed, ended
    hotspot: Hotspot
    work: PlannedWork


def parameters(o: Objects) -> dict[str, list[dict[str, str]]]:
    """Parameters by URL name: a list of keyword sets, one visit each (a page that looks
    different for different objects gets several)."""
    tickets = [{"ticket": o.reported.ticket}, {"ticket": o.resolved.ticket}]
    return {
        "complaints:track": tickets,
        "complaints:staff_detail": tickets,
        "complaints:staff_photo": [{"pk": str(o.photo.pk)}],
        "performance:commitment": [{"pk": str(o.commitment.pk)}],
        "performance:check_in": [{"pk": str(o.commitment.pk)}],
        "performance:auction": [{"pk": str(o.auction.pk)}],
        "performance:answer": [{"pk": str(o.offer.pk), "kind": "commit"}],
        "performance:offer_action": [{"pk": str(o.offer.pk), "kind": "accept"}],
        "performance:review_check_in": [{"pk": str(o.check_in.pk), "kind": "verify"}],
        "performance:evidence": [{"pk": str(o.evidence.pk)}],
        "performance:agreement_pdf": [{"pk": str(o.offer.pk)}],
        "performance:verify_agreement": [{"code": o.agreement_code}],
        "performance:agreement_download": [{"code": o.agreement_code}],
        "performance:evaluation_export": [{"fmt": "csv"}],
        "opendata:download": [{"fmt": "csv"}],
        "opendata:feed_district": [{"code": o.district.code}],
        "opendata:feed_village": [{"code": o.village.code}],
        "opendata:feed_category": [{"slug": o.reported.category.slug}],  # type: ignore[union-attr]
        "dashboards:dashboard_csv": [{"slug": "city"}],
        "media": [{"path": o.photo.image.name}],
        "accounts:password_reset_confirm": [{"uidb64": o.reset_uid, "token": o.reset_token}],
        "complaints:task": [{"ticket": o.reported.ticket}],
        "complaints:follow_confirm": [
            {"token": o.followers[state].token} for state in ("asked", "confirmed")
        ],
        "complaints:follow_unsubscribe": [
            {"token": o.followers[state].token} for state in ("confirmed", "ended")
        ],
        "hotspots:detail": [{"pk": str(o.hotspot.pk)}],
        "hotspots:staff_detail": [{"pk": str(o.hotspot.pk)}],
        "hotspots:work": [{"pk": str(o.work.pk)}],
    }


def by_name(o: Objects) -> dict[str, str]:
    """Parameters filled the same way wherever they appear."""
    return {
        "ticket": o.reported.ticket,
        "token": o.subscription_token,
        "fmt": "json",
        "code": o.reported.category.slug,  # type: ignore[union-attr]
    }


@dataclass
class Route:
    name: str  # "namespace:name"
    pattern: str
    params: dict[str, str]  # parameter -> converter name ("int", "str"...; "str" for a regex)


def routes() -> Iterator[Route]:
    """Every URL pattern of the site, in the URL conf's order."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                converters = getattr(entry.pattern, "converters", {})
                params = {
                    p: _converter_name(converters.get(p)) for p in entry.pattern.regex.groupindex
                }
                yield Route(name, prefix + str(entry.pattern), params)

    yield from walk(get_resolver(), "", "")


def _converter_name(converter: Any) -> str:
    if converter is None:
        return "str"
    return re.sub(r"Converter$", "", type(converter).__name__).lower() or "str"


def addresses(o: Objects) -> Iterator[tuple[Route, str]]:
    """(route, path) for every route not skipped; unnamed patterns cannot be reversed and
    are not pages of this site (Django's own)."""
    explicit = parameters(o)
    named = by_name(o)
    for route in routes():
        if route.name.split(":")[0] in SKIPPED_NAMESPACES or route.name in NOT_PAGES:
            continue
        if route.name in explicit:
            sets = explicit[route.name]
        else:
            sets = [
                {p: named.get(p, PLACEHOLDER.get(kind, "x")) for p, kind in route.params.items()}
            ]
        for kwargs in sets:
            yield route, reverse(route.name, kwargs=kwargs or None)


# The element that reaches furthest right, outside any box that scrolls or clips on its own
# (a table in .table-responsive scrolls inside its box, and does not widen the page).
_WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow !== "visible") return true;
    }
    return false;
  };
  let widest = null;
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 0.5 || box.width === 0) continue;
    if ((widest && box.right <= widest.right) || clipped(el)) continue;
    const path = [];
    for (let p = el; p && p !== document.body && path.length < 4; p = p.parentElement) {
      path.unshift(describe(p));
    }
    widest = {right: Math.round(box.right), width: Math.round(box.width), path: path.join(" > ")};
  }
  return {scroll: document.documentElement.scrollWidth, limit: limit, widest: widest};
}"""


@dataclass
class Outcome:
    """What one route gave each role: a page checked, or why not."""

    pages: int = 0
    answers: list[str] = field(default_factory=list)


# The page's main content and its header, without the values that change on every answer
# (CSRF tokens), to know whether axe has already read the same document.
_PARTS = """() => {
  const read = (el) => el ? el.outerHTML.replace(/value="[^"]*"/g, "") : "";
  return [read(document.querySelector("main")), read(document.querySelector("body > nav"))];
}"""


@dataclass
class Walk:
    o: Objects
    problems: dict[str, list[str]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    axed: set[str] = field(default_factory=set)

    def role(self, label: str, page: Page) -> None:
        seen_errors: set[int] = set()
        for route, path in addresses(self.o):
            outcome = self.outcomes.setdefault(route.name, Outcome())
            answer = page.context.request.get(path, max_redirects=0, fail_on_status_code=False)
            status = answer.status
            kind = answer.headers.get("content-type", "").split(";")[0]
            answer.dispose()
            if status in (301, 302, 303) and route.name in FOLLOW:
                status = 200
            elif status in (301, 302, 303, 405) or kind != "text/html":
                outcome.pages += 1  # not a page, and rightly so: the URL was reached
                continue
            if status >= 400:
                outcome.answers.append(f"{label}: {status}")
                if status in seen_errors:
                    continue
                seen_errors.add(status)
            else:
                outcome.pages += 1
            found = self.check(page, path)
            if found:
                self.problems[f"{label} {path} ({status})"] = found

    def check(self, page: Page, path: str) -> list[str]:
        try:
            page.goto(path, wait_until="load")
        except PlaywrightError as exc:  # an empty error answer, say: no page to read
            return [f"not shown: {exc.message.splitlines()[0]}"]
        found = []
        size = page.evaluate(_WIDEST)
        if size["scroll"] > PHONE["width"]:
            widest = size["widest"] or {}
            found.append(
                f"{size['scroll']} px wide; widest: {widest.get('path')} "
                f"({widest.get('width')} px, right edge at {widest.get('right')})"
            )
        parts = {hashlib.sha256(part.encode()).hexdigest() for part in page.evaluate(_PARTS)}
        if not parts <= self.axed:
            self.axed |= parts
            found += [f"axe: {v}" for v in axe_violations(page)]
        return found


def _objects(cast: Cast, world: World) -> Objects:  # noqa: F811
    populate(world)
    reported = submit(reporter=cast.citizen, photo_files=[jpeg()])
    resolved = submit("Aspal jalan di depan pasar mengelupas dan berlubang.", at=KLOJEN)
    complaint_services.accept_complaint(resolved, cast.pupr_staff)
    complaint_services.resolve_complaint(
        resolved, cast.pupr_staff, "Sudah diperbaiki.", jpeg("after.jpg")
    )
    # PUPR's staff member is also its field officer, with the citizen's complaint as a task
    Membership.objects.filter(user=cast.pupr_staff).update(is_field_officer=True)
    complaint_services.dispatch_complaint(reported, cast.pupr_head, officer=cast.pupr_staff)
    # a neighbour following it: asked, confirmed, and one who has stopped
    followers = {
        state: following.follow(reported, f"{state}@example.test")
        for state in ("asked", "confirmed", "ended")
    }
    following.confirm(followers["confirmed"].token)  # type: ignore[union-attr]
    following.confirm(followers["ended"].token)  # type: ignore[union-attr]
    following.unsubscribe(followers["ended"].token)  # type: ignore[union-attr]
    # potholes reported three times at one place: a hotspot, with PUPR's planned repair
    for days_ago, north, east in ((20, 0, 0), (9, 15, 0), (2, 0, 25)):
        report(days_ago, north, east, base=KLOJEN)
    hotspot_build.rebuild(HOTSPOTS_NOW)
    hotspot = Hotspot.objects.get()
    work = hotspot_services.create_work(
        hotspot,
        cast.pupr_staff,
        hotspot_services.WorkInput(
            title="Pengaspalan ulang Jl. Kahuripan",
            description="Aspal diganti sepanjang 150 m dan saluran tepi diperbaiki.",
            planned_start=dt.date(2027, 1, 11),
            planned_end=dt.date(2027, 2, 26),
            budget=Decimal("350000000"),
        ),
    )
    commitment = Commitment.objects.filter(agency__code="dpupr").get()
    check_in = monitoring.submit_check_in(
        world.pupr_head,
        commitment,
        monitoring.CheckInInput(
            quarter=3,
            actual=8,
            confidence="medium",
            files=[SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4 bukti")],
        ),
    )
    photo = Photo.objects.filter(complaint=reported).exclude(image="").get()
    subscription = opendata_services.subscribe("warga@example.test", region=reported.region)
    village = reported.region
    assert village is not None
    assert village.parent is not None
    user = User.objects.get(username=cast.citizen.username)
    return Objects(
        reported=Complaint.objects.get(pk=reported.pk),
        resolved=Complaint.objects.get(pk=resolved.pk),
        photo=photo,
        commitment=commitment,
        auction=Auction.objects.get(),
        offer=commitment.offer,
        agreement_code=Agreement.objects.get(offer=commitment.offer).code,
        check_in=check_in,
        evidence=check_in.evidence.get(),
        subscription_token=subscription.token,
        district=village.parent,
        village=village,
        reset_uid=urlsafe_base64_encode(force_bytes(user.pk)),
        reset_token=default_token_generator.make_token(user),
        followers={
            state: Follower.objects.get(pk=follower.pk)  # type: ignore[union-attr]
            for state, follower in followers.items()
        },
        hotspot=hotspot,
        work=work,
    )


def test_no_page_of_any_role_scrolls_sideways_or_fails_axe_on_a_phone(
    new_page: Callable[..., Page],
    cast: Cast,
    world: World,  # noqa: F811
) -> None:
    # given one of everything a page can show
    walk = Walk(_objects(cast, world))
    roles: dict[str, User | None] = {
        "anonymous": None,
        "citizen": cast.citizen,
        "operator": cast.operator,
        "agency staff": cast.pupr_staff,
        "agency head": cast.pupr_head,
        "mayor's office": cast.mayor_office,
        "Bappeda": world.verifier,
        "admin": cast.admin,
    }
    # when each role, signed in on a phone, opens every page of the URL conf
    for label, user in roles.items():
        page = new_page(phone=True)
        if user is not None:
            log_in(page, user.username)
        walk.role(label, page)
        page.context.close()
    # then every URL was reached as something by some role (else its parameters are wrong)
    unreached = {
        name: outcome.answers for name, outcome in walk.outcomes.items() if outcome.pages == 0
    }
    assert unreached == {}, "give these URLs parameters in parameters() or a NOT_PAGES reason"
    # and no page was wider than the phone or had a serious accessibility problem
    report = "\n".join(f"{where}: {'; '.join(found)}" for where, found in walk.problems.items())
    assert walk.problems == {}, f"pages with problems on a {PHONE['width']} px phone:\n{report}"
