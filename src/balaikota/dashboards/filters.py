"""The public map's and list's filter, read from the address so that a view can be shared.

Pure: parsing and validation only; `selectors.public_complaints` applies it. A parameter
that cannot be used is refused (BadFilter), never ignored: a shared link that silently shows
the whole city, or a date the database cannot hold, would mislead or fail later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from balaikota.complaints.models import Status

# Rejected complaints and duplicates are not on the map: they are not problems in the city.
HIDDEN_STATUSES = (Status.REJECTED, Status.DUPLICATE)
PUBLIC_STATUSES = tuple(status for status in Status if status not in HIDDEN_STATUSES)
MAX_ZOOM = 20
POINT_ZOOM = 16  # from this zoom on, single complaints instead of clusters
# Complaints exist in these years only; a date outside them would overflow when it is
# moved to the city's time zone (0001-01-01) or a day on (9999-12-31).
YEARS = range(2000, 2101)
FILTER_NAMES = ("kategori", "opd", "kecamatan", "kelurahan", "status", "dari", "sampai")


@dataclass(frozen=True)
class MapFilter:
    kategori: str = ""  # category slug
    opd: str = ""  # agency code
    kecamatan: str = ""  # region code of a kecamatan
    kelurahan: str = ""  # region code of a kelurahan
    status: str = ""  # a public status, or empty for all
    dari: dt.date | None = None  # submitted on or after
    sampai: dt.date | None = None  # submitted on or before

    def query(self) -> str:
        """The filter as a query string (only what is set), for links and the map's calls."""
        return urlencode({key: str(value) for key, value in asdict(self).items() if value})

    @property
    def is_empty(self) -> bool:
        return not self.query()


class BadFilter(ValueError):
    """The address holds parameters that cannot be used; `problems` says each, for the user."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _date(value: str, name: str, problems: list[str]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(_("%(name)s is not a date (YYYY-MM-DD).") % {"name": name})
        return None
    if day.year not in YEARS:
        problems.append(
            _("%(name)s is out of range: from %(first)d to %(last)d.")
            % {"name": name, "first": YEARS.start, "last": YEARS.stop - 1}
        )
        return None
    return day


def _code(value: str, name: str, problems: list[str]) -> str:
    value = value.strip()
    if value and not (len(value) <= 40 and value.replace("-", "").replace(".", "").isalnum()):
        problems.append(_("%(name)s is not a code.") % {"name": name})
        return ""
    return value


def unknown_names(params: QueryDict | dict[str, str], known: tuple[str, ...]) -> list[str]:
    """A message for each parameter name not in `known`, naming the ones that are."""
    unknown = sorted(name for name in params if name not in known)
    if not unknown:
        return []
    return [
        _("Unknown parameter %(names)s; the known ones are %(known)s.")
        % {"names": ", ".join(name[:40] for name in unknown[:5]), "known": ", ".join(known)}
    ]


def parse(params: QueryDict | dict[str, str], *, also: tuple[str, ...] = ()) -> MapFilter:
    """A filter from request parameters, or BadFilter naming every problem at once.
    `also`: the other parameters the page itself reads (its page number, the viewport)."""
    problems = unknown_names(params, FILTER_NAMES + also)
    status = (params.get("status", "") or "").strip()
    if status and status not in PUBLIC_STATUSES:
        problems.append(
            _("status is one of %(statuses)s.") % {"statuses": ", ".join(PUBLIC_STATUSES)}
        )
    flt = MapFilter(
        kategori=_code(params.get("kategori", "") or "", "kategori", problems),
        opd=_code(params.get("opd", "") or "", "opd", problems),
        kecamatan=_code(params.get("kecamatan", "") or "", "kecamatan", problems),
        kelurahan=_code(params.get("kelurahan", "") or "", "kelurahan", problems),
        status=status if status in PUBLIC_STATUSES else "",
        dari=_date(params.get("dari", "") or "", "dari", problems),
        sampai=_date(params.get("sampai", "") or "", "sampai", problems),
    )
    if flt.dari and flt.sampai and flt.sampai < flt.dari:
        problems.append(_("sampai is before dari."))
    if problems:
        raise BadFilter(problems)
    return flt


def page_number(value: str | None) -> int:
    """A page number from 1 up, or BadFilter (Django's paginator would quietly show
    another page for a wrong one)."""
    text = (value or "1").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= 1):
        raise BadFilter([_("halaman is a whole number from 1.")])
    return int(text)


@dataclass(frozen=True)
class Viewport:
    west: float
    south: float
    east: float
    north: float
    zoom: int


def cell_degrees(zoom: int) -> float:
    """Grid cell size: about 48 screen pixels at this zoom (a 256-pixel tile spans
    360 / 2^zoom degrees of longitude)."""
    return 360.0 / (2**zoom) / (256 / 48)


class BadViewport(ValueError):
    pass


def parse_viewport(bbox: str, zoom: str) -> Viewport:
    """`bbox=west,south,east,north` (degrees) and `zoom` (0-20), or BadViewport."""
    try:
        west, south, east, north = (float(part) for part in bbox.split(","))
        level = int(zoom)
    except ValueError as exc:
        raise BadViewport(
            _("bbox is west,south,east,north in degrees and zoom a whole number.")
        ) from exc
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        # NaN compares false, so it is refused here too.
        raise BadViewport(_("bbox is out of range or its corners are swapped."))
    if not 0 <= level <= MAX_ZOOM:
        raise BadViewport(_("zoom is from 0 to %(max)d.") % {"max": MAX_ZOOM})
    return Viewport(west, south, east, north, level)
