"""`manage.py media_reencrypt`: re-seal every stored media file under the current key of
ALPR_MEDIA_KEYS (SEC-1, after a key rotation), and seal any plaintext file left from
before encryption at rest. Each file is replaced atomically; re-running is harmless.
When it reports no file under an older key, that key can be dropped from ALPR_MEDIA_KEYS.
"""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.storage import key_ring, reseal_file
from lib.mediacrypt import MediaDecryptError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Re-encrypt every media file under the current ALPR_MEDIA_KEYS key (and encrypt legacy plaintext files)."

    def handle(self, *args, **options):
        ring = key_ring()
        root = Path(settings.MEDIA_ROOT)
        counts = {"current": 0, "resealed": 0, "sealed": 0, "failed": 0}
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if name.endswith(".reseal"):
                    continue  # a temporary left by an interrupted run
                path = Path(folder) / name
                try:
                    counts[reseal_file(path, ring)] += 1
                except (MediaDecryptError, OSError) as exc:
                    counts["failed"] += 1
                    logger.error("media_reencrypt: %s: %s", path, exc)
                    self.stderr.write(f"{path.relative_to(root)}: {exc}")
        self.stdout.write(f"current key {ring.current_id}: {counts['resealed']} re-encrypted from an older key, "
                          f"{counts['sealed']} plaintext encrypted, {counts['current']} already current, "
                          f"{counts['failed']} failed")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) could not be re-encrypted (see above)")
