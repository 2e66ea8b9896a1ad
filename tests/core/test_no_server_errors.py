"""No input gives a server error: every URL pattern of the site, found in the resolver
(so patterns added later are walked too), with hostile values in its path, its query
string and, for the public ones, a posted form.

Hostile: huge, negative and non-finite numbers, dates beyond the calendar, NUL and other
control characters, unicode, overlong strings, wrong types, and parameter names nobody
expects. Path parameters are also real tickets, codes and tokens of a small city, so that
the views go past their lookups. Deterministic (derandomized, a fixed number of examples).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from balaikota.complaints.models import Category, Privacy
from balaikota.dashboards import summaries
from balaikota.open311 import services as open311
from balaikota.opendata import services as opendata
from balaikota.regions.models import Region
from tests.conftest import SUMBERSARI, Cast, submit

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1.5",
    "9" * 30,
    "-" + "9" * 30,
    "9" * 5000,
    "1e999",
    "-1e999",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "Infinity",
    "0x10",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "99999-01-01",
    "2026-11-01T25:61:61Z",
    "1,2,3,4",
    "112.55,-8.05,112.72,-7.88",
    "nan,nan,nan,nan",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\u202e\u0000",
    "%00",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "true",
    "null",
    "[]",
    "{}",
    "ٱلسَّلَامُ",
    "١٢٣",
    "𝟗𝟗",
    "Ａ",
    "x" * 20000,
]

# Names the site's views read, and some they do not.
NAMES = [
    "kategori",
    "opd",
    "kecamatan",
    "kelurahan",
    "status",
    "dari",
    "sampai",
    "halaman",
    "bbox",
    "zoom",
    "periode",
    "page",
    "page_size",
    "start_date",
    "end_date",
    "service_code",
    "service_request_id",
    "jurisdiction_id",
    "extensions",
    "api_key",
    "start",
    "end",
    "category",
    "agency",
    "lat",
    "lon",
    "long",
    "text",
    "year",
    "q",
    "ticket",
    "code",
    "next",
    "lang",
    "format",
    "description",
    "email",
    "phone",
    "nik",
    "name",
    "privacy",
    "radius",
    "rating",
    "note",
    "reason",
    "submission_key",
    "media_url",
    "address_string",
    "attribute[ukuran]",
    "kode",
    "token",
    "tahun",
    "o",
    "p",
    "e",
    "_changelist_filters",
]

hostile_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
param_names = st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12))
queries = st.one_of(
    st.lists(st.tuples(param_names, hostile_values), max_size=6),
    # One known name with one hostile value: the form a real attack takes.
    st.tuples(st.sampled_from(NAMES), hostile_values).map(lambda pair: [pair]),
    # Every known name at once with the same value.
    hostile_values.map(lambda value: [(name, value) for name in NAMES]),
)


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full regular expression and its parameters' names."""

    template: str
    regex: re.Pattern[str]
    params: tuple[tuple[str, str], ...]  # (name, the regex it matches)
    public: bool

    def path(self, values: dict[str, str]) -> str | None:
        """The path with `values` (encoded), or None when the pattern does not take them."""
        path = self.template.format(**{name: quote(values[name], safe="") for name in values})
        plain = self.template.format(**values)
        return "/" + path if self.regex.fullmatch(plain) else None


def _parts(
    pattern: RoutePattern | RegexPattern,
) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(template with {name} holes, regex, parameter names) of one piece of a pattern."""
    regex = pattern.regex.pattern.removeprefix("^").removesuffix(r"\Z").removesuffix("$")
    names: list[tuple[str, str]] = []

    def hole(match: re.Match[str]) -> str:
        names.append((match["name"], match["body"]))
        return "{" + match["name"] + "}"

    # A named group, with one level of nested brackets inside (converters' regexes).
    group = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")
    template = group.sub(hole, regex)
    template = re.sub(r"\\(.)", r"\1", template).replace("{", "{{").replace("}", "}}")
    for name, _body in names:
        template = template.replace("{{" + name + "}}", "{" + name + "}")
    return template, regex, tuple(names)


def routes() -> Iterator[Route]:
    def walk(
        patterns: list[Any], template: str, regex: str, names: tuple[str, ...]
    ) -> Iterator[Route]:
        for entry in patterns:
            part_template, part_regex, part_names = _parts(entry.pattern)
            full = (template + part_template, regex + part_regex, names + part_names)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, *full)
            elif isinstance(entry, URLPattern):
                if any(ch in full[0] for ch in "*+?[]()|^$") and not full[2]:
                    continue  # a catch-all regex without a plain form
                yield Route(
                    template=full[0],
                    regex=re.compile(full[1]),
                    params=full[2],
                    public=not full[0].startswith("admin/"),
                )

    yield from walk(get_resolver().url_patterns, "", "", ())


ROUTES = sorted(set(routes()), key=lambda route: route.template)


@pytest.fixture
def small_city(cast: Cast) -> list[str]:
    """A few complaints (one confidential), an Open311 client with a request, an alert:
    the real values path parameters take."""
    public = submit()
    secret = submit(
        "Ada pungutan liar di kantor kelurahan, saya diminta membayar.",
        privacy=Privacy.CONFIDENTIAL,
    )
    _row, key = open311.create_client(name="Malang Bersuara", organisation="Komunitas")
    Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "jalan-rusak",
            "lat": str(SUMBERSARI[0]),
            "long": str(SUMBERSARI[1]),
            "description": "Lampu jalan mati sejak seminggu di depan masjid.",
        },
    )
    alert = opendata.subscribe("warga@example.test", region=None, point=SUMBERSARI, radius_m=500)
    summaries.refresh()  # the dashboard's figures, as the nightly job leaves them
    regions = list(Region.objects.values_list("code", flat=True)[:4])
    slugs = list(Category.objects.values_list("slug", flat=True)[:3])
    return [
        public.ticket,
        secret.ticket,
        public.ticket.lower(),
        alert.token,
        *regions,
        *slugs,
        "dpupr",
        "1",
        "json",
        "xml",
        "csv",
        "geojson",
        "xlsx",
        "pdf",
        "konfirmasi",
        "buka-kembali",
        "terima",
        "tolak",
        "panel",
    ]


def _values(route: Route, real: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Real values, hostile ones, and any the parameter's own regex matches."""
    return st.fixed_dictionaries(
        {
            name: st.one_of(
                st.sampled_from(real), hostile_values, st.from_regex(regex, fullmatch=True)
            )
            for name, regex in route.params
        }
    )


def _paths(route: Route, real: list[str]) -> st.SearchStrategy[str]:
    """Paths of the route; values it does not take together are replaced by ones its
    regexes match."""
    matching = st.fixed_dictionaries(
        {name: st.from_regex(regex, fullmatch=True) for name, regex in route.params}
    )
    return st.one_of(
        _values(route, real).map(route.path).filter(bool),
        matching.map(route.path).filter(bool),
    )  # type: ignore[return-value]


FORM = "application/x-www-form-urlencoded"


def _failure(client: Client, method: str, url: str, form: str = "") -> str | None:
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data=form, content_type=FORM)
    if response.status_code < 500:
        return None
    return f"{method.upper()} {url[:200]!r} {form[:200]!r}: {response.status_code}"


def _walk(route: Route, real: list[str], failures: list[str]) -> None:
    """Hostile requests to one route; each that fails is added to `failures` (no
    shrinking: the list already names each request)."""
    client = Client(raise_request_exception=False)

    @settings(
        # The public site gets several; the admin, which sends anonymous callers to its
        # log-in before it reads anything, one each.
        max_examples=EXAMPLES if route.public else 1,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(path=_paths(route, real), query=queries, form=queries)
    def requests(path: str, query: list[tuple[str, str]], form: list[tuple[str, str]]) -> None:
        encoded = urlencode(query)
        found = [_failure(client, "get", f"{path}?{encoded}" if encoded else path)]
        if route.public:
            found.append(_failure(client, "post", path, urlencode(form)))
        failures.extend(failure for failure in found if failure)

    requests()


EXAMPLES = 4


def test_no_url_answers_a_server_error(small_city: list[str]) -> None:
    failures: list[str] = []
    for route in ROUTES:
        _walk(route, small_city, failures)

    assert failures == []


def test_the_walk_covers_the_site() -> None:
    templates = {route.template for route in ROUTES}

    assert {
        "peta/daftar",
        "lacak/{ticket}",
        "open311/v2/requests.{fmt}",
        "api/v1/complaints/similar",
        "feed/kategori/{slug}",
        "privasi/data-saya/{ticket}",
    } <= templates
    assert len(ROUTES) > 100
