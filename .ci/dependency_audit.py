"""pip-audit over the installed dependencies, with the result printed (issue 8).

Fails the build when a known vulnerability is reported. When the vulnerability service
cannot be reached (this machine kind's package mirror serves no per-version JSON, so every
package comes back "not found"), it says so plainly and does not fail: a missing answer
is not a clean bill of health, and the log must not pretend it is."""

import json
import subprocess
import sys

result = subprocess.run([sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json", "--progress-spinner",
                         "off"], capture_output=True, text=True)  # noqa: S603
try:
    report = json.loads(result.stdout or "{}")
except json.JSONDecodeError:
    print(f"pip-audit did not run: {result.stderr.strip()[-500:]}")
    sys.exit(0)
dependencies = report.get("dependencies", [])
audited = [d for d in dependencies if "skip_reason" not in d]
skipped = [d for d in dependencies if "skip_reason" in d]
vulnerable = [d for d in audited if d.get("vulns")]
print(f"pip-audit: {len(dependencies)} packages, {len(audited)} audited, {len(skipped)} could not be audited, "
      f"{len(vulnerable)} with known vulnerabilities")
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "-"
        print(f"  {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
if skipped and not audited:
    example = next((d for d in skipped if "editable" not in d["skip_reason"]), skipped[0])
    print("  NOT AUDITED: the vulnerability service is unreachable from this machine "
          f"(e.g. {example['name']}: {example['skip_reason']}).")
sys.exit(1 if vulnerable else 0)
