"""`manage.py demo`: idempotent demo data for the embedded default.

Each app that has demo data exposes `<app>/demo.py` with `load(ctx)`; they run in the
order below, so later apps can use the people and agencies made before them.
"""

import logging
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoContext, demo_after_frames
from config.quiet import quiet_startup

DEMO_MODULES = ["accounts.demo", "training.demo", "hotlists.demo", "ingest.demo", "alpr.demo", "sharing.demo",
                "audits.demo"]


class Command(BaseCommand):
    help = "Create (or refresh) demo agencies, users for every role, and demo data. Refused in production."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-password-2026")

    def handle(self, *args, password, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to create demo data with DJANGO_ENV=production.")
        if len(password) < 12:
            raise CommandError("The demo password must be at least 12 characters.")
        # Every demo step is logged to the access log as usual; keep the console readable
        # (issue 21 §10: no torch or broker warnings, no line per frame).
        quiet_startup()
        # The demo's refused search is on purpose, for the audit to sample: no warning.
        logging.getLogger("alpr.search").setLevel(logging.ERROR)
        ctx = DemoContext(password=password, today=timezone.localdate())
        with transaction.atomic():
            for module in DEMO_MODULES:
                import_module(module).load(ctx)
        # Issue 21 §10: the frames are read when that transaction commits; only then do the
        # steps that use the reads (the sample searches) run, so they find them.
        demo_after_frames(ctx, DEMO_MODULES)
        for line in ctx.lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Sign in at http://127.0.0.1:8000/ with password {password}"))
        for line in ctx.closing:
            self.stdout.write(line)
