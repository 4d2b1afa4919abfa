"""Segmentation: the row of character-shaped blobs in a grey region. The localiser uses
it to tell a plate from other edges (how many characters a region holds); the recogniser
to read only the characters' span (without the frame, bolts and state name)."""

from __future__ import annotations

import cv2
import numpy as np


def character_line(gray, *, min_height: float, min_aspect: float, tolerance: float,
                   away_from_sides: bool = False) -> list[tuple[int, int, int, int]]:
    """The boxes of the dominant line of character-shaped blobs in a grey crop: blobs
    between `min_height` and 0.95 of the crop's height, `min_aspect` to 1.2 wide for their
    height and mostly filled, whose height is within `tolerance` of the median. Dark on
    light or light on dark, whichever finds the longer line (dark on light on a tie)."""
    h, w = gray.shape
    best: list[tuple[int, int, int, int]] = []
    for flag in (cv2.THRESH_BINARY_INV, cv2.THRESH_BINARY):
        _, binary = cv2.threshold(gray, 0, 255, flag | cv2.THRESH_OTSU)
        count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
        chars = [(int(x), int(y), int(cw), int(ch)) for x, y, cw, ch, area in stats[1:count]
                 if min_height * h <= ch <= 0.95 * h and min_aspect <= cw / ch <= 1.2 and area >= 0.15 * cw * ch
                 and not (away_from_sides and (x <= 1 or x + cw >= w - 1))]
        if not chars:
            continue
        median_h = float(np.median([c[3] for c in chars]))
        line = [c for c in chars if abs(c[3] - median_h) <= tolerance * median_h]
        if len(line) > len(best):
            best = line
    return best


def character_span(gray) -> tuple[int, int, int, int] | None:
    """The box around the plate's characters: connected components of character size on
    the dominant line, not touching the crop's sides (the plate frame and bolts do)."""
    line = character_line(gray, min_height=0.3, min_aspect=0.08, tolerance=0.25, away_from_sides=True)
    if len(line) < 2:
        return None
    x0 = min(c[0] for c in line)
    y0 = min(c[1] for c in line)
    x1 = max(c[0] + c[2] for c in line)
    y1 = max(c[1] + c[3] for c in line)
    return (x0, y0, x1 - x0, y1 - y0)


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
