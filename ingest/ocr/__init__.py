"""The OCR package (Django-free): locate -> segment -> recognise -> choose.

    from ingest.ocr import read_plates
    plates = read_plates(bgr_frame)            # configuration from settings, read once
    plates = read_plates(frame, config=OcrConfig(max_candidates=8, ...))

Modules: config (OcrConfig: every setting and threshold), engine (the EasyOCR reader),
locate, segment, recognise, choose, pipeline (the stages in order), train (the plate
recogniser's training, `manage.py train_plate_recognizer`).
"""

from ingest.ocr.choose import PlateRead, boxes_overlap
from ingest.ocr.config import OcrConfig, ocr_config
from ingest.ocr.pipeline import read_candidates, read_plates

__all__ = ["OcrConfig", "PlateRead", "boxes_overlap", "ocr_config", "read_candidates", "read_plates"]
