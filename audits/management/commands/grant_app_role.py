"""Grant the application's database role what it needs, and no ownership (issue 18).

Run as the owner role after every migrate:
    DATABASE_URL=postgres://alpr_owner@db/alpr manage.py migrate
    DATABASE_URL=postgres://alpr_owner@db/alpr manage.py grant_app_role alpr_app
"""

from django.core.management.base import BaseCommand, CommandError

from audits.dbroles import grant_app_role


class Command(BaseCommand):
    help = "Grant the application role read/write on the tables, append-only on the access log, no ownership."

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, role, **options):
        try:
            statements = grant_app_role(role)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for statement in statements:
            self.stdout.write(statement)
        self.stdout.write(self.style.SUCCESS(f"{role}: granted; it owns nothing and cannot alter the access log."))
