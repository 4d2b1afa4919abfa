"""Issue 19 part 4: `export_access_log` writes a signed ZIP that the verify.py inside it
checks with no access to the system; a tampered entry or a bad signature fails, naming the
first bad entry's sequence number."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accesslog import chain
from accesslog.models import AccessEvent
from accesslog.services import record_access
from audits import signing, verify_export
from audits.log_export import access_log_export_write

pytestmark = pytest.mark.django_db


def _log(user, n=6):
    return [record_access(action="search.run", user=user, object_type="search", object_id=i,
                          data_elements={"plate": f"7ABC12{i}", "results": i, "score": 1.5, "note": "café"},
                          purpose="burglary", case_number=f"26-{i:05d}", detail=f"Reason given: lead {i}")
            for i in range(n)]


def _export(tmp_path, name="log.zip"):
    today = timezone.localdate()
    out = tmp_path / name
    call_command("export_access_log", "--from", str(today - timedelta(days=1)), "--to", str(today), str(out))
    return out


def _verify(path, *args, stdlib_only=False):
    """verify.py as an outsider runs it: extracted from the ZIP, in its own process; with
    `stdlib_only`, isolated from every installed package (no `cryptography`)."""
    script = path.parent / "verify.py"
    script.write_bytes(zipfile.ZipFile(path).read("verify.py"))
    command = [sys.executable, *(["-I", "-S"] if stdlib_only else []), str(script), str(path), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=path.parent,  # noqa: S603
                          env={**os.environ})


def _rewrite(path, member, change):
    with zipfile.ZipFile(path) as original:
        contents = {name: original.read(name) for name in original.namelist()}
    contents[member] = change(contents[member])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_it_exports_entries_that_verify_py_accepts(officer, tmp_path):
    events = _log(officer)
    out = _export(tmp_path)
    archive = zipfile.ZipFile(out)
    assert {"entries.jsonl", "manifest.json", "manifest.sig", "public_key.pem", "verify.py", "README.txt"} <= set(
        archive.namelist())
    lines = [json.loads(line) for line in archive.read("entries.jsonl").splitlines()]
    by_seq = {line["sequence"]: line for line in lines}
    first = by_seq[events[0].sequence]
    assert set(first) == set(chain.HASHED_FIELDS) | {"entry_hash"}
    assert first["entry_hash"] == events[0].entry_hash and first["previous_hash"] == events[0].previous_hash
    assert first["data_elements"]["note"] == "café" and first["detail"] == "Reason given: lead 0"
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["entries"] == len(lines) == AccessEvent.objects.count() - 1  # less the export's own entry
    result = _verify(out, "--fingerprint", manifest["key_fingerprint"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK: {len(lines)} entries" in result.stdout
    # The export is itself an entry in the log (AU-1).
    assert AccessEvent.objects.filter(action="access_log.export_signed").count() == 1
    # The verifier's hash is accesslog/chain.py's hash.
    assert verify_export.entry_hash(first) == chain.entry_hash(AccessEvent.objects.get(pk=events[0].pk))


def test_it_names_the_first_tampered_entry(officer, tmp_path):
    events = _log(officer)
    out = _export(tmp_path)
    target = events[3].sequence

    def change(data):
        rows = [json.loads(line) for line in data.splitlines()]
        for row in rows:
            if row["sequence"] == target:
                row["case_number"] = "26-99999"
        return b"".join(json.dumps(r, sort_keys=True, ensure_ascii=False).encode() + b"\n" for r in rows)

    _rewrite(out, "entries.jsonl", change)
    result = _verify(out)
    assert result.returncode == 1
    assert f"#{target} was altered" in result.stdout and f"first bad entry: #{target}" in result.stdout


def test_it_catches_a_file_rewritten_with_recomputed_hashes(officer, tmp_path):
    events = _log(officer)
    out = _export(tmp_path)
    target = events[2].sequence

    def change(data):
        rows = [json.loads(line) for line in data.splitlines()]
        prev = None
        for row in rows:
            if row["sequence"] == target:
                row["purpose"] = "other"
            if prev is not None:
                row["previous_hash"] = prev
            row["entry_hash"] = verify_export.entry_hash(row)
            prev = row["entry_hash"]
        return b"".join(json.dumps(r, sort_keys=True).encode() + b"\n" for r in rows)

    _rewrite(out, "entries.jsonl", change)
    result = _verify(out)
    assert result.returncode == 1 and "rewritten" in result.stdout


def test_it_fails_on_a_bad_signature(officer, tmp_path):
    _log(officer)
    out = _export(tmp_path)
    _rewrite(out, "manifest.json", lambda data: data.replace(b'"entries": ', b'"entries":  '))
    result = _verify(out)
    assert result.returncode == 1 and "signature does not verify" in result.stdout


def test_it_verifies_with_the_standard_library_alone(officer, tmp_path):
    _log(officer)
    out = _export(tmp_path)
    good = _verify(out, stdlib_only=True)
    assert good.returncode == 0, good.stdout + good.stderr
    _rewrite(out, "manifest.sig", lambda data: base64.b64encode(bytes(64)) + b"\n")
    bad = _verify(out, stdlib_only=True)
    assert bad.returncode == 1 and "signature does not verify" in bad.stdout


def test_it_fails_when_signed_with_another_key_than_the_pinned_one(officer, tmp_path, settings):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    _log(officer)
    agency_key = signing.signing_key()
    agency_fingerprint = signing.fingerprint(signing.public_key_bytes(agency_key))
    forger = Ed25519PrivateKey.generate()
    settings.ALPR_LOG_SIGNING_KEY = base64.b64encode(forger.private_bytes_raw()).decode()
    out = _export(tmp_path)  # a consistent export, signed by somebody else's key
    assert _verify(out).returncode == 0
    result = _verify(out, "--fingerprint", agency_fingerprint)
    assert result.returncode == 1 and "not the agency's" in result.stdout
    pem = tmp_path / "agency.pem"
    pem.write_bytes(agency_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    assert _verify(out, "--public-key", str(pem)).returncode == 1


def test_it_checks_a_kept_digest_against_the_export(officer, tmp_path):
    events = _log(officer)
    out = _export(tmp_path)
    kept = f"{events[4].sequence}:{events[4].entry_hash}"
    assert _verify(out, "--digest", kept).returncode == 0
    wrong = f"{events[4].sequence}:{'f' * 64}"
    result = _verify(out, "--digest", wrong)
    assert result.returncode == 1 and f"#{events[4].sequence}" in result.stdout


def test_the_pure_python_signature_check_agrees_with_cryptography():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = signing.public_key_bytes(key)
    signature = key.sign(b"manifest")
    assert verify_export._ed25519_verify_pure(public, signature, b"manifest")
    assert not verify_export._ed25519_verify_pure(public, signature, b"manifesT")
    assert not verify_export._ed25519_verify_pure(public, bytes(64), b"manifest")
    assert verify_export.public_key_from_pem(signing.public_key_pem(key)) == public


def test_an_empty_period_exports_and_verifies(personas, tmp_path):
    out = tmp_path / "empty.zip"
    manifest = access_log_export_write(start=timezone.localdate() - timedelta(days=400),
                                       end=timezone.localdate() - timedelta(days=399), out=out)
    assert manifest["entries"] == 0
    assert _verify(out).returncode == 0


def test_the_command_refuses_a_bad_period_and_an_existing_file(personas, tmp_path):
    out = tmp_path / "x.zip"
    with pytest.raises(CommandError, match="ends before"):
        call_command("export_access_log", "--from", "2026-02-01", "--to", "2026-01-01", str(out))
    assert not out.exists()
    out.write_bytes(b"keep")
    with pytest.raises(CommandError, match="exists"):
        call_command("export_access_log", "--from", "2026-01-01", "--to", "2026-01-02", str(out))
    assert out.read_bytes() == b"keep"


def test_the_signing_key_comes_from_the_environment_in_production(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ALPR_LOG_SIGNING_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="ALPR_LOG_SIGNING_KEY"):
        signing.signing_key()
    settings.ALPR_LOG_SIGNING_KEY = "bm90IGEga2V5"
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        signing.signing_key()
