"""Plate candidates found with OpenCV: dark characters on a lighter plate make strong
vertical edges in a compact, wide rectangle, and inside it a row of blobs of one height
(the characters). Cheap (tens of milliseconds per frame), so the slow recogniser only
looks at a handful of regions."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ingest.pipeline.recognize import character_line

RERANKED = 40  # edge-ranked regions checked for characters (about a millisecond each)


@dataclass
class Candidate:
    box: tuple[int, int, int, int]  # x, y, w, h in frame pixels
    score: float


def _boxes_from_mask(mask, scale, min_w, max_w, frame_w, frame_h, edges) -> list[Candidate]:
    out = []
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if h == 0:
            continue
        aspect = w / h
        if not (1.3 <= aspect <= 6.5) or not (min_w <= w <= max_w) or h < 8:
            continue
        density = float(edges[y:y + h, x:x + w].mean()) / 255.0
        fill = cv2.contourArea(c) / float(w * h)
        score = density * (0.5 + fill) * (1.0 if 1.6 <= aspect <= 4.5 else 0.6)
        fx, fy, fw, fh = (int(round(v / scale)) for v in (x, y, w, h))
        out.append(Candidate((fx, fy, min(fw, frame_w - fx), min(fh, frame_h - fy)), score))
    return out


def locate_plates(image: np.ndarray, *, max_candidates: int = 10) -> list[Candidate]:
    frame_h, frame_w = image.shape[:2]
    scale = min(1.0, 1280.0 / max(frame_w, frame_h))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    full_gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if scale < 1 else full_gray
    # Local contrast first: hazy, dusk and back-lit frames otherwise lose the plate to the
    # frame's brightest edges in the global threshold below.
    gray = cv2.bilateralFilter(cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray), 5, 30, 30)
    h, w = gray.shape
    candidates: list[Candidate] = []
    for kernel_w in (13, 21):
        # Black-hat brings out dark characters on a light plate; a horizontal gradient then
        # a wide closing joins a plate's characters into one blob.
        rect = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel_w, 5))
        blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, rect)
        grad = cv2.Sobel(blackhat, cv2.CV_32F, 1, 0, ksize=3)
        grad = np.absolute(grad)
        grad = (255 * (grad - grad.min()) / max(1e-6, float(grad.max() - grad.min()))).astype(np.uint8)
        grad = cv2.GaussianBlur(grad, (5, 5), 0)
        closed = cv2.morphologyEx(grad, cv2.MORPH_CLOSE, rect)
        _, mask = cv2.threshold(closed, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        mask = cv2.erode(mask, None, iterations=1)
        mask = cv2.dilate(mask, None, iterations=2)
        edges = cv2.Canny(gray, 80, 200)
        candidates += _boxes_from_mask(mask, scale, max(20, w // 60), w // 3, frame_w, frame_h, edges)
    candidates.sort(key=lambda c: c.score, reverse=True)
    kept: list[Candidate] = []
    for cand in candidates:
        if all(_iou(cand.box, k.box) < 0.4 for k in kept):
            kept.append(cand)
        if len(kept) >= max(RERANKED, max_candidates):
            break
    # Rank the strongest regions again by whether they hold a row of characters: on the dev
    # frames this brings the true plate into the first 12 candidates on 89% of frames
    # (85% of the first 12 by edges alone).
    for cand in kept:
        cand.score += _row_of_characters(full_gray, cand.box)
    kept.sort(key=lambda c: c.score, reverse=True)
    return kept[:max_candidates]


def character_count(gray: np.ndarray, box: tuple[int, int, int, int]) -> int:
    """How many blobs of one height, shaped like characters, the region holds."""
    x, y, w, h = box
    roi = gray[max(0, y):y + h, max(0, x):x + w]
    if roi.size == 0:
        return 0
    if roi.shape[0] < 24:
        f = 24 / roi.shape[0]
        roi = cv2.resize(roi, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
    return len(character_line(roi, min_height=0.25, min_aspect=0.1, tolerance=0.2))


def _row_of_characters(gray: np.ndarray, box) -> float:
    k = character_count(gray, box)
    return 1.0 if 4 <= k <= 9 else 0.6 if k in (2, 3, 10) else 0.3


def _iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix, iy = max(0, min(ax + aw, bx + bw) - max(ax, bx)), max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0
