"""OcrConfig: every setting and threshold of the OCR pipeline in one place.

Built once from Django's settings (`ocr_config()`, the only place the package reads them)
or directly (tests, scripts, another host): the stages take it as an argument and import
nothing from Django.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

SHIPPED_RERANKER = str(Path(__file__).resolve().parent.parent / "plate_model" / "rerank.pt")


@dataclass(frozen=True)
class OcrConfig:
    # --- Engine -------------------------------------------------------------------------
    recog_network: str = "plate_en"  # the plate model, or a stock EasyOCR model ("english_g2")
    user_network_dir: str = ""  # where plate_en.pth/.yaml/.py live
    gpu: str = "auto"  # auto | true | false
    threads: int = 0  # torch CPU threads; 0: the cores divided among the worker processes
    worker_processes: int = 1

    # --- Locate (ingest/ocr/locate.py) --------------------------------------------------
    # Candidates read. Ranked by the learned re-ranker, the true plate is among the first 3
    # on 92% of the dev frames (94% among the first 12, the pool's ceiling), and reading
    # 4 read as many plates exactly as 12 for a third of the recognition; ranked by edges
    # alone it was among the first 12 on 86% (set 12 with rerank_weights "").
    max_candidates: int = 4
    # Edge-ranked regions checked for a row of characters (about 1 ms each) and scored by
    # the re-ranker. With the third, larger kernel below, 80 regions hold the plate on 93.8%
    # of the dev frames and 95.5% of the openalpr-eu-br frames (40 regions, two kernels:
    # 90.7% and 81.5%).
    reranked: int = 80
    locate_max_side: int = 1280  # frames are searched at most this large
    # Black-hat and closing kernels (width, height in pixels at the search scale), one pass
    # each; (31, 9) finds larger plates and long European ones.
    locate_kernels: tuple[tuple[int, int], ...] = ((13, 5), (21, 5), (31, 9))
    candidate_aspect: tuple[float, float] = (1.3, 6.5)  # width / height of a candidate region
    plate_aspect: tuple[float, float] = (1.6, 4.5)  # outside it a region's edge score is x0.6
    candidate_min_height: int = 8  # pixels, at the search scale
    candidate_nms_iou: float = 0.4  # a region overlapping a stronger one this much is dropped
    plate_char_count: tuple[int, int] = (4, 9)  # blobs in a row that look like a plate's characters
    # The learned re-ranker's weights (ingest/ocr/rerank.py); "" ranks by edges and a row of
    # characters only.
    rerank_weights: str = SHIPPED_RERANKER

    # --- Segment and recognise (ingest/ocr/segment.py, recognise.py) --------------------
    target_height: int = 96  # crops are upscaled to this height before recognition
    crop_margin: float = 0.15  # around a candidate, for the span and the detector reading
    # The plate model saw crops from 5% inside to 18% outside the plate; reading a loose and
    # an exact crop found the true plate in 44% of the dev frames against 40% with one.
    whole_margins: tuple[float, ...] = (0.08, 0.0)
    span_pad: float = 0.4  # of the characters' height, each side of the segmented span
    # EasyOCR's CTC decoder: "greedy"; its "beamsearch" read the validation crops 0.481 exactly
    # against 0.660 (it merges repeated characters: 668130 -> 68130; MODEL_CARD.md).
    decoder: str = "greedy"
    # Test-time views of each whole crop (recognise.augment) read with it, their character
    # probabilities averaged before greedy decoding; () reads the crop alone. Off: with
    # ("gamma0.8", "gamma1.25", "blur") validation crops 0.670 (0.660), dev frames exact
    # 0.526 (0.515) but detected 0.928 (0.938), 5 frames gained and 4 lost: noise; views that
    # move the characters (zoom, shift) misalign the columns (crops 0.38-0.61). MODEL_CARD.md.
    tta: tuple[str, ...] = ()
    detector_candidates: int = 3  # stock model only: the dearer detector reading, best-placed candidates

    # --- Choose (ingest/ocr/choose.py) ---------------------------------------------------
    min_score: float = 0.25  # a second plate in a frame is reported only above this score
    plate_length: tuple[int, int] = (2, 8)
    # Weights of the choice among a frame's readings (see choose.reading_score); 0 turns
    # a term off. Measured on the dev frames (MODEL_CARD.md).
    agreement_weight: float = 0.0  # readings of other variants/candidates giving the same text
    localiser_weight: float = 0.0  # the candidate's rank from the localiser
    # US-syntax tie-break between one candidate's readings that differ only by letter/digit
    # look-alikes (choose.lookalike_tiebreak): an alternative scoring at least
    # `lookalike_ratio` of the best wins if its letter/digit pattern is commoner on US
    # plates (counts from the training crops, smoothed by `syntax_alpha`) by enough.
    # Dev frames (simulated, any ratio 0.5-0.66, alpha 1-10, weight 0.5-2): 51 exact
    # against 50, no frame lost; MODEL_CARD.md.
    lookalike_ratio: float = 0.5
    syntax_alpha: float = 3.0
    syntax_weight: float = 1.0

    extra: dict = field(default_factory=dict)

    def with_(self, **changes) -> OcrConfig:
        return replace(self, **changes)


def from_settings(settings) -> OcrConfig:
    """The configuration from a settings object (Django's, or any with the same names)."""
    return OcrConfig(
        recog_network=settings.ALPR_OCR_RECOG_NETWORK,
        user_network_dir=settings.ALPR_OCR_USER_NETWORK_DIR,
        gpu=settings.ALPR_OCR_GPU,
        threads=settings.ALPR_OCR_THREADS,
        worker_processes=getattr(settings, "ALPR_WORKER_PROCESSES", 1),
        rerank_weights=getattr(settings, "ALPR_OCR_RERANK_WEIGHTS", SHIPPED_RERANKER),
        max_candidates=getattr(settings, "ALPR_OCR_MAX_CANDIDATES", OcrConfig.max_candidates),
    )


@cache
def ocr_config() -> OcrConfig:
    """The project's configuration, read from Django's settings once per process."""
    from django.conf import settings

    return from_settings(settings)


def cpu_threads(config: OcrConfig) -> int:
    if config.threads:
        return config.threads
    # A prefork worker runs several processes: share the cores among them.
    return max(1, (os.cpu_count() or 1) // max(1, config.worker_processes))
