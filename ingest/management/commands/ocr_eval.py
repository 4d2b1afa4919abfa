"""Score the OCR on a folder with ground truth: whole frames, or plate crops.

Frames (e.g. ../shared/datasets/openalpr-us-dev): one NAME.txt per image holding
`NAME.jpg  x  y  w  h  PLATE` (tab-separated). Reports exact, equivalent, detected and
timing, and the loss at each stage:

- localisation recall at 1/3/12: the true box is among the localiser's first k
  candidates (whatever number the pipeline then reads, OcrConfig.max_candidates). A
  candidate holds the plate when its IoU with the true box is at least 0.3, or when the
  true box's centre is inside it and it is at most 3 times the true box's width and
  height (a loose box around the plate; the recogniser reads loose crops);
- recognition on the true box: the pipeline's readings of the true box itself (whole
  and span), the best by the pipeline's own score exact, and any of them exact;
- selection: any reading of any candidate exact ("any reading right") against the
  reading chosen (exact).

Crops (`--crops FOLDER`, e.g. ../shared/datasets/openalpr-us-crops): groundtruth.csv
lines `FILE,STATE,PLATE`; each crop is read whole as the pipeline reads a candidate.
Reports exact, character error rate, exact per state and seconds per crop. `--split val`
keeps the validation part of the recogniser's training split only (never trained on).

    python manage.py ocr_eval ../shared/datasets/openalpr-us-dev --json var/ocr_eval.json
    python manage.py ocr_eval --crops ../shared/datasets/openalpr-us-crops --split val
"""

from __future__ import annotations

import csv
import statistics
import time
from collections import defaultdict
from pathlib import Path

import cv2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hotlists.matching import equivalence_table
from ingest.ocr import boxes_overlap, ocr_config, read_candidates
from ingest.ocr.choose import CandidateReadings, choose_plates, reading_score
from ingest.ocr.engine import get_reader
from ingest.ocr.locate import iou, locate_plates
from ingest.ocr.recognise import read_region_variants, read_whole

RECALL_AT = (1, 3, 12)


def holds_plate(candidate, truth) -> bool:
    """Does a candidate box hold the true plate box (see the module docstring)?"""
    if iou(candidate, truth) >= 0.3:
        return True
    cx, cy, cw, ch = candidate
    tx, ty, tw, th = truth
    mx, my = tx + tw / 2, ty + th / 2
    return cx <= mx <= cx + cw and cy <= my <= cy + ch and cw <= 3 * tw and ch <= 3 * th


def edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _rate(rows, key) -> float:
    return round(sum(bool(r[key]) for r in rows) / len(rows), 4) if rows else 0.0


def _timing(seconds: list[float]) -> dict:
    if not seconds:
        return {"median_s": None, "p95_s": None}
    ordered = sorted(seconds)
    return {"median_s": round(statistics.median(seconds), 3),
            "p95_s": round(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], 3)}


class Command(BaseCommand):
    help = ("Score the OCR on frames in the openalpr-us-dev format (exact, equivalent, detected, stage losses, "
            "timing) or, with --crops, on plate crops (exact, CER, per state, timing).")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, nargs="?", help="frames with NAME.txt ground truth")
        parser.add_argument("--crops", type=Path, help="plate crops with groundtruth.csv (FILE,STATE,PLATE)")
        parser.add_argument("--split", choices=("all", "val", "train"), default="all",
                            help="crops only: the recogniser's validation or training part (split by file name)")
        parser.add_argument("--states", default="",
                            help="crops only: comma-separated state codes to keep (a by-state hold-out)")
        parser.add_argument("--json", type=Path, help="write the full results here")
        parser.add_argument("--limit", type=int, default=0)
        parser.add_argument("--decoder", choices=("greedy", "beamsearch"), help="override the CTC decoder")
        parser.add_argument("--rerank", help="override the localiser re-ranker's weights ('' for edges only)")
        parser.add_argument("--max-candidates", type=int, help="override how many candidates are read")
        parser.add_argument("--set", action="append", default=[], metavar="FIELD=JSON",
                            help="override any OcrConfig field, e.g. --set 'whole_margins=[0.08, 0.0]'")
        parser.add_argument("--no-stages", action="store_true", help="frames: skip the true-box reading")

    def handle(self, *args, folder: Path | None = None, crops: Path | None = None, json: Path | None = None,
               limit: int = 0, **options):
        if (folder is None) == (crops is None):
            raise CommandError("Give a FOLDER of frames or --crops FOLDER (one of them).")
        config = ocr_config()
        if options.get("decoder"):
            config = config.with_(decoder=options["decoder"])
        if options.get("rerank") is not None:
            config = config.with_(rerank_weights=options["rerank"])
        if options.get("max_candidates"):
            config = config.with_(max_candidates=options["max_candidates"])
        for item in options.get("set") or []:
            import json as _json

            field, _, value = item.partition("=")
            if field not in config.__dataclass_fields__:
                raise CommandError(f"--set: OcrConfig has no field {field!r}")
            value = _json.loads(value)
            config = config.with_(**{field: tuple(value) if isinstance(value, list) else value})
        t0 = time.perf_counter()
        reader = get_reader(config)
        self.stdout.write(f"reader loaded in {time.perf_counter() - t0:.1f} s (recog_network={config.recog_network})")
        if crops is not None:
            result = self.crops(reader, config, crops, limit, options["split"], options["states"])
        else:
            result = self.frames(reader, config, folder, limit, not options["no_stages"])
        if json:
            import json as _json

            json.parent.mkdir(parents=True, exist_ok=True)
            json.write_text(_json.dumps(result, indent=2))

    # --- Frames -------------------------------------------------------------------------

    def frames(self, reader, config, folder: Path, limit: int, stages: bool) -> dict:
        labels = sorted(folder.glob("*.txt"))
        if not labels:
            raise CommandError(f"No NAME.txt ground-truth files in {folder}.")
        if limit:
            labels = labels[:limit]
        canon = str.maketrans(equivalence_table(list(settings.ALPR_OCR_EQUIVALENCE)))
        rows, seconds = [], []
        for label in labels:
            parts = label.read_text().split()
            if len(parts) < 6:
                self.stderr.write(f"skipping {label.name}: expected 'NAME x y w h PLATE'")
                continue
            name, truth_box, truth = parts[0], tuple(map(int, parts[1:5])), parts[5].upper()
            image = cv2.imread(str(folder / name))
            if image is None:
                self.stderr.write(f"skipping {name}: not readable")
                continue
            start = time.perf_counter()
            candidates = read_candidates(image, reader=reader, config=config)
            plates = choose_plates(candidates, config)
            elapsed = time.perf_counter() - start
            seconds.append(elapsed)
            top = plates[0].text if plates else ""
            # Recall at k from the localiser's own ranking (untimed; the pipeline reads only
            # the first config.max_candidates of it).
            ranked = locate_plates(image, max_candidates=max(*RECALL_AT, config.max_candidates), config=config)
            hit_rank = next((k for k, c in enumerate(ranked) if holds_plate(c.box, truth_box)), None)
            row = {
                "image": name, "truth": truth, "read": top, "reads": [p.text for p in plates],
                "exact": top == truth, "equivalent": bool(top) and top.translate(canon) == truth.translate(canon),
                "detected": any(boxes_overlap(p.box, truth_box) for p in plates), "seconds": round(elapsed, 3),
                "true_box_rank": hit_rank,
                "any_reading_exact": any(r.text == truth for c in candidates for r in c.readings),
                "candidates": [{"rank": c.rank, "box": list(c.box), "locate_score": round(c.locate_score, 4),
                                "holds_plate": holds_plate(c.box, truth_box),
                                "readings": [{"text": r.text, "confidence": round(r.confidence, 4),
                                              "variant": r.variant} for r in c.readings]} for c in candidates],
            }
            if stages:
                true_readings = read_region_variants(reader, image, truth_box, with_whole=True, with_detector=False,
                                                     config=config)
                own = CandidateReadings(rank=0, box=truth_box, locate_score=0.0, readings=true_readings)
                texts = {r.text: 1 for r in true_readings}
                scored = sorted(true_readings, key=lambda r: reading_score(r, own, texts, config), reverse=True)
                row["true_box_read"] = scored[0].text if scored else ""
                row["true_box_exact"] = bool(scored) and scored[0].text == truth
                row["true_box_any_exact"] = any(r.text == truth for r in true_readings)
            rows.append(row)
            mark = "=" if row["exact"] else ("~" if row["equivalent"] else " ")
            self.stdout.write(f"{mark} {name[:40]:40} truth {truth:9} read {top:9} {elapsed:5.2f}s "
                              f"box@{hit_rank if hit_rank is not None else '-'}"
                              + (f" true-box {row['true_box_read']}" if stages else ""))
        n = len(rows)
        summary = {
            "mode": "frames", "images": n, "exact": _rate(rows, "exact"), "equivalent": _rate(rows, "equivalent"),
            "detected": _rate(rows, "detected"), **_timing(seconds), "recog_network": config.recog_network,
            "stages": {
                "localisation_criterion": "IoU >= 0.3, or the true box's centre inside a candidate at most 3x its "
                                          "width and height",
                **{f"localisation_recall_at_{k}": round(sum(r["true_box_rank"] is not None and r["true_box_rank"] < k
                                                            for r in rows) / n, 4) if n else 0.0 for k in RECALL_AT},
                "any_reading_exact": _rate(rows, "any_reading_exact"),
                "exact_after_selection": _rate(rows, "exact"),
            },
        }
        if stages:
            summary["stages"]["recognition_exact_on_true_box"] = _rate(rows, "true_box_exact")
            summary["stages"]["recognition_any_exact_on_true_box"] = _rate(rows, "true_box_any_exact")
        self.stdout.write(self.style.SUCCESS(
            f"images {n}  exact {summary['exact']:.3f}  equivalent {summary['equivalent']:.3f}  "
            f"detected {summary['detected']:.3f}  median {summary['median_s']} s  p95 {summary['p95_s']} s"))
        summary["config"] = {k: v for k, v in vars(config).items() if k != "extra"}
        self.stdout.write("stages: " + "  ".join(f"{k} {v}" for k, v in summary["stages"].items()
                                                  if k != "localisation_criterion"))
        return {**summary, "per_image": rows}

    # --- Crops --------------------------------------------------------------------------

    def crops(self, reader, config, folder: Path, limit: int, split: str, states: str) -> dict:
        from ingest.ocr.train import split_of

        gt = folder / "groundtruth.csv"
        if not gt.is_file():
            raise CommandError(f"No groundtruth.csv (FILE,STATE,PLATE) in {folder}.")
        wanted = {s.strip().lower() for s in states.split(",") if s.strip()}
        with open(gt, newline="") as fh:
            entries = [(r[0].strip(), r[1].strip().lower(), r[2].strip().upper())
                       for r in csv.reader(fh) if len(r) >= 3]
        entries = [e for e in entries if (split == "all" or split_of(e[0]) == split) and (not wanted or e[1] in wanted)]
        if limit:
            entries = entries[:limit]
        rows, seconds = [], []
        for name, state, truth in entries:
            image = cv2.imread(str(folder / name))
            if image is None:
                self.stderr.write(f"skipping {name}: not readable")
                continue
            h, w = image.shape[:2]
            start = time.perf_counter()
            reading = read_whole(reader, image, (0, 0, w, h), margin=0.0, target_height=config.target_height,
                                 decoder=config.decoder, tta=config.tta)
            elapsed = time.perf_counter() - start
            seconds.append(elapsed)
            read = reading.text if reading else ""
            rows.append({"file": name, "state": state, "truth": truth, "read": read, "exact": read == truth,
                         "errors": edit_distance(truth, read), "seconds": round(elapsed, 4)})
            self.stdout.write(f"{'=' if read == truth else ' '} {name[:30]:30} {state} truth {truth:9} read {read}")
        n = len(rows)
        by_state: dict[str, list] = defaultdict(list)
        for r in rows:
            by_state[r["state"]].append(r)
        summary = {
            "mode": "crops", "crops": n, "split": split, "states_kept": sorted(wanted),
            "exact": _rate(rows, "exact"),
            "cer": round(sum(r["errors"] for r in rows) / max(1, sum(len(r["truth"]) for r in rows)), 4),
            "per_state_exact": {s: {"n": len(v), "exact": _rate(v, "exact")} for s, v in sorted(by_state.items())},
            "s_per_crop": round(statistics.mean(seconds), 4) if seconds else None,
            **_timing(seconds), "recog_network": config.recog_network,
        }
        self.stdout.write(self.style.SUCCESS(
            f"crops {n}  exact {summary['exact']:.3f}  CER {summary['cer']:.3f}  "
            f"{summary['s_per_crop']} s/crop"))
        return {**summary, "per_crop": rows}
