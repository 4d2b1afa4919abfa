"""Quiet start-up for a new user on `make run` (issue 21 §10).

The embedded default printed a broker warning (kombu: "No hostname was supplied", though
there is no broker to reach), PyTorch's deprecation and 'pin_memory' notes from inside the
OCR model, and an INFO line per frame and per task: none of it is something the person
starting the demo can act on, and it buried the sign-in details. Real warnings and errors
from the project's own code still show."""

import logging
import warnings

# Loggers whose INFO lines are per-item progress or library chatter on the embedded default.
CHATTY = ("alpr.access", "alpr.search", "ingest.services", "ingest.ocr", "celery.app.trace",
          "hotlists.services.feeds", "hotlists.matching")


def quiet_startup() -> None:
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    # kombu warns about a missing broker hostname when eager tasks are sent with no broker.
    logging.getLogger("kombu").setLevel(logging.ERROR)
    # PyTorch's UserWarnings come from inside the library (deprecations, CPU-only notes).
    warnings.filterwarnings("ignore", category=UserWarning, module=r"torch(\.|$)")
