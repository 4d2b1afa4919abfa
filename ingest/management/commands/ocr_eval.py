"""Score the OCR pipeline on a folder of frames with ground truth.

Format (e.g. ../shared/datasets/openalpr-us-dev): one NAME.txt per image holding
`NAME.jpg  x  y  w  h  PLATE` (tab-separated).

    python manage.py ocr_eval ../shared/datasets/openalpr-us-dev --json var/ocr_eval.json
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import cv2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hotlists.matching import equivalence_table
from ingest.pipeline import boxes_overlap, read_plates
from ingest.pipeline.engine import get_reader


class Command(BaseCommand):
    help = "Score the OCR pipeline on a folder in the openalpr-us-dev format (exact, equivalent, detected, timing)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--json", type=Path, help="write the full results here")
        parser.add_argument("--limit", type=int, default=0)

    def handle(self, *args, folder: Path, json: Path | None = None, limit: int = 0, **options):
        labels = sorted(folder.glob("*.txt"))
        if not labels:
            raise CommandError(f"No NAME.txt ground-truth files in {folder}.")
        if limit:
            labels = labels[:limit]
        canon = str.maketrans(equivalence_table(list(settings.ALPR_OCR_EQUIVALENCE)))
        t0 = time.perf_counter()
        reader = get_reader()
        self.stdout.write(f"reader loaded in {time.perf_counter() - t0:.1f} s "
                          f"(recog_network={settings.ALPR_OCR_RECOG_NETWORK})")
        rows, seconds = [], []
        for label in labels:
            parts = label.read_text().split()
            if len(parts) < 6:
                self.stderr.write(f"skipping {label.name}: expected 'NAME x y w h PLATE'")
                continue
            name, (x, y, w, h), truth = parts[0], map(int, parts[1:5]), parts[5].upper()
            image = cv2.imread(str(folder / name))
            if image is None:
                self.stderr.write(f"skipping {name}: not readable")
                continue
            start = time.perf_counter()
            plates = read_plates(image, reader=reader)
            elapsed = time.perf_counter() - start
            seconds.append(elapsed)
            top = plates[0].text if plates else ""
            row = {
                "image": name, "truth": truth, "read": top, "reads": [p.text for p in plates],
                "exact": top == truth, "equivalent": bool(top) and top.translate(canon) == truth.translate(canon),
                "detected": any(boxes_overlap(p.box, (x, y, w, h)) for p in plates), "seconds": round(elapsed, 3),
            }
            rows.append(row)
            mark = "=" if row["exact"] else ("~" if row["equivalent"] else " ")
            self.stdout.write(f"{mark} {name[:40]:40} truth {truth:9} read {top:9} {elapsed:5.2f}s")
        n = len(rows)
        ordered = sorted(seconds)
        summary = {
            "images": n,
            "exact": round(sum(r["exact"] for r in rows) / n, 4) if n else 0.0,
            "equivalent": round(sum(r["equivalent"] for r in rows) / n, 4) if n else 0.0,
            "detected": round(sum(r["detected"] for r in rows) / n, 4) if n else 0.0,
            "median_s": round(statistics.median(seconds), 3) if seconds else None,
            "p95_s": round(ordered[min(n - 1, int(round(0.95 * (n - 1))))], 3) if seconds else None,
            "recog_network": settings.ALPR_OCR_RECOG_NETWORK,
        }
        self.stdout.write(self.style.SUCCESS(
            f"images {n}  exact {summary['exact']:.3f}  equivalent {summary['equivalent']:.3f}  "
            f"detected {summary['detected']:.3f}  median {summary['median_s']} s  p95 {summary['p95_s']} s"))
        if json:
            import json as _json

            json.parent.mkdir(parents=True, exist_ok=True)
            json.write_text(_json.dumps({**summary, "per_image": rows}, indent=2))
