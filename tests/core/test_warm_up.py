"""A web process started by `balaikota serve` has the routing model and the kelurahan index
in memory before its first request (gunicorn's master loads and warms the application once,
then forks the workers); management commands and tests load neither on their own."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from balaikota.complaints import router
from balaikota.core import gunicorn_conf, workdays
from balaikota.regions.selectors import index_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_gunicorn_loads_the_model_and_the_index_before_forking(city: None, unfrozen: None) -> None:
    # given a model on disk (as `balaikota demo` leaves one), neither it nor the index loaded
    router.current_router()
    router._load.cache_clear()
    index_cache.clear()
    workdays.national_holidays.cache_clear()
    assert not index_cache.loaded

    # when gunicorn's master is ready, before it forks its first worker
    assert gunicorn_conf.preload_app is True
    gunicorn_conf.when_ready(server=None)

    # then both are in memory, and the holidays that every new complaint's deadline counts
    assert router._load.cache_info().currsize == 1
    assert index_cache.loaded
    assert workdays.national_holidays.cache_info().currsize == 2
    # and what is loaded is left out of later full garbage collections (each of which would
    # otherwise walk it while every request of the process waits)
    assert gc.get_freeze_count() > 10_000
    assert index_cache.get().locate(-7.960, 112.614).code == "35.73.05.1005"


def test_the_worker_loads_the_views_and_translations_before_its_first_task() -> None:
    # A fresh process, as `balaikota worker` starts: the chainer's first run formats links
    # and texts inside its write transaction, so they must be loaded before it.
    script = (
        "import sys, django; django.setup()\n"
        "from balaikota.core.warmup import warm_up_worker\n"
        "assert 'balaikota.api.views' not in sys.modules\n"
        "warm_up_worker()\n"
        "print('balaikota.api.views' in sys.modules)\n"
        "from balaikota.core import workdays\n"
        "print(workdays.national_holidays.cache_info().currsize)\n"
        "import gc\n"
        "print(gc.get_freeze_count() > 10_000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "balaikota.settings", "DEBUG": "true"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-3:] == ["True", "2", "True"]
