"""The worker's two queues, each with its own consumer, so that a burst on one never holds
up the other.

- default (Huey's Django HUEY): the outbox, forwards, alerts and every periodic job;
- photos: the re-encoding of uploads and photos fetched by URL. A citizen looks for the
  photo on the tracking page straight away; it must not wait behind thousands of
  notifications, nor take the outbox's threads.

`balaikota worker --queue photos` runs the photos consumer; `balaikota serve` runs both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from huey import Huey
from huey.contrib.djhuey import HUEY, close_db


def build(config: dict[str, Any]) -> Huey:
    """A Huey instance from a settings dict shaped like settings.HUEY."""
    options = {k: v for k, v in config.items() if k not in ("huey_class", "name", "consumer")}
    return import_string(config["huey_class"])(config["name"], **options)


PHOTOS = build(settings.HUEY_PHOTOS)
QUEUES: dict[str, tuple[Huey, dict[str, Any]]] = {
    "default": (HUEY, settings.HUEY),
    "photos": (PHOTOS, settings.HUEY_PHOTOS),
}


def photo_task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like djhuey's db_task, on the photos queue."""

    def decorator(fn: Callable[..., Any]) -> Any:
        wrapped = PHOTOS.task(**options)(close_db(fn))
        wrapped.call_local = fn
        return wrapped

    return decorator
