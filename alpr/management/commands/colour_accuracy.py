"""Measure the vehicle-colour estimate (alpr/colour.py) against frames labelled by hand.

    manage.py colour_accuracy --images ../shared/datasets/openalpr-us-dev \\
        --labels tests/data/vehicle_colours_openalpr_us_dev.csv

The CSV has file, plate_x, plate_y, plate_w, plate_h, colour; rows labelled "unknown"
(no body visible to label) are left out.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alpr.colour import estimate_colour

DEFAULT_LABELS = Path(__file__).resolve().parents[3] / "tests" / "data" / "vehicle_colours_openalpr_us_dev.csv"


def measure(*, images: Path, labels: Path) -> dict:
    import cv2

    rows = [r for r in csv.DictReader(labels.open()) if r["colour"] != "unknown"]
    right, confusions, per_colour, matrix = 0, Counter(), Counter(), Counter()
    for row in rows:
        image = cv2.imread(str(images / row["file"]))
        if image is None:
            raise CommandError(f"cannot read {images / row['file']}")
        box = (row["plate_x"], row["plate_y"], row["plate_w"], row["plate_h"])
        estimate = estimate_colour(image, box)
        guess = estimate.name if estimate else "none"
        per_colour[row["colour"]] += 1
        matrix[(row["colour"], guess)] += 1
        if guess == row["colour"]:
            right += 1
        else:
            confusions[(row["colour"], guess)] += 1
    return {"frames": len(rows), "right": right, "accuracy": right / len(rows) if rows else 0.0,
            "confusions": confusions, "per_colour": per_colour, "matrix": matrix}


def matrix_lines(matrix: Counter) -> list[str]:
    """The confusion matrix as text: a row per labelled colour, a column per estimate."""
    truths = sorted({t for t, _ in matrix})
    guesses = truths + sorted({g for _, g in matrix} - set(truths))
    width = max(len(name) for name in guesses + ["labelled"]) + 1
    lines = ["labelled".ljust(width) + "".join(g[:6].rjust(7) for g in guesses)]
    for truth in truths:
        lines.append(truth.ljust(width) + "".join(str(matrix[(truth, g)] or ".").rjust(7) for g in guesses))
    return lines


class Command(BaseCommand):
    help = "Accuracy of the vehicle-colour estimate on hand-labelled frames."

    def add_arguments(self, parser):
        parser.add_argument("--images", required=True, type=Path)
        parser.add_argument("--labels", default=DEFAULT_LABELS, type=Path)

    def handle(self, *args, images, labels, **options):
        if not images.is_dir() or not labels.is_file():
            raise CommandError(f"need a folder of frames ({images}) and a labels CSV ({labels})")
        result = measure(images=images, labels=labels)
        self.stdout.write(f"{result['right']} of {result['frames']} frames right: {result['accuracy']:.1%}")
        self.stdout.write("labelled: " + ", ".join(f"{k} {v}" for k, v in result["per_colour"].most_common()))
        for (truth, guess), count in result["confusions"].most_common():
            self.stdout.write(f"  {truth} read as {guess}: {count}")
        self.stdout.write("confusion matrix (rows: labelled, columns: estimated):")
        for line in matrix_lines(result["matrix"]):
            self.stdout.write("  " + line)
