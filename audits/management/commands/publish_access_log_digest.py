"""Sign and publish the access log's head now (the daily task does it at midnight)."""

from django.core.management.base import BaseCommand, CommandError

from audits.services.digests import access_log_digest_publish
from lib.errors import DomainError


class Command(BaseCommand):
    help = "Sign the access log's head (last sequence and hash) and publish it on the transparency page."

    def handle(self, *args, **options):
        try:
            digest = access_log_digest_publish(triggered_by="command")
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"Digest as of {digest.as_of.isoformat()}: #{digest.last_sequence} {digest.head_hash} "
            f"signature {digest.signature}"))
