"""Plate candidates found with OpenCV: dark characters on a lighter plate make strong
vertical edges in a compact, wide rectangle. Cheap (tens of milliseconds per frame), so
the slow recogniser only looks at a handful of regions."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


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
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    gray = cv2.bilateralFilter(gray, 5, 30, 30)
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
        if len(kept) >= max_candidates:
            break
    return kept


def _iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix, iy = max(0, min(ax + aw, bx + bw) - max(ax, bx)), max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0
