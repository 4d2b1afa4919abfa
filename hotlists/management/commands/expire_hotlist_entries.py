from django.core.management.base import BaseCommand

from hotlists.services.entries import expire_due


class Command(BaseCommand):
    help = "HL-5: expire internal hot-list entries that reached their deadline (idempotent)."

    def handle(self, *args, **options):
        expired = expire_due()
        self.stdout.write(f"Expired {len(expired)} entr{'y' if len(expired) == 1 else 'ies'}"
                          + (f": requests {', '.join(map(str, expired))}" if expired else "."))
