"""Read the characters of a candidate region: crop with a margin, upscale, enhance, find
the main text line (the plate's characters, not the state name or the frame) with
EasyOCR's detector on the small crop, and recognise it with an A-Z0-9 allowlist."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TARGET_HEIGHT = 96


@dataclass
class Reading:
    text: str
    raw: str
    confidence: float
    box: tuple[int, int, int, int]  # the characters' box in frame pixels


def crop_with_margin(image, box, margin: float = 0.15):
    x, y, w, h = box
    mx, my = int(w * margin), int(h * margin)
    x0, y0 = max(0, x - mx), max(0, y - my)
    x1, y1 = min(image.shape[1], x + w + mx), min(image.shape[0], y + h + my)
    return image[y0:y1, x0:x1], (x0, y0)


def enhance(crop):
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    factor = TARGET_HEIGHT / max(1, gray.shape[0])
    if factor > 1:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4))
    return clahe.apply(gray), max(factor, 1.0)


def read_region(reader, image, box) -> Reading | None:
    crop, (ox, oy) = crop_with_margin(image, box)
    if crop.size == 0:
        return None
    gray, factor = enhance(crop)
    results = reader.readtext(gray, allowlist=ALNUM, detail=1, paragraph=False, decoder="greedy",
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
    return Reading(text=text, raw=raw, confidence=confidence, box=frame_box)
