"""The OCR pipeline: frame (BGR array) in, plate reads out.

    locate (OpenCV candidates, locate.py) -> segment (the characters' span, segment.py)
    -> recognise (EasyOCR on each enhanced crop, recognise.py)
    -> choose (every reading scored; several plates per frame allowed, choose.py)

With the plate model (the default recogniser) each candidate is read whole and as its
character span; with a stock EasyOCR model, as its span and, for the best-placed
candidates, as the detector's main text line (the stock model reads whole plates badly).

Each stage is a module of its own, takes the OcrConfig and can be tested alone; nothing
here imports Django (the configuration comes from ocr_config(), read from the settings
once, unless one is passed).
"""

from __future__ import annotations

import cv2

from ingest.ocr.choose import CandidateReadings, PlateRead, boxes_overlap, choose_plates
from ingest.ocr.config import OcrConfig, ocr_config
from ingest.ocr.engine import get_reader, is_stock_network
from ingest.ocr.locate import locate_plates
from ingest.ocr.recognise import crop_with_margin, read_region_variants

__all__ = ["CandidateReadings", "PlateRead", "boxes_overlap", "read_candidates", "read_plates"]


def read_candidates(image, *, reader=None, config: OcrConfig | None = None,
                    max_candidates: int | None = None) -> list[CandidateReadings]:
    """Every candidate region of the frame with all its readings (locate, segment, recognise)."""
    config = config or ocr_config()
    reader = reader or get_reader(config)
    plate_model = not is_stock_network(config.recog_network)
    out = []
    for rank, cand in enumerate(locate_plates(image, max_candidates=max_candidates, config=config)):
        readings = read_region_variants(reader, image, cand.box, with_whole=plate_model,
                                        with_detector=not plate_model and rank < config.detector_candidates,
                                        config=config)
        out.append(CandidateReadings(rank=rank, box=cand.box, locate_score=cand.score, readings=readings))
    return out


def read_plates(image, *, reader=None, max_candidates: int | None = None,
                config: OcrConfig | None = None) -> list[PlateRead]:
    """Every plate found in the frame, best first."""
    config = config or ocr_config()
    plates = choose_plates(read_candidates(image, reader=reader, config=config, max_candidates=max_candidates),
                           config)
    for plate in plates:
        crop, _ = crop_with_margin(image, plate.box, margin=0.1)
        ok, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 92])
        plate.crop_jpeg = jpeg.tobytes() if ok else b""
    return plates
