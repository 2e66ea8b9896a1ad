"""The worker's queues on their real storage (SQLite files, or Redis when REDIS_URL is set):
photos never wait behind notifications, and periodic jobs run once however many workers
run the schedule."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import Huey
from huey.consumer import Scheduler
from huey.contrib.djhuey import HUEY

from balaikota.complaints import tasks as photo_tasks
from balaikota.complaints.models import Photo
from balaikota.core.models import PeriodicRun
from balaikota.core.queues import PHOTOS
from balaikota.notifications import tasks as outbox_tasks
from tests.conftest import Cast, jpeg, submit

pytestmark = pytest.mark.django_db


def _on_real_storage(huey: Huey, folder: Path) -> None:
    """The queue's own storage class (not the tests' in-memory one), under a fresh name."""
    huey._immediate = False
    options = dict(huey.storage_kwargs)
    if "filename" in options:
        options["filename"] = str(folder / f"{huey.name}.sqlite3")
    huey.storage = huey.storage_class(f"test-{huey.name}-{uuid.uuid4().hex[:8]}", **options)


@pytest.fixture
def real_queues(tmp_path: Path) -> Iterator[None]:
    for huey in (HUEY, PHOTOS):
        _on_real_storage(huey, tmp_path)
    yield
    for huey in (HUEY, PHOTOS):
        huey.flush()
        huey.immediate = True  # the tests' in-memory storage again


def _names(huey: Huey) -> list[str]:
    return [task.name for task in huey.pending()]


def test_a_burst_of_notifications_does_not_delay_a_photo(cast: Cast, real_queues: None) -> None:
    # given a burst of outbox deliveries waiting in the default queue
    for _ in range(300):
        outbox_tasks.deliver_outbox()
    # when a citizen's photo is uploaded after them
    complaint = submit(photo_files=[jpeg()])
    photo = Photo.objects.get(complaint=complaint)
    photo_tasks.process_photo(photo.pk)
    # then it waits in a queue of its own, first in line for the photos consumer
    assert _names(PHOTOS) == ["process_photo"]
    assert len(HUEY) == 300
    assert "process_photo" not in _names(HUEY)
    # and it is ready while every notification still waits
    task = PHOTOS.dequeue()
    photo_tasks.process_photo.call_local(*task.args)
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY
    assert len(HUEY) == 300


def test_a_photo_to_re_encode_goes_before_one_to_fetch(cast: Cast, real_queues: None) -> None:
    complaint = submit(photo_files=[jpeg()])
    photo = Photo.objects.get(complaint=complaint)
    photo_tasks.fetch_photo(photo.pk)
    photo_tasks.process_photo(photo.pk)
    assert PHOTOS.dequeue().name == "process_photo"


def _run_schedulers(count: int, at: dt.datetime) -> None:
    """`count` workers' schedulers reach the same minute, as on several hosts."""
    for scheduler in [Scheduler(HUEY, threading.Event(), 1, True) for _ in range(count)]:
        scheduler.enqueue_periodic_tasks(at)


def test_two_workers_enqueue_each_periodic_job_once(real_queues: None) -> None:
    # given a minute when the outbox retry, the map and the overdue escalation are all due
    minute = dt.datetime(2026, 12, 3, 5, 0, 10)  # naive UTC, as Huey's scheduler gives it
    due = {task.name for task in HUEY._registry.periodic_tasks if task.validate_datetime(minute)}
    assert "deliver_outbox_periodically" in due
    # when two workers' schedulers get there, the second half a minute later
    _run_schedulers(1, minute)
    _run_schedulers(1, minute + dt.timedelta(seconds=30))
    # then each job is queued once, and the record says which worker ran it
    assert sorted(_names(HUEY)) == sorted(due)
    assert PeriodicRun.objects.filter(due_at__minute=0).count() == len(due)
    # and the next minute's jobs are queued again, once
    _run_schedulers(2, minute + dt.timedelta(minutes=1))
    every_minute = [n for n in _names(HUEY) if n.endswith("deliver_outbox_periodically")]
    assert len(every_minute) == 2


def test_a_delivery_run_goes_before_the_alert_runs_of_a_burst(real_queues: None) -> None:
    from balaikota.opendata import tasks as alert_tasks

    for complaint_id in range(50):
        alert_tasks.send_alerts(complaint_id)
    outbox_tasks.deliver_outbox()
    assert HUEY.dequeue().name == "deliver_outbox"
