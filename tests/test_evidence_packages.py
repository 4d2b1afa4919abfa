"""Evidence packages (issue 22 part 4): a search's results and a sharing request's data as
a ZIP that records systems import: CSV, reads.json valid against the documented schema,
a PDF summary with each read's images, time, place and plate, the images, and a manifest
with the SHA-256 of every file."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accesslog.models import AccessEvent
from alpr import evidence
from alpr.models import Search
from tests import factories
from tests.test_search import _post_search
from tests.test_sharing import _agency, _honoured


def _validate_reads(records: list[dict]) -> None:
    schema = evidence.read_schema()
    try:
        import jsonschema
    except ImportError:  # a small structural check where jsonschema is not installed
        for record in records:
            assert set(schema["required"]) <= set(record) <= set(schema["properties"])
        return
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for record in records:
        validator.validate(record)


def _check_package(data: bytes, *, reads: list) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist()) - {"manifest.json"}
    # Every file is in the manifest with its SHA-256, and nothing else is.
    assert set(manifest["sha256"]) == names
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert {"reads.csv", "reads.json", "read.schema.json", "summary.pdf"} <= names
    assert manifest["reads_schema"] == {"file": "read.schema.json", "id": evidence.SCHEMA_ID}
    assert json.loads(archive.read("read.schema.json"))["$id"] == evidence.SCHEMA_ID
    records = json.loads(archive.read("reads.json"))
    _validate_reads(records)
    assert [r["read_id"] for r in records] == [r.pk for r in reads]
    for record in records:
        for kind in ("frame", "crop"):
            image = record["images"][kind]
            assert image and manifest["sha256"][image["file"]] == image["sha256"]
    # The PDF names each read's plate, time and place and carries its two images.
    pdf = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    pictures = sum(len(page.images) for page in pdf.pages)
    for read in reads:
        assert f"Plate {read.plate}" in text and read.camera.name in text
    assert pictures == 2 * len(reads)
    return archive, manifest


def test_the_schema_is_valid_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(evidence.read_schema())


def test_the_schema_refuses_a_malformed_read(home_agency):
    jsonschema = pytest.importorskip("jsonschema")
    cam = factories.camera(home_agency, latitude=37.8, longitude=-122.27)
    record = evidence.read_record(factories.read(cam, "7ABC123"), images={})
    jsonschema.Draft202012Validator(evidence.read_schema()).validate(record)
    assert (record["location"]["latitude"], record["location"]["longitude"]) == (37.8, -122.27)
    bad = dict(record, plate="7abc 123")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(evidence.read_schema()).validate(bad)


def test_a_search_downloads_as_an_evidence_package_with_the_same_checks_and_log(
    personas, analyst, untrained, home_agency, client,
):
    cam = factories.camera(home_agency, description="NB at 14th St")
    first = factories.read(cam, "7ABC123", images=True, minutes_ago=120)
    second = factories.read(cam, "7ABD123", images=True, minutes_ago=60)
    client.force_login(analyst)
    _post_search(client)
    search = Search.objects.get()
    url = reverse("alpr:search_package", args=[search.pk])
    assert url.encode() in client.get(reverse("alpr:search_results", args=[search.pk])).content
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    archive, manifest = _check_package(answer.content, reads=sorted([first, second], key=lambda r: r.captured_at,
                                                                    reverse=True))
    assert manifest["search"] == search.pk and manifest["case_number"] == "26-004512"
    assert len(archive.read("reads.csv").decode().splitlines()) == 3
    event = AccessEvent.objects.get(action="search.export", object_id=str(search.pk))
    assert (event.purpose, event.case_number) == ("burglary", "26-004512")
    assert event.data_elements["format"] == "evidence package" and event.data_elements["rows"] == 2
    # Someone else's search, another role, or an anonymous caller: nothing (as the CSV export).
    for persona in ("investigator", "officer", "auditor", "outsider"):
        client.force_login(personas[persona])
        assert client.get(url).status_code == 404
    client.force_login(untrained)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert AccessEvent.objects.filter(action="search.export").count() == 1


def test_a_search_too_large_for_a_package_is_sent_back_unexported(analyst, home_agency, client, settings):
    settings.ALPR_EVIDENCE_PACKAGE_MAX_READS = 1
    cam = factories.camera(home_agency)
    factories.read(cam, "7ABC123", minutes_ago=120)
    factories.read(cam, "7ABD123", minutes_ago=60)
    client.force_login(analyst)
    _post_search(client)
    search = Search.objects.get()
    answer = client.get(reverse("alpr:search_package", args=[search.pk]))
    assert answer.status_code == 302 and answer["Location"] == reverse("alpr:search_results", args=[search.pk])
    assert not AccessEvent.objects.filter(action="search.export").exists()


def test_the_sharing_package_carries_the_pdf_json_and_schema(personas, investigator, home_agency):
    from sharing.services.packages import package_build

    cam = factories.camera(home_agency)
    inside = factories.read(cam, "7ABC123", minutes_ago=60, images=True)
    req = _honoured(personas, _agency("ACSO"))
    package = package_build(req=req, by=investigator)
    archive, manifest = _check_package(package.file.open("rb").read(), reads=[inside])
    assert manifest["request"] == req.pk and manifest["reads"] == 1 and manifest["images"] == 2
    assert package.manifest["sha256"] == manifest["sha256"]
    assert archive.read("reads.csv").decode().splitlines()[1].startswith(f"{inside.pk},7ABC123")


def test_an_empty_package_still_has_its_summary(analyst):
    built = evidence.build(reads=[], title="Nothing", details=[("Case number", "x")], manifest={},
                           prepared_by=analyst)
    archive = zipfile.ZipFile(io.BytesIO(built.data))
    assert json.loads(archive.read("reads.json")) == []
    assert "No reads." in PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages[0].extract_text()
