#!/usr/bin/env python3
"""Verify an export of the ALPR access log, with no access to the agency's systems.

    python verify.py EXPORT.zip [--fingerprint HEX | --public-key FILE] [--digest SEQUENCE:HASH ...]

Checks, in this order:
  1. manifest.json is signed by the key in public_key.pem (Ed25519). Pin the agency's key
     with --fingerprint (SHA-256 of the raw public key, as the agency publishes it) or
     --public-key, or anyone could re-sign an altered export with a key of their own.
  2. entries.jsonl, line by line: each entry's SHA-256 over its own fields recomputes to
     its entry_hash, its sequence follows the previous one, and its previous_hash is the
     previous entry's hash (the first one's is the manifest's previous_hash).
  3. The entries agree with the signed manifest: count, head hash, checkpoints, file hash.
  4. Each --digest SEQUENCE:HASH you kept from the agency's published daily digests, where
     the export covers that sequence, names that entry's hash.

Exit status 0 when all hold; 1 otherwise, naming the sequence number of the first bad
entry; 2 on a usage error. Needs only Python 3.9+'s standard library; the `cryptography`
package is used for the signature when installed, otherwise a pure-Python Ed25519 check
(RFC 8032) does the same.

This file is audits/verify_export.py in the ALPR system's source, copied into every export
as verify.py; it must compute each entry's hash exactly as accesslog/chain.py does.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile

FORMAT = "alpr-access-log-export/1"
HASHED_FIELDS = (
    "sequence", "occurred_at", "user_id", "username", "agency_id", "agency_name", "action", "object_type",
    "object_id", "data_elements", "purpose", "case_number", "client_address", "outcome", "detail", "previous_hash",
)
GENESIS = "0" * 64
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")  # DER header of an Ed25519 SubjectPublicKeyInfo


def canonical_bytes(payload: dict) -> bytes:
    # Exactly accesslog/chain.py's canonical_bytes.
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_bytes({k: payload[k] for k in HASHED_FIELDS})).hexdigest()


def digest_message(*, agency: str, as_of: str, last_sequence: int, head_hash: str) -> bytes:
    """The bytes a published daily digest's signature covers."""
    return f"ALPR access log digest v1\n{agency}\n{as_of}\n{last_sequence}\n{head_hash}\n".encode()


# --- Ed25519 verification (RFC 8032, section 5.1.7), for machines without `cryptography` ------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(s: int, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _same(p, q) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _decompress(data: bytes):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_BASE = (_GX, _GY, 1, _GX * _GY % _P)


def _ed25519_verify_pure(public: bytes, signature: bytes, message: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public), _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _L
    return _same(_multiply(s, _BASE), _add(r, _multiply(h, a)))


def ed25519_verify(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return _ed25519_verify_pure(public, signature, message)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_key_from_pem(text: bytes) -> bytes:
    lines = [ln.strip() for ln in text.decode("ascii", "replace").splitlines()]
    if "-----BEGIN PUBLIC KEY-----" not in lines or "-----END PUBLIC KEY-----" not in lines:
        raise ValueError("not a PEM public key")
    body = lines[lines.index("-----BEGIN PUBLIC KEY-----") + 1:lines.index("-----END PUBLIC KEY-----")]
    der = base64.b64decode("".join(body))
    if len(der) != 44 or not der.startswith(_SPKI_PREFIX):
        raise ValueError("not an Ed25519 public key")
    return der[len(_SPKI_PREFIX):]


# --- The check ------------------------------------------------------------------------------

class Bad(Exception):
    def __init__(self, message: str, sequence=None):
        super().__init__(message)
        self.sequence = sequence


def verify(path: str, *, fingerprint: str = "", pinned_key: bytes | None = None, digests=()) -> dict:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise Bad(f"cannot open {path}: {exc}") from None
    with archive:
        names = set(archive.namelist())
        for needed in ("manifest.json", "manifest.sig", "public_key.pem", "entries.jsonl"):
            if needed not in names:
                raise Bad(f"{needed} is missing from the export")
        manifest_bytes = archive.read("manifest.json")
        try:
            public = public_key_from_pem(archive.read("public_key.pem"))
            signature = base64.b64decode(archive.read("manifest.sig").strip(), validate=True)
        except ValueError as exc:
            raise Bad(f"public_key.pem or manifest.sig unreadable: {exc}") from None
        key_fingerprint = hashlib.sha256(public).hexdigest()
        if pinned_key is not None and pinned_key != public:
            raise Bad("the export is signed with a different key than the one given with --public-key")
        if fingerprint and fingerprint.lower().replace(":", "") != key_fingerprint:
            raise Bad(f"the export's key has fingerprint {key_fingerprint}, not the agency's {fingerprint}")
        if not ed25519_verify(public, signature, manifest_bytes):
            raise Bad("the signature does not verify: manifest.json was altered or not signed by this key")
        manifest = json.loads(manifest_bytes)
        if manifest.get("format") != FORMAT:
            raise Bad(f"unknown export format {manifest.get('format')!r}")
        if tuple(manifest.get("hashed_fields", ())) != HASHED_FIELDS:
            raise Bad("the manifest lists other hashed fields than this verifier knows")
        checkpoints = {int(k): v for k, v in manifest.get("checkpoints", {}).items()}
        wanted = {}
        for seq, digest_hash in digests:
            wanted[seq] = digest_hash
        found_digests = []

        expected_seq = manifest["first_sequence"]
        prev_hash = manifest["previous_hash"]
        count = 0
        file_hash = hashlib.sha256()
        with archive.open("entries.jsonl") as stream:
            for line_no, raw in enumerate(stream, start=1):
                file_hash.update(raw)
                where = f"#{expected_seq}" if expected_seq is not None else f"line {line_no}"
                try:
                    entry = json.loads(raw)
                except ValueError:
                    raise Bad(f"entry {where} (line {line_no}) is not valid JSON", expected_seq) from None
                if not isinstance(entry, dict) or set(entry) != set(HASHED_FIELDS) | {"entry_hash"}:
                    raise Bad(f"entry {where} (line {line_no}) has other fields than the hashed ones", expected_seq)
                seq = entry["sequence"]
                if expected_seq is None or seq != expected_seq:
                    raise Bad(f"entry #{expected_seq} is missing or out of order: line {line_no} holds #{seq}",
                              expected_seq)
                if entry["previous_hash"] != prev_hash:
                    raise Bad(f"entry #{seq} does not follow entry #{seq - 1}: its previous_hash differs", seq)
                if entry_hash(entry) != entry["entry_hash"]:
                    raise Bad(f"entry #{seq} was altered: its content does not hash to its entry_hash", seq)
                if seq in checkpoints and checkpoints[seq] != entry["entry_hash"]:
                    raise Bad(f"entry #{seq} differs from the signed manifest's checkpoint: the entries up to #{seq} "
                              "were rewritten", seq)
                if seq in wanted:
                    if wanted[seq] != entry["entry_hash"]:
                        raise Bad(f"entry #{seq} differs from the digest you kept: the log up to #{seq} was "
                                  "rewritten", seq)
                    found_digests.append(seq)
                prev_hash = entry["entry_hash"]
                expected_seq = seq + 1
                count += 1
        last_seq = expected_seq - 1 if count else None
        if count != manifest["entries"]:
            raise Bad(f"the manifest lists {manifest['entries']} entries, the file holds {count}: entries after "
                      f"#{last_seq} were removed" if count < manifest["entries"] else
                      f"the manifest lists {manifest['entries']} entries, the file holds {count}", expected_seq)
        if count and prev_hash != manifest["head_hash"]:
            raise Bad(f"entry #{last_seq} is not the head the manifest signed: the entries were rewritten", last_seq)
        if file_hash.hexdigest() != manifest["entries_sha256"]:
            raise Bad("entries.jsonl differs from the file the manifest signed (its SHA-256)")
        return {"entries": count, "first": manifest["first_sequence"], "last": last_seq,
                "head_hash": manifest["head_hash"], "fingerprint": key_fingerprint, "digests": found_digests,
                "agency": manifest.get("agency", {}), "from": manifest.get("from"), "to": manifest.get("to")}


def _digest_arg(value: str):
    seq, _, digest_hash = value.partition(":")
    try:
        return int(seq), digest_hash.strip().lower()
    except ValueError:
        raise argparse.ArgumentTypeError("a digest is SEQUENCE:HASH") from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify an export of the ALPR access log.")
    parser.add_argument("export", help="the export's .zip file")
    parser.add_argument("--fingerprint", default="", help="the agency's published key fingerprint (SHA-256, hex)")
    parser.add_argument("--public-key", help="the agency's public key (PEM file)")
    parser.add_argument("--digest", action="append", type=_digest_arg, default=[],
                        help="a published digest you kept, as SEQUENCE:HASH (repeatable)")
    args = parser.parse_args(argv)
    pinned = None
    if args.public_key:
        try:
            with open(args.public_key, "rb") as handle:
                pinned = public_key_from_pem(handle.read())
        except (OSError, ValueError) as exc:
            print(f"cannot read --public-key: {exc}", file=sys.stderr)
            return 2
    try:
        result = verify(args.export, fingerprint=args.fingerprint, pinned_key=pinned, digests=args.digest)
    except Bad as exc:
        where = f" (first bad entry: #{exc.sequence})" if exc.sequence is not None else ""
        print(f"FAILED: {exc}{where}")
        return 1
    span = f"#{result['first']} to #{result['last']}" if result["entries"] else "no entries"
    print(f"OK: {result['entries']} entries ({span}), chain intact, head {result['head_hash']}; manifest signed by "
          f"key {result['fingerprint']}" + (f"; digests matched at #{', #'.join(map(str, result['digests']))}"
                                             if result["digests"] else ""))
    if not (args.fingerprint or args.public_key):
        print("Note: the key was not pinned; compare its fingerprint with the one the agency publishes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
