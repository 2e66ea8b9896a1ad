"""`balaikota serve`: the web server and the background worker together, for one machine.

In production run them apart instead (see README): `gunicorn -c
python:balaikota.core.gunicorn_conf balaikota.wsgi` on the web hosts, and `balaikota worker`
and `balaikota worker --queue photos` on the worker hosts, all pointing at the same
DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from balaikota.core.envvars import env_int


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and the background workers (huey) together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--web-workers",
            type=int,
            default=None,
            help="Web processes (default: WEB_CONCURRENCY).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Run the web server only (a worker runs elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Never the console mail backend (it prints recipients and texts into the log):
        # with DEBUG off, a way for e-mail to leave must be chosen before serving.
        problem = getattr(settings, "EMAIL_BACKEND_PROBLEM", None)
        if problem:
            raise CommandError(problem)
        nice = env_int("WORKER_NICE")
        if not 0 <= nice <= 19:
            raise CommandError(f"WORKER_NICE={nice} is not between 0 and 19.")
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        web_workers = options["web_workers"] or int(os.environ.get("WEB_CONCURRENCY", "3"))
        bind = f"{options['host']}:{options['port']}"
        commands = [
            [
                sys.executable,
                "-m",
                "gunicorn",
                "balaikota.wsgi:application",
                # Loaded and warmed up once, before the workers fork (core/gunicorn_conf.py).
                "--config",
                "python:balaikota.core.gunicorn_conf",
                "--bind",
                bind,
                "--workers",
                str(web_workers),
                "--threads",
                os.environ.get("WEB_THREADS", "4"),
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "--graceful-timeout",
                "20",
                "--access-logfile",
                "-",
                # The path without its query string: private links carry a key there.
                "--access-logformat",
                '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
                "--forwarded-allow-ips",
                "127.0.0.1",
            ]
        ]
        if not options["no_worker"]:
            # A consumer per queue (core/queues.py): photos never wait behind the outbox.
            # Below the web's CPU priority: a periodic job (the map's counts every five
            # minutes) or a backlog takes the CPU the web leaves, not the citizens' answers.
            worker = [sys.executable, "-m", "balaikota.cli", "worker", "--nice", str(nice)]
            for queue in ("default", "photos"):
                commands.append([*worker, "--queue", queue])
        children = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603
        self.stdout.write(f"Balaikota is serving on http://{bind}/ (Ctrl+C stops it)")

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            sys.exit(1)
