"""Answers that are the same for every caller (Open311's services and request lists), built
once and served from each process's memory until something they show changes.

Every stored answer carries the *generation* it was built in. A generation names the state of
what is public; it changes after every committed change to it (a new or changed complaint, a
photo, a category; see `complaints/public_changes.py`), and an answer of an older generation
is never served again. The generation lives where every process sees it: in Redis when
REDIS_URL is set (every host shares it), otherwise in a small file under VAR_DIR (one host:
without Redis the queue is a file there too), read once per request. Within a process a
change counts at once, even before its transaction commits, and once more after the commit.

The generation is read *before* the answer is built: a change committed while it is built
makes a new generation, so the answer is never kept under a generation that it predates.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

# An answer is rebuilt at least this often even when nothing changed: lists by default cover
# the last 90 days up to now, and the window moves.
MAX_AGE_SECONDS = 60.0
# Distinct answers held per process (each a few to a few hundred kilobytes), and their bytes
# together: a client asking for many different 1000-row pages cannot fill the memory.
MAX_ANSWERS = 256
MAX_BYTES = 32 * 1024 * 1024


_ALL: list[Generation] = []


def _uses_redis() -> bool:
    return str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache")


class Generation:
    """One named generation, shared by every process (Redis, or a file under VAR_DIR)."""

    def __init__(self, name: str) -> None:
        self.name = name
        # Changes seen by this process: they count before their transaction commits.
        self._local = itertools.count()
        self._local_now = 0
        _ALL.append(self)

    @property
    def _path(self) -> Path:
        return Path(settings.VAR_DIR) / f"generation-{self.name}"

    def _shared(self) -> str:
        if _uses_redis():
            return str(cache.get(f"generation:{self.name}", 0))
        try:
            return self._path.read_text()
        except FileNotFoundError:
            return ""

    def current(self) -> tuple[str, int]:
        return self._shared(), self._local_now

    def changed_here(self) -> None:
        """A change in this process, committed or not yet."""
        self._local_now = next(self._local) + 1

    def changed(self) -> None:
        """A committed change: every process and host builds its answers afresh."""
        self.changed_here()
        if _uses_redis():
            key = f"generation:{self.name}"
            cache.add(key, 0, timeout=None)
            cache.incr(key)
            return
        path = str(self._path)
        temporary = f"{path}.{os.getpid()}.{threading.get_ident()}"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except FileNotFoundError:  # VAR_DIR made after this process started
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(descriptor, secrets.token_hex(8).encode())
        finally:
            os.close(descriptor)
        os.replace(temporary, path)  # readers see the old token or the new one, whole

    def change_on_commit(self) -> None:
        """Call inside the transaction that makes the change (or outside any: at once)."""
        self.changed_here()
        connection = transaction.get_connection()
        # One shared change per transaction is enough (a report saves several rows). A
        # savepoint rolled back drops its callback, and the next change registers again.
        if connection.in_atomic_block and any(
            entry[1] == self.changed for entry in connection.run_on_commit
        ):
            return
        transaction.on_commit(self.changed, robust=True)


PUBLIC = Generation("public")
# The services (categories and who handles them): a part of PUBLIC that changes rarely, so
# that the photos and reports of a busy hour leave services.json as it is.
CATALOGUE = Generation("catalogue")


def forget_here() -> None:
    """Nothing held by this process is served again (tests: each one's data is rolled back
    without a commit)."""
    for generation in _ALL:
        generation.changed_here()


@dataclass
class Answer:
    generation: tuple[str, int]
    built: float
    body: bytes
    content_type: str
    etag: str
    _gzipped: bytes | None = None

    def gzipped(self) -> bytes:
        """Compressed once, for every caller. Without the random padding of
        `core.compression`: a public answer holds no secret for BREACH to guess."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


class AnswerStore:
    """A process's answers by key, the least recently used dropped first."""

    def __init__(self, generation: Generation, size: int = MAX_ANSWERS) -> None:
        self.generation = generation
        self.size = size
        self._answers: OrderedDict[tuple[str, ...], Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], build: Callable[[], tuple[bytes, str]]) -> Answer:
        """The stored answer for `key` if it is of the current generation, else `build()`'s
        (body, content type), stored."""
        generation = self.generation.current()  # before building: see the module's note
        now = time.monotonic()
        with self._lock:
            held = self._answers.get(key)
            fresh = held is not None and held.generation == generation
            if held is not None and fresh and now - held.built < MAX_AGE_SECONDS:
                self._answers.move_to_end(key)
                return held
        body, content_type = build()
        # Weak: the same answer goes out compressed or not.
        etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        answer = Answer(generation, now, body, content_type, etag)
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            held_bytes = sum(len(a.body) for a in self._answers.values())
            while len(self._answers) > self.size or (
                held_bytes > MAX_BYTES and len(self._answers) > 1
            ):
                _key, dropped = self._answers.popitem(last=False)
                held_bytes -= len(dropped.body)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


PUBLIC_ANSWERS = AnswerStore(PUBLIC)
CATALOGUE_ANSWERS = AnswerStore(CATALOGUE, size=16)


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def respond(request: HttpRequest, answer: Answer) -> HttpResponse:
    """The answer, or 304 Not Modified for a client that holds it (If-None-Match). Clients
    and proxies may keep it but must ask again each time: it changes with every report."""
    if len(answer.body) >= 200 and _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(answer.gzipped(), content_type=answer.content_type)
        response.headers["Content-Encoding"] = "gzip"  # the GZip middleware leaves it be
    else:
        response = HttpResponse(answer.body, content_type=answer.content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    response.headers["ETag"] = answer.etag
    patch_cache_control(response, public=True, no_cache=True)
    conditional = get_conditional_response(request, etag=answer.etag, response=response)
    return conditional if conditional is not None else response
