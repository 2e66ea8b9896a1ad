"""`balaikota worker`: the consumer of one queue (core/queues.py).

    balaikota worker                   # the default queue, with the periodic schedule
    balaikota worker --queue photos    # the photos queue
    balaikota worker --no-periodic     # the default queue without the schedule
    balaikota worker --nice 10         # below the CPU priority of a web server beside it

Run one of each on every worker host, all alike: the schedule runs everywhere and each
periodic job is claimed once per minute in the database (core/periodic.py).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig


class Command(BaseCommand):
    help = "Run the consumer of one background queue (default or photos)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", choices=["default", "photos"], default="default")
        parser.add_argument("--workers", type=int, default=None, help="threads (default: env)")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="do not run the periodic schedule (default queue only; photos never has one)",
        )
        parser.add_argument(
            "--nice",
            type=int,
            choices=range(20),
            default=0,
            metavar="0-19",
            help="lower this process's CPU priority by so much (on a host it shares with the web)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from balaikota.core.queues import QUEUES
        from balaikota.core.warmup import warm_up_worker

        if options["nice"]:
            os.nice(options["nice"])
        autodiscover_modules("tasks")
        warm_up_worker()
        huey, config = QUEUES[options["queue"]]
        consumer_options = dict(config.get("consumer", {}))
        if options["workers"]:
            consumer_options["workers"] = options["workers"]
        consumer_options["periodic"] = options["queue"] == "default" and not options["no_periodic"]
        consumer_config = ConsumerConfig(**consumer_options)
        consumer_config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            consumer_config.setup_logger(logger)
        huey.create_consumer(**consumer_config.values).run()
