"""The plate recogniser's network definition, loaded by EasyOCR by name.

EasyOCR imports `<recog_network>.py` from its user network directory (this folder) and
builds `Model(num_class=..., **network_params)`. The plate model is EasyOCR's own
english_g2 architecture (VGG features, two BiLSTMs, a linear CTC head), fine-tuned by
ingest/ocr/train.py, so this only names it.
"""

from easyocr.model.vgg_model import Model

__all__ = ["Model"]
