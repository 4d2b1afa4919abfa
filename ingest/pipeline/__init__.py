"""The OCR pipeline: frame (BGR array) in, plate reads out.

    locate (OpenCV candidates) -> recognise (EasyOCR on each enhanced crop)
    -> select (confidence x plate shape; several plates per frame allowed)

With the plate model (the default recogniser) each candidate is read whole and as its
character span; with a stock EasyOCR model, as its span and, for the best-placed
candidates, as the detector's main text line (the stock model reads whole plates badly).

Each stage is a module of its own and can be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
from django.conf import settings

from ingest.pipeline.engine import get_reader, is_stock_network
from ingest.pipeline.locate import locate_plates
from ingest.pipeline.recognize import crop_with_margin, read_region_variants
from ingest.pipeline.select import plate_shape_score

MIN_SCORE = 0.25
# Localisation recall on the dev set (the true plate among the first N candidates):
# 8 -> 87%, 12 -> 89%, 20 -> 92%; reading 20 instead of 12 took 60% longer and read no
# more plates exactly.
MAX_CANDIDATES = 12
DETECTOR_CANDIDATES = 3  # stock model only: the dearer detector reading, for the best-placed candidates


@dataclass
class PlateRead:
    text: str
    raw: str
    confidence: float
    score: float
    box: tuple[int, int, int, int]
    state: str
    crop_jpeg: bytes


def read_plates(image, *, reader=None, max_candidates: int | None = None) -> list[PlateRead]:
    """Every plate found in the frame, best first."""
    reader = reader or get_reader()
    plate_model = not is_stock_network(settings.ALPR_OCR_RECOG_NETWORK)
    found: list[PlateRead] = []
    for rank, cand in enumerate(locate_plates(image, max_candidates=max_candidates or MAX_CANDIDATES)):
        variants = read_region_variants(reader, image, cand.box, with_whole=plate_model,
                                        with_detector=not plate_model and rank < DETECTOR_CANDIDATES)
        scored = [(r.confidence * plate_shape_score(r.text), r) for r in variants]
        scored = [item for item in scored if item[0] > 0]
        if not scored:
            continue
        score, reading = max(scored, key=lambda item: item[0])
        crop, _ = crop_with_margin(image, cand.box, margin=0.1)
        ok, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 92])
        found.append(PlateRead(text=reading.text, raw=reading.raw, confidence=round(reading.confidence, 3),
                               score=score, box=cand.box, state="", crop_jpeg=jpeg.tobytes() if ok else b""))
    found.sort(key=lambda p: p.score, reverse=True)
    plates: list[PlateRead] = []
    for p in found:
        if p.score < MIN_SCORE and plates:
            break
        if any(p.text == q.text or boxes_overlap(p.box, q.box) for q in plates):
            continue
        plates.append(p)
    # Several plates per frame; a lone weak reading is still reported (the image decides, RD-3).
    return [p for i, p in enumerate(plates) if i == 0 or p.score >= MIN_SCORE]


def boxes_overlap(a, b) -> bool:
    """Do two (x, y, w, h) boxes share any pixel?"""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
