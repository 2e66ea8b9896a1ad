"""gunicorn's settings for Balaikota (`gunicorn -c python:balaikota.core.gunicorn_conf`;
`balaikota serve` passes it).

The application is loaded once in the master, and warmed up there (core/warmup.py) before
the first worker is forked: every worker starts with the routing model and the kelurahan
index in memory (shared with the master until written), so the first request after a start
or a worker's restart is as fast as the others.
"""

from __future__ import annotations

from typing import Any

preload_app = True


def when_ready(server: Any) -> None:
    from balaikota.core.warmup import warm_up

    warm_up()
