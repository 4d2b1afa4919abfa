"""Issue 19 part 4: the signed daily digest of the access log's head, published on the
public transparency page and in the annual report, exposes a rewrite of history by
someone with database access who recomputed every later hash."""

from __future__ import annotations

import base64
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from accesslog import chain
from accesslog.models import AccessEvent
from accesslog.services import access_log_verify, record_access
from audits import verify_export
from audits.log_export import (
    access_log_digest_check,
    daily_digest_moment,
    digest_message,
)
from audits.models import AccessLogDigest
from audits.services.digests import access_log_digest_publish
from lib.errors import DomainError

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """Raw SQL as a database owner would run it (replica mode skips PostgreSQL's triggers)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor


def _log(user, n=6):
    return [record_access(action="search.run", user=user, object_type="search", object_id=i,
                          data_elements={"plate": f"7ABC12{i}"}, purpose="burglary", case_number=f"26-{i:05d}")
            for i in range(n)]


def _rewrite_and_recompute(cursor, event_pk, **changes):
    """Change one entry and recompute its hash and every later one, as a careful forger would."""
    target = AccessEvent.objects.get(pk=event_pk)
    prev_hash = target.previous_hash
    for event in AccessEvent.objects.filter(sequence__gte=target.sequence).order_by("sequence"):
        if event.pk == event_pk:
            for name, value in changes.items():
                setattr(event, name, value)
        event.previous_hash = prev_hash
        event.entry_hash = chain.entry_hash(event)
        sets = ", ".join(f"{name} = %s" for name in changes) + ", " if event.pk == event_pk else ""
        cursor.execute(f"UPDATE audits_accessevent SET {sets}previous_hash = %s, entry_hash = %s WHERE id = %s",  # noqa: S608
                       [*(changes.values() if event.pk == event_pk else []), prev_hash, event.entry_hash, event.pk])
        prev_hash = event.entry_hash


def test_it_signs_the_head_of_the_log(officer):
    events = _log(officer)
    digest = access_log_digest_publish(triggered_by="test")
    assert (digest.last_sequence, digest.head_hash) == (events[-1].sequence, events[-1].entry_hash)
    # Anyone can check the signature with the published key and the verifier's message format.
    public, signature = base64.b64decode(digest.public_key), base64.b64decode(digest.signature)
    assert verify_export._ed25519_verify_pure(public, signature, digest_message(digest))
    assert not verify_export._ed25519_verify_pure(public, signature, digest_message(
        AccessLogDigest(as_of=digest.as_of, last_sequence=digest.last_sequence - 1, head_hash=digest.head_hash)))
    assert access_log_digest_check(last_sequence=digest.last_sequence, head_hash=digest.head_hash,
                                   signature=digest.signature, public_key=digest.public_key, as_of=digest.as_of).ok


def test_a_rewritten_history_is_exposed_by_the_published_digest(officer, client):
    """The issue's test: rewrite an entry and recompute every later hash in the database;
    the chain walk alone finds nothing, the published digest does."""
    events = _log(officer)
    digest = access_log_digest_publish(triggered_by="test")
    cache.clear()
    page = client.get("/transparency/").content.decode()
    kept = (digest.last_sequence, digest.head_hash)  # what an outsider copied from the public page
    assert f"#{kept[0]}" in page and kept[1] in page and digest.signature in page

    with tampering() as cursor:
        _rewrite_and_recompute(cursor, events[2].pk, case_number="26-99999")
    assert AccessEvent.objects.get(pk=events[2].pk).case_number == "26-99999"
    assert access_log_verify(triggered_by="test").ok  # no checkpoint yet: the rewrite is self-consistent

    result = access_log_digest_check(last_sequence=kept[0], head_hash=kept[1])
    assert not result.ok and result.bad_sequence == kept[0] and "rewritten" in result.problem
    with pytest.raises(CommandError, match="does NOT match"):
        call_command("check_access_log_digest", str(kept[0]), kept[1])
    with pytest.raises(CommandError, match="rewritten"):
        call_command("check_access_log_digest", "--all")
    # And no new digest vouches for the rewritten log.
    with pytest.raises(DomainError, match="rewritten"):
        access_log_digest_publish(triggered_by="test")


def test_an_altered_entry_is_named(officer):
    events = _log(officer)
    digest = access_log_digest_publish(triggered_by="test")
    with tampering() as cursor:
        cursor.execute("UPDATE audits_accessevent SET purpose = 'other' WHERE id = %s", [events[1].pk])
    result = access_log_digest_check(last_sequence=digest.last_sequence, head_hash=digest.head_hash)
    assert not result.ok and result.bad_sequence == events[1].sequence and "altered" in result.problem


def test_a_forged_digest_fails_its_signature_check(officer):
    _log(officer)
    digest = access_log_digest_publish(triggered_by="test")
    result = access_log_digest_check(last_sequence=digest.last_sequence, head_hash=digest.head_hash,
                                     signature=base64.b64encode(bytes(64)).decode(), public_key=digest.public_key,
                                     as_of=digest.as_of)
    assert not result.ok and "signature" in result.problem


def test_the_daily_task_signs_the_log_as_of_midnight_once(officer, monkeypatch):
    from audits.tasks import publish_access_log_digest

    midnight = daily_digest_moment()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: midnight - timedelta(hours=1))  # yesterday's entries
    yesterday = _log(officer, 3)
    monkeypatch.setattr(timezone, "now", real_now)
    _log(officer, 2)
    result = publish_access_log_digest()
    assert result == {"last_sequence": yesterday[-1].sequence, "head_hash": yesterday[-1].entry_hash}
    publish_access_log_digest()
    assert AccessLogDigest.objects.filter(as_of=midnight, triggered_by="daily task").count() == 1
    call_command("check_access_log_digest", "--all")


def test_the_annual_report_carries_the_digest(officer):
    from audits.report import annual_figures

    _log(officer)
    digest = access_log_digest_publish(triggered_by="test")
    figures = annual_figures(timezone.localdate().year)
    summary = dict(map(tuple, figures["summary"]))
    assert summary["Access log entries at year end (signed digest)"] == digest.last_sequence
    table = {t["name"]: t for t in figures["tables"]}["access_log_digests"]
    assert table["rows"][-1][1:] == [digest.last_sequence, digest.head_hash, digest.signature]
    # The same figures in every output (PDF, printable HTML, CSV appendices).
    import io
    import zipfile

    import pypdf

    from audits.report import render_csv_zip, render_html, render_pdf

    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(figures))).pages).split())
    assert f"Access log entries at year end (signed digest): {digest.last_sequence}" in text
    assert digest.head_hash in render_html(figures)
    archive = zipfile.ZipFile(io.BytesIO(render_csv_zip(figures)))
    assert digest.head_hash in archive.read(f"alpr-annual-report-{figures['year']}/access_log_digests.csv").decode()
