"""Read the characters of a candidate region: crop with a margin, upscale, enhance, and
recognise it with an A-Z0-9 allowlist, whole (the plate model), as the span of its
segmented characters (ingest/ocr/segment.py), or (stock model) as the main text line
EasyOCR's detector finds on the small crop."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ingest.ocr.config import OcrConfig
from ingest.ocr.segment import character_span

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_DEFAULT = OcrConfig()


@dataclass
class Reading:
    text: str
    raw: str
    confidence: float
    box: tuple[int, int, int, int]  # the characters' box in frame pixels
    variant: str = ""  # how it was read: whole, whole_tight, span, detector


def crop_with_margin(image, box, margin: float = 0.15):
    x, y, w, h = box
    mx, my = int(w * margin), int(h * margin)
    x0, y0 = max(0, x - mx), max(0, y - my)
    x1, y1 = min(image.shape[1], x + w + mx), min(image.shape[0], y + h + my)
    return image[y0:y1, x0:x1], (x0, y0)


def enhance(crop, target_height: int = _DEFAULT.target_height):
    """Grayscale, upscaled to `target_height` (never down), CLAHE; and the scale factor."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    factor = target_height / max(1, gray.shape[0])
    if factor > 1:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4))
    return clahe.apply(gray), max(factor, 1.0)


def recognize_box(reader, gray, box, span_pad: float = _DEFAULT.span_pad,
                  decoder: str = _DEFAULT.decoder) -> tuple[str, float] | None:
    x, y, bw, bh = box
    # Room for a character the segmentation left out: the first one often touches the
    # plate's frame, and a span cut at the second character reads confidently short
    # (PGM335 for 6PGM335). Dev frames, plate model: padding of 0.05 of the width read
    # 45% exactly, 0.2-0.6 of the height 45-52%.
    pad_x, pad_y = max(2, int(bh * span_pad)), max(2, bh // 8)
    x0, y0 = max(0, x - pad_x), max(0, y - pad_y)
    x1, y1 = min(gray.shape[1], x + bw + pad_x), min(gray.shape[0], y + bh + pad_y)
    results = reader.recognize(gray, horizontal_list=[[x0, x1, y0, y1]], free_list=[], allowlist=ALNUM,
                               detail=1, decoder=decoder)
    if not results:
        return None
    _, text, conf = results[0]
    return text.upper(), float(conf)


def augment(gray, name: str):
    """One test-time view of an enhanced crop, the same size as it (so the recogniser's
    output has the same number of columns and the views can be averaged column by column)."""
    h, w = gray.shape
    if name == "blur":
        return cv2.GaussianBlur(gray, (3, 3), 0)
    if name == "sharpen":
        return cv2.addWeighted(gray, 1.5, cv2.GaussianBlur(gray, (0, 0), 2), -0.5, 0)
    if name.startswith("zoom"):  # zoom1.05: 5% in (a tighter margin); zoom0.95: out
        f = float(name[4:])
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 0, f)
        return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if name.startswith("gamma"):
        g = float(name[5:])
        return np.clip(255.0 * (gray / 255.0) ** g, 0, 255).astype(np.uint8)
    if name.startswith("shift"):  # shift2: 2% of the width to the right
        dx = float(name[5:]) / 100 * w
        m = np.float32([[1, 0, dx], [0, 1, 0]])
        return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    raise ValueError(f"unknown test-time view {name!r}")


def recognize_averaged(reader, grays) -> tuple[str, float] | None:
    """Greedy CTC text of same-sized crops with their per-column character probabilities
    averaged first (test-time augmentation): EasyOCR's own preprocessing and decoding,
    with the probabilities of the views meaned before the arg-max."""
    import easyocr.easyocr as eo
    import torch
    import torch.nn.functional as F
    from easyocr.recognition import AlignCollate, custom_mean
    from easyocr.utils import get_image_list
    from PIL import Image

    h, w = grays[0].shape
    images = []
    max_width = 0
    for g in grays:
        image_list, mw = get_image_list([[0, w, 0, h]], [], g, model_height=eo.imgH)
        if not image_list:
            return None
        images.append(Image.fromarray(image_list[0][1], "L"))
        max_width = max(max_width, int(mw))
    batch = AlignCollate(imgH=eo.imgH, imgW=max_width, keep_ratio_with_pad=True)(images).to(reader.device)
    ignore = [i + 1 for i, ch in enumerate(reader.character) if ch not in ALNUM]
    with torch.no_grad():
        text_for_pred = torch.zeros(len(images), int(max_width / 10) + 1, dtype=torch.long, device=reader.device)
        prob = F.softmax(reader.recognizer(batch, text_for_pred), dim=2).cpu().numpy()
    prob[:, :, ignore] = 0.0
    prob /= prob.sum(axis=2, keepdims=True)
    mean = prob.mean(axis=0)
    index = mean.argmax(axis=1)
    text = reader.converter.decode_greedy(index, [len(index)])[0]
    values = mean.max(axis=1)[index != 0]
    confidence = float(custom_mean(values)) if len(values) else 0.0
    return text, confidence


def read_whole(reader, image, box, margin: float = _DEFAULT.whole_margins[0], *,
               target_height: int = _DEFAULT.target_height, decoder: str = _DEFAULT.decoder,
               tta: tuple[str, ...] = _DEFAULT.tta) -> Reading | None:
    """The candidate read as a whole plate. The plate model was trained on whole plates
    (state name, slogan, stacked characters, frame and all) and reads only the plate's
    characters, so it needs no segmentation first; cheap: recognition only. With `tta`
    (greedy decoder only), the crop and those views of it are read together, their
    character probabilities averaged before decoding (recognize_averaged)."""
    crop, (ox, oy) = crop_with_margin(image, box, margin=margin)
    if crop.size == 0:
        return None
    gray, _ = enhance(crop, target_height)
    h, w = gray.shape
    if tta and decoder == "greedy":
        result = recognize_averaged(reader, [gray] + [augment(gray, name) for name in tta])
        if not result or not result[0]:
            return None
        return Reading(text=result[0], raw=result[0], confidence=result[1], box=tuple(box),
                       variant="whole" if margin else "whole_tight")
    results = reader.recognize(gray, horizontal_list=[[0, w, 0, h]], free_list=[], allowlist=ALNUM, detail=1,
                               decoder=decoder)
    if not results or not results[0][1]:
        return None
    text = results[0][1].upper()
    return Reading(text=text, raw=text, confidence=float(results[0][2]), box=tuple(box),
                   variant="whole" if margin else "whole_tight")


def read_region_variants(reader, image, box, *, with_whole: bool = False, with_detector: bool = True,
                         config: OcrConfig = _DEFAULT) -> list[Reading]:
    """Readings of a candidate: the whole crop (what the plate model was trained on), the
    span of the segmented characters (which leaves out the frame, bolts and the state
    name), both cheap: recognition only; and the detector's main text line (dearer:
    detection on the crop too)."""
    readings = []
    if with_whole:
        for margin in config.whole_margins:
            whole = read_whole(reader, image, box, margin, target_height=config.target_height, decoder=config.decoder,
                               tta=config.tta)
            if whole is not None:
                readings.append(whole)
    if with_detector:
        first = read_region(reader, image, box, config)
        if first is not None:
            readings.append(first)
    crop, (ox, oy) = crop_with_margin(image, box, config.crop_margin)
    if crop.size:
        gray, factor = enhance(crop, config.target_height)
        span = character_span(gray)
        if span is not None:
            result = recognize_box(reader, gray, span, config.span_pad, config.decoder)
            if result and result[0]:
                sx, sy, sw, sh = span
                frame_box = (int(ox + sx / factor), int(oy + sy / factor), int(sw / factor), int(sh / factor))
                readings.append(Reading(text=result[0], raw=result[0], confidence=result[1], box=frame_box,
                                        variant="span"))
    return readings


def read_region(reader, image, box, config: OcrConfig = _DEFAULT) -> Reading | None:
    crop, (ox, oy) = crop_with_margin(image, box, config.crop_margin)
    if crop.size == 0:
        return None
    gray, factor = enhance(crop, config.target_height)
    results = reader.readtext(gray, allowlist=ALNUM, detail=1, paragraph=False, decoder=config.decoder,
                              canvas_size=max(gray.shape), mag_ratio=1.0, text_threshold=0.5, low_text=0.3,
                              width_ths=0.8, add_margin=0.05)
    tokens = []
    for points, text, conf in results:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        tokens.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys), text, float(conf)))
    tokens = [t for t in tokens if t[4]]
    if not tokens:
        return None
    # The plate's characters are the tallest line; the state name and slogans are smaller.
    tallest = max(t[3] for t in tokens)
    line = sorted((t for t in tokens if t[3] >= 0.6 * tallest), key=lambda t: t[0])
    raw = " ".join(t[4] for t in line)
    text = "".join(t[4] for t in line).upper()
    confidence = float(np.mean([t[5] for t in line]))
    x0 = min(t[0] for t in line)
    y0 = min(t[1] for t in line)
    x1 = max(t[0] + t[2] for t in line)
    y1 = max(t[1] + t[3] for t in line)
    frame_box = (int(ox + x0 / factor), int(oy + y0 / factor), int((x1 - x0) / factor), int((y1 - y0) / factor))
    return Reading(text=text, raw=raw, confidence=confidence, box=frame_box, variant="detector")
