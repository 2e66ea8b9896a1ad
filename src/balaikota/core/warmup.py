"""What the busiest pages need, loaded when a web process starts instead of by the first
citizen to arrive: the routing model (from its file), the point -> kelurahan index (from
the boundaries), the URL patterns, the translations, the holiday calendar and the report
page's template.

Run by gunicorn under `balaikota serve` (core/gunicorn_conf.py), and in part by `balaikota
worker` (`warm_up_worker`), never by other management commands or tests, which need none
of it.
"""

from __future__ import annotations

import gc
import logging
import time

from django.db import DatabaseError, connections
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# Templates of the pages citizens open first.
TEMPLATES = ("complaints/report.html", "complaints/home.html", "complaints/track.html")


def warm_up() -> None:
    """Load everything the first requests would otherwise wait for. A database that is not
    reachable yet only leaves the rest to be loaded on first use."""
    from balaikota.complaints import router
    from balaikota.regions.selectors import index_cache

    started = time.monotonic()
    try:
        index_cache.get()
        # A new installation trains its first model here (seconds), not in a request.
        router.current_router()
    except DatabaseError as exc:
        logger.warning("warm-up: the database is not ready (%s); loading on first use", exc)
    finally:
        # Before gunicorn forks: every worker opens its own connections.
        connections.close_all()
    _links_and_languages()
    _working_days()
    for name in TEMPLATES:
        get_template(name)
    _freeze()
    logger.info("warm-up done in %.1f s", time.monotonic() - started)


def warm_up_worker() -> None:
    """What the worker's first tasks would otherwise load: the URL patterns (every view
    module, seconds on a busy machine) and the translations. The first chainer run after
    a start formats its messages with both inside its write transaction: on SQLite it held
    the database's write lock while it imported them."""
    started = time.monotonic()
    _links_and_languages()
    _working_days()
    _freeze()
    logger.info("worker warm-up done in %.1f s", time.monotonic() - started)


def _links_and_languages() -> None:
    reverse("complaints:report")
    for language in ("id", "en"):
        with translation.override(language):
            # Activating a language reads its catalogue; no literal here for makemessages.
            translation.gettext(translation.get_language())


def _working_days() -> None:
    """Every new complaint's deadline counts working days: the holiday calendar (a package
    that imports every country's module, about 0.2 s) is read for this year and the next."""
    from balaikota.core import workdays

    year = timezone.localdate().year
    for each in (year, year + 1):
        workdays.national_holidays(each)


def _freeze() -> None:
    """Leave what is loaded now out of every later garbage collection. A process holds about
    300,000 objects after the warm-up (the routing model, the kelurahan index, every module);
    a full collection walked them all, 0.3-0.5 s during which every request of the process
    waited (seen as the p99 of GETs as cheap as /healthz). Frozen in gunicorn's master, they
    also stay shared with the forked workers instead of being copied when a collection
    touches them."""
    gc.collect()
    gc.freeze()
