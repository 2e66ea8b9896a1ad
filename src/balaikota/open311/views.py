"""GeoReport v2 endpoints (`/open311/v2/`), each in `.json` and `.xml`.

Views parse and check the parameters, then call one selector or service. Every problem
with the input is answered in the specification's error format (400, 403, 404, 429):
nothing a client sends may produce a server error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from balaikota.complaints import intake
from balaikota.complaints import selectors as complaint_selectors
from balaikota.complaints.models import Privacy
from balaikota.core import answercache, ratelimit
from balaikota.open311 import formats, georeport, keys, selectors, services
from balaikota.open311.models import ApiClient, ClientRequest, Scope

MAX_RANGE = dt.timedelta(days=90)
# Most GeoReport clients never page: the default page holds what they expect of a list.
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000
# Complaints exist between these years; other dates are typing errors (and the ends of the
# calendar cannot be converted between time zones).
YEARS = range(2000, 2101)


class Refused(Exception):
    """An answer other than 200, with the texts of the specification's error list."""

    def __init__(self, status: int, *descriptions: str, retry_after: int = 0) -> None:
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = list(descriptions)
        self.retry_after = retry_after


def _too_many(wait: int) -> Refused:
    return Refused(429, ratelimit.wait_message(wait), retry_after=wait)


View = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[View], View]:
    """Checks the format and the key, applies the rate limit, answers Refused in the
    requested format."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in formats.FORMATS:
                return formats.errors(
                    "json",
                    400,
                    [_("Unknown format %(format)s: use json or xml.") % {"format": fmt[:10]}],
                )
            if request.method not in methods:
                response = formats.errors(
                    fmt,
                    405,
                    [_("Use %(methods)s here.") % {"methods": " or ".join(methods)}],
                )
                response.headers["Allow"] = ", ".join(methods)
                return response
            try:
                client = _client(request)
                # Counted in Redis or the database, so every process and host shares it.
                wait = ratelimit.allow(
                    f"open311:key:{client.pk}"
                    if client
                    else f"open311:ip:{ratelimit.fingerprint(ratelimit.client_address(request))}",
                    keys.limit_for(client),
                )
                if wait:
                    raise _too_many(wait)
                _check_jurisdiction(request)
                return view(request, fmt, client=client, **kwargs)
            except Refused as refused:
                response = formats.errors(fmt, refused.status, refused.descriptions)
                if refused.retry_after:
                    response.headers["Retry-After"] = str(refused.retry_after)
                return response

        return wrapper

    return decorate


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the form body or, for any method, the query string."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name, "")
    return value.strip()


def _client(request: HttpRequest) -> ApiClient | None:
    key = _param(request, "api_key")
    if not key:
        return None
    client = keys.client_for(key)
    if client is None:
        wait = keys.count_wrong_key(request)
        if wait:
            raise _too_many(wait)
        raise Refused(403, _("This api_key is not valid or has been revoked."))
    return client


def _check_jurisdiction(request: HttpRequest) -> None:
    given = _param(request, "jurisdiction_id")
    if given and given != settings.OPEN311_JURISDICTION:
        raise Refused(
            404,
            _("Unknown jurisdiction_id %(given)s; this server serves %(ours)s.")
            % {"given": given[:60], "ours": settings.OPEN311_JURISDICTION},
        )


def _moment(value: str, name: str, *, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Refused(
            400,
            _("%(name)s is not a date and time in ISO 8601 (e.g. 2026-11-01T08:00:00+07:00).")
            % {"name": name},
        )
    if moment.year not in YEARS:
        raise Refused(400, _("The dates are out of range."))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _period(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    """The spec's default: the last 90 days; a given range may not span more than 90 days."""
    start = _moment(_param(request, "start_date"), "start_date")
    end = _moment(_param(request, "end_date"), "end_date", end=True)
    if start is None:
        end = end or timezone.now()
        start = end - MAX_RANGE
    elif end is None:
        end = start + MAX_RANGE
    if end < start:
        raise Refused(400, _("end_date is before start_date."))
    # A day of slack: an end given as a date means the end of that day.
    if end - start > MAX_RANGE + dt.timedelta(days=1):
        raise Refused(400, _("A date range may span at most 90 days."))
    return start, end


def _page(request: HttpRequest) -> tuple[int, int]:
    try:
        page = int(_param(request, "page") or 1)
        size = int(_param(request, "page_size") or DEFAULT_PAGE_SIZE)
    except ValueError:
        raise Refused(400, _("page and page_size must be whole numbers.")) from None
    if page < 1 or size < 1:
        raise Refused(400, _("page and page_size start at 1."))
    return page, min(size, MAX_PAGE_SIZE)


# The query parameters each list reads, beside jurisdiction_id and api_key: any other is
# refused by name, since a filter this server does not know would otherwise be ignored and
# the client would take the whole list for a filtered one.
REQUESTS_PARAMS = (
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "extensions",
)
UPDATES_PARAMS = ("start_date", "end_date", "page", "page_size")


def _check_names(request: HttpRequest, known: tuple[str, ...]) -> None:
    known = ("jurisdiction_id", "api_key", *known)
    unknown = sorted(name for name in request.GET if name not in known)
    if unknown:
        raise Refused(
            400,
            _("Unknown parameter %(names)s; the known ones are %(known)s.")
            % {"names": ", ".join(name[:40] for name in unknown[:5]), "known": ", ".join(known)},
        )


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _paged(items: Any, request: HttpRequest) -> list[Any]:
    page, size = _page(request)
    try:
        return list(Paginator(items, size).page(page).object_list)
    except EmptyPage:
        return []


# --- Endpoints -------------------------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str, client: ApiClient | None) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:docs"))
    return formats.render_one(
        fmt,
        "discovery",
        {
            "changeset": "2026-11-28T00:00:00+07:00",
            "contact": _("Kominfo %(city)s, through %(url)s")
            % {"city": settings.CITY_NAME, "url": base},
            "key_service": base,
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                    "changeset": "2026-11-28T00:00:00+07:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


def _same_for_everyone(
    request: HttpRequest,
    name: str,
    fmt: str,
    build: Callable[[], bytes],
    store: answercache.AnswerStore = answercache.PUBLIC_ANSWERS,
) -> HttpResponse:
    """A public answer that depends on nothing but its query (no key, no account): built
    once per public generation and language, kept by each process, with an ETag."""
    query = "&".join(
        sorted(
            f"{key}={value.strip()}"
            for key, values in request.GET.lists()
            if key not in {"api_key", "jurisdiction_id"}
            for value in values
        )
    )
    # Absolute URLs (photos, tracking pages) name the host the caller used.
    key = (
        name,
        fmt,
        translation.get_language() or "",
        request.scheme or "",
        request.get_host(),
        query,
    )
    answer = store.get(key, lambda: (build(), formats.CONTENT_TYPES[fmt]))
    return answercache.respond(request, answer)


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str, client: ApiClient | None) -> HttpResponse:
    def build() -> bytes:
        rows = [georeport.service(category, group) for category, group in selectors.services()]
        return formats.body(fmt, "services", "service", rows)

    return _same_for_everyone(request, "services", fmt, build, answercache.CATALOGUE_ANSWERS)


@endpoint("GET")
def service_definition(
    request: HttpRequest, fmt: str, client: ApiClient | None, code: str
) -> HttpResponse:
    category = selectors.service(code)
    if category is None:
        raise Refused(404, _("No service has the code %(code)s.") % {"code": code[:60]})
    return formats.render_one(fmt, "service_definition", georeport.service_definition(category))


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str, client: ApiClient | None) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt, client)
    return _same_for_everyone(request, "requests", fmt, lambda: _requests_body(request, fmt))


def _requests_body(request: HttpRequest, fmt: str) -> bytes:
    _check_names(request, REQUESTS_PARAMS)
    extensions = _param(request, "extensions").lower() == "true"
    ids = _list(_param(request, "service_request_id"))
    if ids:
        flt = selectors.RequestFilter(ids=[i.upper() for i in ids[:MAX_PAGE_SIZE]])
        found = list(selectors.requests(flt))
        rows = [georeport.request(request, c, extensions=extensions) for c in found]
        return formats.body(fmt, "service_requests", "request", rows)
    else:
        statuses = [s.lower() for s in _list(_param(request, "status"))]
        if any(s not in {"open", "closed"} for s in statuses):
            raise Refused(400, _("status is open or closed."))
        start, end = _period(request)
        flt = selectors.RequestFilter(
            service_codes=_list(_param(request, "service_code")),
            statuses=statuses,
            start=start,
            end=end,
        )
    found = _paged(selectors.requests(flt), request)
    rows = [georeport.request(request, c, extensions=extensions) for c in found]
    return formats.body(fmt, "service_requests", "request", rows)


@endpoint("GET")
def request_detail(
    request: HttpRequest, fmt: str, client: ApiClient | None, ticket: str
) -> HttpResponse:
    complaint = selectors.request(ticket.strip().upper())
    if complaint is None:
        raise Refused(404, _("No service request has the id %(id)s.") % {"id": ticket[:40]})
    extensions = _param(request, "extensions").lower() == "true"
    row = georeport.request(request, complaint, extensions=extensions)
    return formats.render(fmt, "service_requests", "request", [row])


@endpoint("GET")
def token(request: HttpRequest, fmt: str, client: ApiClient | None, token: str) -> HttpResponse:
    link = ClientRequest.objects.select_related("complaint").filter(token=token.strip()).first()
    if link is None:
        raise Refused(404, _("No service request has this token."))
    rows = [{"service_request_id": link.complaint.ticket, "token": link.token}]
    return formats.render(fmt, "service_requests", "request", rows)


@endpoint("GET")
def request_updates(request: HttpRequest, fmt: str, client: ApiClient | None) -> HttpResponse:
    """mySociety's extension: every update in a period, oldest first."""
    _check_names(request, UPDATES_PARAMS)
    start, end = _period(request)
    rows = [georeport.update(request, e) for e in _paged(selectors.updates(start, end), request)]
    return formats.render(fmt, "service_request_updates", "request_update", rows)


# --- Posting a request -----------------------------------------------------------------------


def _coordinate(request: HttpRequest, name: str) -> float | None:
    value = _param(request, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Refused(400, _("%(name)s is not a number.") % {"name": name}) from None
    if not math.isfinite(number):
        raise Refused(400, _("%(name)s is not a number.") % {"name": name})
    return number


_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_-]{1,40})\](\[\])?$")


def _answers(data: QueryDict) -> dict[str, list[str]]:
    """`attribute[code]=value`, and `attribute[code][]=value` for multi-value lists."""
    answers: dict[str, list[str]] = {}
    for name in data:
        if name.startswith("attribute"):
            match = _ATTRIBUTE.match(name)
            if match is None:
                raise Refused(400, _("Attributes are sent as attribute[code]=value."))
            answers.setdefault(match.group(1), []).extend(data.getlist(name))
    return answers


def _post(request: HttpRequest, fmt: str, client: ApiClient | None) -> HttpResponse:
    if client is None:
        raise Refused(403, _("Posting a service request needs an api_key."))
    if not client.has_scope(Scope.INTAKE):
        raise Refused(403, _("This api_key may not post service requests."))
    if not client.rate_limit:
        # New complaints (each one e-mails an agency) per address and per device as well; a
        # key given its own limit sends in bulk, held to that limit alone.
        device = _param(request, "device_id")
        wait = ratelimit.check(
            request,
            "report",
            settings.RATE_LIMIT_REPORTS,
            key=f"open311:{client.pk}:device:{device}" if device else "",
        )
        if wait:
            raise _too_many(wait)
    code = _param(request, "service_code")
    if not code:
        raise Refused(400, _("service_code is required."))
    category = complaint_selectors.active_category(code)
    if category is None:
        raise Refused(404, _("No service has the code %(code)s.") % {"code": code[:60]})
    lat, lon = _coordinate(request, "lat"), _coordinate(request, "long")
    address = _param(request, "address_string")
    address_id = _param(request, "address_id")
    if address_id:
        # Our address ids are kelurahan codes (as GET returns them).
        village = selectors.village(address_id)
        if village is None:
            raise Refused(
                400, _("Unknown address_id %(id)s: use a kelurahan code.") % {"id": address_id[:40]}
            )
        address = ", ".join(p for p in (address, f"Kel. {village.name}") if p)
    if lat is None and lon is None and not address:
        raise Refused(400, _("A location is required: lat and long, or address_string."))
    name = " ".join(p for p in (_param(request, "first_name"), _param(request, "last_name")) if p)
    media = _param(request, "media_url")
    try:
        posted = services.post_request(
            client,
            category=category,
            description=_param(request, "description"),
            lat=lat,
            lon=lon,
            address=address,
            answers=_answers(request.POST),
            media_urls=[media] if media else [],
            contact=intake.Contact(
                name=name,
                phone=_param(request, "phone"),
                email=_param(request, "email"),
                # Extensions, as on /api/v1: email, phone or both; whatsapp or sms.
                notify_by=_param(request, "notify_by"),
                phone_channel=_param(request, "phone_channel"),
            ),
            device_id=_param(request, "device_id"),
            account_id=_param(request, "account_id"),
            idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:200] or None,
            # Without coordinates the operator puts the address on the map.
            require_location=not address,
            # An extension: public (the default), anonymous or confidential.
            privacy=_param(request, "privacy") or "public",
        )
    except intake.SubmissionInvalid as exc:
        raise Refused(
            400,
            *[
                f"{field}: {message}"
                for field, messages in exc.errors.items()
                for message in messages
            ],
        ) from None
    except intake.SubmissionConflict as exc:
        raise Refused(409, str(exc)) from None
    row = {
        "service_request_id": posted.ticket,
        "token": posted.token,
        "service_notice": _("Keep this code to follow your complaint: %(ticket)s (%(mode)s)")
        % {"ticket": posted.ticket, "mode": Privacy(posted.privacy).label},
        "account_id": None,
        # An extension: the reporter's private link, to confirm, rate or reopen the
        # complaint once it is resolved. Only in this answer: the app gives it to the
        # reporter alone. (`token` stays GeoReport's: it finds the request's id.)
        "extended_attributes": {
            "private_url": request.build_absolute_uri(
                reverse("complaints:track", args=[posted.ticket]) + f"?kunci={posted.reporter_key}"
            )
            if posted.reporter_key
            else None
        },
    }
    # 201 Created, as other GeoReport servers answer (clients accept 200 and 201); a replay of
    # the same Idempotency-Key is 200, as on /api/v1.
    return formats.render(
        fmt, "service_requests", "request", [row], status=201 if posted.created else 200
    )


def docs(request: HttpRequest) -> HttpResponse:
    """The page a community developer reads first."""
    base = request.build_absolute_uri(reverse("open311:root")).rstrip("/")
    return render_page(
        request,
        "open311/docs.html",
        {
            "base": base,
            "jurisdiction": settings.OPEN311_JURISDICTION,
            "rate_limit": settings.OPEN311_RATE_LIMIT,
            "services": selectors.services(),
        },
    )
