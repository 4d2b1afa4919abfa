"""Evidence packages: reads in a form an agency's records system imports (issue 22 part 4).

One ZIP, built the same way for a sharing request (sharing.services.packages, SH-5) and for a
search's results (alpr.views.searches.search_package):

- reads.csv          one row per read
- reads.json         the reads as an array of objects valid against read.schema.json
- read.schema.json   the documented JSON Schema (alpr/schemas/read.schema.json), so the
                     package explains itself
- summary.pdf        for court: each read's images, time, place and plate (RD-3: the
                     photograph is the evidence of accuracy)
- images/            the frame and plate crop of each read
- manifest.json      what the package is (the caller's details), counts, and the
                     SHA-256 of every other file in it

Callers check who may extract and log the extraction; this module only builds.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone

from lib import csvsafe

SCHEMA_PATH = Path(__file__).parent / "schemas" / "read.schema.json"
SCHEMA_ID = "urn:alpr-case-management:schema:read:1"
CSV_HEADER = ["read_id", "plate", "state", "captured_at", "camera", "latitude", "longitude", "confidence",
              "vehicle_color", "vehicle_make", "vehicle_type", "frame_file", "crop_file"]


@dataclass(frozen=True)
class EvidencePackage:
    data: bytes
    sha256: str
    manifest: dict
    reads: int
    images: int


def read_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def read_record(read, images: dict[str, dict]) -> dict:
    """A read as reads.json carries it (alpr/schemas/read.schema.json)."""
    if read.latitude is not None and read.longitude is not None:
        location = {"latitude": _number(read.latitude), "longitude": _number(read.longitude), "source": "read"}
    elif read.camera.latitude is not None and read.camera.longitude is not None:
        location = {"latitude": _number(read.camera.latitude), "longitude": _number(read.camera.longitude),
                    "source": "camera"}
    else:
        location = None
    return {
        "read_id": read.pk,
        "plate": read.plate,
        "plate_raw": read.plate_raw,
        "state": read.state,
        "captured_at": read.captured_at.astimezone(UTC).isoformat(),
        "uploaded_at": read.uploaded_at.astimezone(UTC).isoformat(),
        "camera": {"id": read.camera_id, "name": read.camera.name, "kind": read.camera.kind,
                   "description": read.camera.description},
        "agency": {"name": read.agency.name, "ori": read.agency.ori},
        "location": location,
        "confidence": read.confidence,
        "vehicle": {"color": read.vehicle_color, "make": read.vehicle_make, "body_type": read.vehicle_type},
        "images": {"frame": images.get("frame"), "crop": images.get("crop")},
    }


def build(*, reads, title: str, details: list[tuple[str, str]], manifest: dict, prepared_by) -> EvidencePackage:
    """The ZIP for these reads. `details` head the PDF (what, for whom, case number);
    `manifest` is the caller's own description, to which the counts and hashes are added."""
    buffer = io.BytesIO()
    digests: dict[str, str] = {}
    records: list[dict] = []
    pictures: dict[int, dict[str, bytes]] = {}
    images = 0

    def put(archive, name: str, data: bytes) -> None:
        archive.writestr(name, data)
        digests[name] = hashlib.sha256(data).hexdigest()

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        table = io.StringIO()
        writer = csvsafe.writer(table)
        writer.writerow(CSV_HEADER)
        for read in reads:
            files: dict[str, dict] = {}
            for kind in ("frame", "crop"):
                field = getattr(read, kind)
                if not field:
                    continue
                with field.open("rb") as fh:
                    data = fh.read()
                name = f"images/{read.pk}-{kind}.{field.name.rsplit('.', 1)[-1].lower()}"
                put(archive, name, data)
                files[kind] = {"file": name, "sha256": digests[name]}
                pictures.setdefault(read.pk, {})[kind] = data
                images += 1
            record = read_record(read, files)
            records.append(record)
            location = record["location"] or {}
            writer.writerow([read.pk, read.plate, read.state, record["captured_at"], read.camera.name,
                             location.get("latitude", ""), location.get("longitude", ""),
                             "" if read.confidence is None else read.confidence, read.vehicle_color,
                             read.vehicle_make, read.vehicle_type, files.get("frame", {}).get("file", ""),
                             files.get("crop", {}).get("file", "")])
        put(archive, "reads.csv", table.getvalue().encode())
        put(archive, "reads.json", json.dumps(records, indent=2).encode())
        put(archive, "read.schema.json", SCHEMA_PATH.read_bytes())
        put(archive, "summary.pdf", summary_pdf(title=title, details=details, records=records, pictures=pictures,
                                                prepared_by=prepared_by))
        manifest = {
            **manifest,
            "reads": len(records), "images": images,
            "created_at": timezone.now().isoformat(), "created_by": prepared_by.username,
            "reads_schema": {"file": "read.schema.json", "id": SCHEMA_ID},
            "files": {"reads.csv": "one row per read", "reads.json": "the reads (read.schema.json)",
                      "summary.pdf": "summary for court with each read's images",
                      "images/": "frame and plate crop of each read"},
            "sha256": digests,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    data = buffer.getvalue()
    return EvidencePackage(data=data, sha256=hashlib.sha256(data).hexdigest(), manifest=manifest,
                           reads=len(records), images=images)


# --- The PDF summary ----------------------------------------------------------------------

def _local(iso: str) -> str:
    moment = timezone.localtime(datetime.fromisoformat(iso))
    return f"{moment:%Y-%m-%d %H:%M:%S} {moment.tzname()}"


def summary_pdf(*, title: str, details: list[tuple[str, str]], records: list[dict],
                pictures: dict[int, dict[str, bytes]], prepared_by) -> bytes:
    """One page block per read: plate crop and frame beside plate, state, time, place,
    coordinates, camera and the images' SHA-256 (so the printed page ties to the files)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    generated = timezone.localtime()
    doc = SimpleDocTemplate(buffer, pagesize=LETTER, title=title, author=prepared_by.get_full_name() or "",
                            leftMargin=0.6 * inch, rightMargin=0.6 * inch, topMargin=0.6 * inch,
                            bottomMargin=0.7 * inch)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(0.6 * inch, 0.4 * inch, f"{title} · prepared {generated:%Y-%m-%d %H:%M %Z} by "
                                                  f"{prepared_by.display_name} · page {document.page}")
        canvas.drawRightString(LETTER[0] - 0.6 * inch, 0.4 * inch, "Law-enforcement sensitive: ALPR data (DGO I-12)")
        canvas.restoreState()

    def picture(data: bytes | None, width: float, height: float):
        if not data:
            return Paragraph("<i>no image</i>", small)
        reader = ImageReader(io.BytesIO(data))
        w, h = reader.getSize()
        scale = min(width / w, height / h)
        return Image(io.BytesIO(data), width=w * scale, height=h * scale)

    story = [Paragraph(escape(title), styles["Title"])]
    rows = [[Paragraph(f"<b>{escape(label)}</b>", small), Paragraph(escape(str(value)), small)]
            for label, value in [*details, ("Reads", str(len(records))),
                                 ("Prepared", f"{generated:%Y-%m-%d %H:%M %Z} by {prepared_by.display_name}")]]
    header = Table(rows, colWidths=[1.6 * inch, 5.6 * inch])
    header.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 0.1 * inch), Paragraph(
        "An ALPR read is an OCR reading of a photograph; the images below are the evidence of what the camera saw. "
        "Verify the plate characters and state against each image. The files in this package carry the SHA-256 "
        "printed here (manifest.json).", small), Spacer(1, 0.15 * inch)]
    if not records:
        story.append(Paragraph("No reads.", styles["BodyText"]))
    for number, record in enumerate(records, start=1):
        images = pictures.get(record["read_id"], {})
        location = record["location"]
        place = escape(record["camera"]["name"])
        if record["camera"].get("description"):
            place += f" ({escape(record['camera']['description'])})"
        coordinates = (f"{location['latitude']:.6f}, {location['longitude']:.6f} ({location['source']})"
                       if location else "not recorded")
        confidence = "" if record["confidence"] is None else f"{record['confidence']:.2f}"
        text = [
            Paragraph(f"<b>{number}. Plate {escape(record['plate'])}</b> {escape(record['state'] or 'state unknown')}",
                      styles["Heading4"]),
            Paragraph(f"<b>Time</b> {_local(record['captured_at'])}", small),
            Paragraph(f"<b>Place</b> {place}", small),
            Paragraph(f"<b>Coordinates</b> {coordinates}", small),
            Paragraph(f"<b>Agency</b> {escape(record['agency']['name'])}", small),
            Paragraph(f"<b>Read id</b> {record['read_id']} · <b>confidence</b> {confidence}", small),
        ]
        vehicle = ", ".join(v for v in record["vehicle"].values() if v)
        if vehicle:
            text.append(Paragraph(f"<b>Vehicle</b> {escape(vehicle)}", small))
        for kind in ("crop", "frame"):
            if record["images"][kind]:
                text.append(Paragraph(f"<b>{kind}</b> {record['images'][kind]['file']} sha256 "
                                      f"{record['images'][kind]['sha256']}", small.clone("hash", fontSize=6)))
        block = Table([[picture(images.get("frame"), 3.3 * inch, 2.3 * inch),
                        [picture(images.get("crop"), 2.0 * inch, 0.8 * inch), Spacer(1, 4), *text]]],
                      colWidths=[3.5 * inch, 3.7 * inch])
        block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.25, colors.grey)]))
        story += [KeepTogether([block]), Spacer(1, 0.12 * inch)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
