"""Small reference tables (routing rules, days off) held per process, for the hot paths.

A table is read on first use and again after `seconds`; a save or delete through the ORM in
the same process drops it at once. Other processes see a change within `seconds`: an admin's
new routing rule or day off applies to complaints made a minute later at most.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

RECHECK_SECONDS = 60.0
_ALL: list[Reference[Any]] = []


class Reference(Generic[T]):
    def __init__(self, load: Callable[[], T], *follows: type[models.Model]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: tuple[float, T] | None = None
        for model in follows:
            post_save.connect(self._dropped, sender=model, weak=False)
            post_delete.connect(self._dropped, sender=model, weak=False)
        _ALL.append(self)

    def get(self) -> T:
        held = self._value
        if held is not None and time.monotonic() - held[0] < RECHECK_SECONDS:
            return held[1]
        with self._lock:
            value = self._load()
            self._value = (time.monotonic(), value)
            return value

    def clear(self) -> None:
        self._value = None

    def _dropped(self, **kwargs: Any) -> None:
        self.clear()


def clear_all() -> None:
    """Forget every table (tests: each one's data is rolled back, without signals)."""
    for reference in _ALL:
        reference.clear()
