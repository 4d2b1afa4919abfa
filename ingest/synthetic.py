"""Plates and scenes the project renders itself (no third-party images).

Used by the demo and the tests (rendered frames go through the real code paths), and
later by OCR training. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np

STATE_NAMES = {
    "CA": "California", "NV": "Nevada", "OR": "Oregon", "AZ": "Arizona", "TX": "Texas", "WA": "Washington",
    "NY": "New York", "FL": "Florida", "IL": "Illinois", "CO": "Colorado",
}
VEHICLE_COLOURS = {  # name: BGR
    "WHITE": (235, 235, 235), "BLACK": (30, 30, 30), "SILVER": (190, 190, 185), "GRAY": (120, 120, 120),
    "RED": (40, 40, 190), "BLUE": (150, 80, 30), "GREEN": (60, 120, 50), "TAN": (140, 180, 200),
}


@dataclass
class RenderedFrame:
    image: np.ndarray  # BGR
    plate_box: tuple[int, int, int, int]  # x, y, w, h
    crop: np.ndarray
    plate: str
    state: str
    colour: str


def random_plate(rng: random.Random) -> str:
    """A plausible US plate: mostly California's 1ABC234, with other common layouts."""
    letters, digits = "ABCDEFGHJKLMNPRSTUVWXYZ", "0123456789"
    roll = rng.random()
    if roll < 0.65:
        return rng.choice("123456789") + "".join(rng.choice(letters) for _ in range(3)) + \
            "".join(rng.choice(digits) for _ in range(3))
    if roll < 0.85:
        return "".join(rng.choice(letters) for _ in range(3)) + "".join(rng.choice(digits) for _ in range(4))
    if roll < 0.95:
        return "".join(rng.choice(digits) for _ in range(3)) + "".join(rng.choice(letters) for _ in range(3))
    return "".join(rng.choice(letters + digits) for _ in range(rng.randint(5, 7)))


def render_plate(text: str, state: str = "CA", *, rng: random.Random | None = None, height: int = 120) -> np.ndarray:
    """A plate image: light background, border, state name on top, characters below."""
    rng = rng or random.Random(0)
    width = height * 2
    bg = tuple(int(v) for v in np.clip(np.array([245, 245, 245]) - rng.randint(0, 25), 0, 255))
    plate = np.full((height, width, 3), bg, dtype=np.uint8)
    ink = (110, 30, 20) if state == "CA" else (40, 40, 40)
    cv2.rectangle(plate, (3, 3), (width - 4, height - 4), (60, 60, 60), 3)
    name = STATE_NAMES.get(state, state)
    cv2.putText(plate, name, (int(width * 0.3), int(height * 0.2)), cv2.FONT_HERSHEY_TRIPLEX, height / 220,
                (40, 40, 160), 1, cv2.LINE_AA)
    font = cv2.FONT_HERSHEY_DUPLEX
    scale = height / 42
    thickness = max(2, height // 30)
    (tw, th), _ = cv2.getTextSize(text, font, scale, thickness)
    if tw > width * 0.92:
        scale *= width * 0.92 / tw
        (tw, th), _ = cv2.getTextSize(text, font, scale, thickness)
    org = ((width - tw) // 2, int(height * 0.55 + th / 2))
    cv2.putText(plate, text, org, font, scale, ink, thickness, cv2.LINE_AA)
    return plate


def render_frame(
    text: str, state: str = "CA", *, seed: int = 0, size: tuple[int, int] = (1280, 720), colour: str | None = None,
) -> RenderedFrame:
    """A traffic-camera-like frame: road, a car's rear, the plate with mild perspective,
    blur and noise. Returns the frame, the plate box and the crop."""
    rng = random.Random(seed)
    width, height = size
    frame = np.zeros((height, width, 3), dtype=np.uint8)
    top, bottom = np.array([150, 140, 120]), np.array([70, 70, 70])
    for y in range(height):
        frame[y, :] = (top + (bottom - top) * (y / height)).astype(np.uint8)
    colour = colour or rng.choice(list(VEHICLE_COLOURS))
    body = VEHICLE_COLOURS[colour]
    car_w = int(width * rng.uniform(0.35, 0.5))
    car_h = int(car_w * 0.55)
    cx = rng.randint(car_w // 2 + 10, width - car_w // 2 - 10)
    cy = rng.randint(int(height * 0.45), int(height * 0.6))
    x0, y0 = cx - car_w // 2, cy - car_h // 2
    cv2.rectangle(frame, (x0, y0), (x0 + car_w, y0 + car_h), body, -1)
    cv2.rectangle(frame, (x0 + car_w // 10, y0 - car_h // 3), (x0 + car_w * 9 // 10, y0), (60, 60, 60), -1)
    for lx in (x0 + car_w // 12, x0 + car_w * 11 // 12 - car_w // 8):
        cv2.rectangle(frame, (lx, y0 + car_h // 6), (lx + car_w // 8, y0 + car_h // 3), (40, 40, 200), -1)
    plate_h = max(24, int(car_w * rng.uniform(0.11, 0.15)))
    plate_img = render_plate(text, state, rng=rng, height=plate_h)
    ph, pw = plate_img.shape[:2]
    # Mild perspective: the camera is above and to one side.
    skew = rng.uniform(-0.06, 0.06) * pw
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    dst = np.float32([[skew, 0], [pw + skew, rng.uniform(-2, 2)], [pw, ph], [0, ph]])
    warp_w = int(pw + abs(skew) + 4)
    warped = cv2.warpPerspective(plate_img, cv2.getPerspectiveTransform(src, dst), (warp_w, ph + 4),
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=body)
    px = cx - warp_w // 2
    py = y0 + car_h * 2 // 3 - ph // 2
    wh, ww = warped.shape[:2]
    frame[py:py + wh, px:px + ww] = warped
    frame = cv2.GaussianBlur(frame, (3, 3), rng.uniform(0.3, 1.0))
    noise = np.random.default_rng(seed).normal(0, rng.uniform(2, 6), frame.shape)
    frame = np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    box = (px, py, ww, wh)
    crop = frame[py:py + wh, px:px + ww].copy()
    return RenderedFrame(image=frame, plate_box=box, crop=crop, plate=text, state=state, colour=colour)


def encode_jpeg(image: np.ndarray, quality: int = 88) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode JPEG")
    return data.tobytes()
