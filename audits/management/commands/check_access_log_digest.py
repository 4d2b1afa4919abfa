"""Check the database's access log against a published digest someone kept (AU-1; issue 19).

    manage.py check_access_log_digest SEQUENCE HASH     a digest kept outside the system
    manage.py check_access_log_digest --all             every digest the database holds

Exit status 1 when the log no longer matches: it was rewritten up to that entry, even if
every later hash was recomputed."""

from django.core.management.base import BaseCommand, CommandError

from audits.log_export import access_log_digest_check, access_log_digests_check


class Command(BaseCommand):
    help = "Check the access log against a published digest (SEQUENCE HASH) or against all stored digests."

    def add_arguments(self, parser):
        parser.add_argument("sequence", nargs="?", type=int)
        parser.add_argument("hash", nargs="?")
        parser.add_argument("--all", action="store_true", help="check every digest stored in the database")

    def handle(self, *args, sequence=None, hash=None, all=False, **options):  # noqa: A002
        if all:
            results = access_log_digests_check()
            bad = [(d, r) for d, r in results if not r.ok]
            if bad:
                digest, result = bad[0]
                raise CommandError(f"Digest of {digest.as_of:%Y-%m-%d %H:%M} (#{digest.last_sequence}): "
                                   f"{result.problem}")
            self.stdout.write(self.style.SUCCESS(f"The log matches all {len(results)} published digests."))
            return
        if sequence is None or not hash:
            raise CommandError("Give SEQUENCE and HASH of a published digest, or --all.")
        result = access_log_digest_check(last_sequence=sequence, head_hash=hash.strip().lower())
        if not result.ok:
            raise CommandError(f"Access log does NOT match the digest #{sequence}: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"The log up to #{sequence} matches the digest."))
