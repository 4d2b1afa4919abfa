"""Test settings: the real settings, with a fast password hasher and a private var/."""

import os
import tempfile

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("ALPR_VAR_DIR", tempfile.mkdtemp(prefix="alpr-test-"))
# SEC-1: the tests' development media key lives beside their private var/ (not the
# developer's ~/.config), and subprocesses the tests start inherit it.
os.environ.setdefault("ALPR_MEDIA_KEY_FILE", os.path.join(os.environ["ALPR_VAR_DIR"], "media-keys"))

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests change lists and read at once: check the matcher's version on every read.
ALPR_MATCHER_REFRESH_SECONDS = 0

# Unit tests run tasks in-process even when a broker is configured (CI sets one);
# tests/test_worker_kill.py sends its task through the broker to real workers.
CELERY_TASK_ALWAYS_EAGER = True

# Issue 23: the access log is sealed as each entry is written in tests, as on the embedded
# default, even where CI configures a broker (whose default is the beat sealer); the
# sealer's own tests switch to "beat" (tests/test_access_log_sealer.py).
ALPR_ACCESS_LOG_SEAL = "inline"
