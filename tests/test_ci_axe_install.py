"""Issue 21 checks: CI installs axe-core (`make axe-install`) before the tests, so the
accessibility test runs there; without npm CI says why and the test skips with its reason."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_it_installs_axe_core_before_make_test():
    script = (ROOT / ".ci/run").read_text()
    steps = [line.strip() for line in script.splitlines() if not line.strip().startswith(("#", "echo"))]
    assert ".ci/axe_install" in steps
    assert steps.index(".ci/axe_install") < steps.index("make test")
    assert re.search(r"^\s*make axe-install", (ROOT / ".ci/axe_install").read_text(), re.M)


def test_it_says_why_and_carries_on_without_npm(tmp_path):
    result = subprocess.run([str(ROOT / ".ci/axe_install")], capture_output=True, text=True, timeout=30,  # noqa: S603 (our script)
                            env={**os.environ, "NPM": str(tmp_path / "no-npm-here")})
    assert result.returncode == 0
    assert "npm is not installed" in result.stdout
    assert "skip with a reason" in result.stdout
