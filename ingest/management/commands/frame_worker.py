"""`manage.py frame_worker`: the embedded default's background OCR worker (issue 21 §2),
started by `make run` beside runserver. See ingest/frame_worker.py."""

import os
import signal

from django.core.management.base import BaseCommand

from config.quiet import quiet_startup
from ingest import frame_worker


class Command(BaseCommand):
    help = "Read queued frames from the database in the background (the embedded default; no broker needed)."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=0.5, help="Seconds to wait when the queue is empty.")
        parser.add_argument("--once", action="store_true", help="Process what is queued now, then exit.")
        parser.add_argument("--nice", type=int, default=10,
                            help="Lower this process's CPU priority by this much (0 to keep it).")

    def handle(self, *args, poll, once, nice, **options):
        if nice:
            # Issue 21 §2: the camera API answers in ≤ 200 ms whatever the OCR load. On the
            # embedded default the server and this worker share the machine's cores; the OCR
            # yields to the web requests, which are short, instead of competing with them.
            os.nice(nice)
        quiet_startup()  # issue 21 §10: no torch warnings on `make run`
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        if once:
            done = 0
            while frame_worker.run_once() is not None:
                done += 1
            self.stdout.write(f"{done} frame(s) read.")
            return
        frame_worker.run(poll_seconds=poll, stop=lambda: bool(stopping))
