"""Plates and scenes the project renders itself (no third-party images).

Used by the demo and the tests (rendered frames go through the real code paths), and by
the plate recogniser's training (`render_training_plate`: many states' layouts, with the
distractors a real plate carries). Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    """A plate image: light background, border, state name on top, characters below.

    The characters are drawn in a bold condensed sans from Debian's DejaVu or Liberation
    fonts, close to the dies states stamp plates with; OpenCV's Hershey font is the
    fallback where neither is installed (see `plate_font`)."""
    rng = rng or random.Random(0)
    width = height * 2
    bg = tuple(int(v) for v in np.clip(np.array([245, 245, 245]) - rng.randint(0, 25), 0, 255))
    plate = np.full((height, width, 3), bg, dtype=np.uint8)
    ink = (110, 30, 20) if state == "CA" else (40, 40, 40)
    cv2.rectangle(plate, (3, 3), (width - 4, height - 4), (60, 60, 60), 3)
    name = STATE_NAMES.get(state, state)
    if (label_font := plate_font(DEMO_LABEL_FONT_FILES)) is not None:
        mask = _text_mask(name, label_font, rng)
        nh = max(4, int(height * 0.16))
        nw = min(int(width * 0.6), nh * mask.shape[1] // max(1, mask.shape[0]))
        _paint(plate, mask, ((width - nw) // 2, int(height * 0.07), nw, nh), (40, 40, 160))
    else:
        cv2.putText(plate, name, (int(width * 0.3), int(height * 0.2)), cv2.FONT_HERSHEY_TRIPLEX, height / 220,
                    (40, 40, 160), 1, cv2.LINE_AA)
    if (font := plate_font()) is not None:
        mask = _text_mask(text, font, rng)
        ch = int(height * 0.42)  # a Californian plate's proportions: a margin of a character each side
        cw = min(int(width * 0.78), ch * mask.shape[1] // max(1, mask.shape[0]))
        _paint(plate, mask, ((width - cw) // 2, int(height * 0.34), cw, ch), ink)
        return plate
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


# --- Training plates -------------------------------------------------------------------
# Fonts from Debian packages the set-up installs (fonts-dejavu-core, fonts-dejavu-extra,
# fonts-liberation; .ci/run installs the latter two); any of them may be absent, and
# OpenCV's built-in Hershey fonts are always there as a fallback.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
PLATE_FONT_FILES = (  # the main characters: bold, mostly narrow sans, like plate dies
    "LiberationSansNarrow-Bold.ttf", "LiberationSansNarrow-Regular.ttf", "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf",
    "DejaVuSansCondensed.ttf",
)
LABEL_FONT_FILES = (  # state names and slogans: serif and italic too
    "DejaVuSerif-Bold.ttf", "DejaVuSerif-BoldItalic.ttf", "LiberationSerif-BoldItalic.ttf", "DejaVuSans-Bold.ttf",
    "LiberationSans-BoldItalic.ttf", "DejaVuSerifCondensed-Italic.ttf", "LiberationSerif-Regular.ttf",
)
HERSHEY_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX,
                 cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_PLAIN)
ALL_STATE_NAMES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
    "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas",
    "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "Washington, D.C.",
)
SLOGANS = (
    "Land of Lincoln", "Sunshine State", "Empire State", "Grand Canyon State", "Live Free or Die",
    "First in Flight", "Famous Potatoes", "Garden State", "Peach State", "Lone Star State", "Great Lakes",
    "Vacationland", "Land of Enchantment", "The Natural State", "Aloha State", "Wild Wonderful",
    "Greatest Snow on Earth", "Show Me State", "Spirit of America", "dmv.ca.gov", "Beehive State",
    "10,000 Lakes", "Keystone State", "Ocean State", "Heart of Dixie", "Big Sky Country", "Cape Cod & Islands",
    "America's Dairyland", "Visit www.state.gov", "Preserve the Trust", "Discover the Spirit", "COUNTY",
)
PLATE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PLATE_DIGITS = "0123456789"


@cache
def _truetype(name: str, size: int):
    from PIL import ImageFont

    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    return None


def available_fonts(names=PLATE_FONT_FILES) -> list[str]:
    """The font files of `names` present on this machine (may be none)."""
    return [n for n in names if any((folder / n).is_file() for folder in FONT_DIRS)]


# The demo's and the tests' plates: one fixed font, the first of these installed, so a
# frame rendered for a seed looks the same on every machine with the same fonts.
DEMO_PLATE_FONT_FILES = ("DejaVuSansCondensed-Bold.ttf", "LiberationSansNarrow-Bold.ttf", "DejaVuSans-Bold.ttf")
DEMO_LABEL_FONT_FILES = ("DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf", "DejaVuSans-Bold.ttf")


def plate_font(names=None) -> str | None:
    """The demo renderer's font for plate characters (or, given `names`, the first of
    those installed); None where no TrueType font is installed (Hershey is used)."""
    found = available_fonts(names or DEMO_PLATE_FONT_FILES)
    return found[0] if found else None


def _text_mask(text: str, font, rng: random.Random) -> np.ndarray:
    """The text as a tight 8-bit mask; `font` is a font file name or a Hershey font id."""
    if isinstance(font, str) and (face := _truetype(font, 64)) is not None:
        from PIL import Image, ImageDraw

        left, top, right, bottom = face.getbbox(text)
        canvas = Image.new("L", (right - left + 4, bottom - top + 4), 0)
        ImageDraw.Draw(canvas).text((2 - left, 2 - top), text, font=face, fill=255)
        mask = np.asarray(canvas)
    else:
        hershey = font if isinstance(font, int) else rng.choice(HERSHEY_FONTS)
        thickness = rng.randint(2, 4)
        (tw, th), base = cv2.getTextSize(text, hershey, 2.0, thickness)
        mask = np.zeros((th + base + 8, tw + 8), np.uint8)
        cv2.putText(mask, text, (4, th + 4), hershey, 2.0, 255, thickness, cv2.LINE_AA)
    ys, xs = np.nonzero(mask > 40)
    if len(xs) == 0:
        return np.zeros((4, 4), np.uint8)
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def _paint(plate: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int], colour) -> None:
    """Blend `colour` into `plate` through `mask` stretched to `box` (x, y, w, h)."""
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(plate.shape[1], x + w), min(plate.shape[0], y + h)
    if w < 2 or h < 2 or x1 <= x0 or y1 <= y0:
        return
    alpha = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)[y0 - y:y1 - y, x0 - x:x1 - x]
    alpha = alpha[..., None] / 255.0
    region = plate[y0:y1, x0:x1].astype(np.float32)
    plate[y0:y1, x0:x1] = (region * (1 - alpha) + np.array(colour, np.float32) * alpha).astype(np.uint8)


def random_training_plate_text(rng: random.Random) -> str:
    """Plate characters in the shapes US states issue: 5-8 (sometimes 2-4) letters and digits."""
    def pick(pattern: str) -> str:
        return "".join(rng.choice(PLATE_LETTERS if c == "L" else PLATE_DIGITS if c == "D" else
                                  PLATE_LETTERS + PLATE_DIGITS) for c in pattern)

    patterns = ("DLLLDDD", "LLLDDDD", "LLLDDD", "DDDLLL", "LLDDDDD", "DDDDLL", "DLLDDD", "DDLLLD", "LDDDLL",
                "LLLLDDD", "DDDDDD", "DDDDDDD", "LLDLLD", "DLLLLDD", "LLDDDLL", "DDLDDD", "XXXXX", "XXXXXX",
                "XXXXXXX", "XXXXXXXX", "XXXX", "XXX", "LLLLLL")
    return pick(rng.choice(patterns))


def _background(rng: random.Random, h: int, w: int, dark: bool) -> np.ndarray:
    if dark:
        base = rng.choice([(90, 40, 10), (30, 30, 30), (40, 70, 20), (100, 60, 20), (30, 30, 110)])
    else:
        base = rng.choice([(245, 245, 245), (230, 235, 240), (200, 235, 250), (250, 230, 200), (225, 245, 245),
                           (235, 240, 225), (215, 215, 215),
                           # yellow (NY, PA), orange, pale blue schemes (BGR)
                           (60, 200, 245), (90, 215, 250), (40, 150, 240), (235, 215, 170)])
    plate = np.empty((h, w, 3), np.float32)
    plate[:] = base
    if rng.random() < 0.5:  # a vertical colour gradient (sky to ground on picture plates)
        other = np.array([rng.randint(120, 255) for _ in range(3)], np.float32) if not dark else \
            np.array([rng.randint(0, 120) for _ in range(3)], np.float32)
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None] * rng.uniform(0.2, 0.7)
        plate = plate * (1 - t) + other * t
    plate = plate.astype(np.uint8)
    for _ in range(rng.choice([0, 0, 1, 2, 3])):  # picture elements: hills, a sun, a flag stripe
        colour = tuple(int(c) for c in np.clip(np.array(base) + np.array([rng.randint(-90, 40) for _ in range(3)]),
                                               0, 255))
        kind = rng.random()
        if kind < 0.4:
            pts = [(0, h)] + [(int(w * i / 6), int(h * rng.uniform(0.55, 0.95))) for i in range(7)] + [(w, h)]
            cv2.fillPoly(plate, [np.array(pts, np.int32)], colour)
        elif kind < 0.7:
            cv2.circle(plate, (rng.randint(0, w), rng.randint(0, h)), rng.randint(h // 8, h // 2), colour, -1)
        else:
            y = rng.randint(0, h)
            cv2.rectangle(plate, (0, y), (w, y + rng.randint(h // 20, h // 6)), colour, -1)
    return plate


def render_training_plate(text: str, rng: random.Random, *, height: int = 96) -> tuple[np.ndarray, tuple]:
    """A plate image for recogniser training and the box of its main characters.

    The label is `text` only: the state name, the slogan, stacked small characters
    ("RT", "4H"), stickers, the frame and the bolts are all drawn too, because real crops
    carry them and the recogniser has to learn to leave them out."""
    h, w = height, int(height * rng.uniform(1.8, 2.1))
    dark = rng.random() < 0.12
    plate = _background(rng, h, w, dark)
    plate_fonts = available_fonts() + [None] * 2  # None: a Hershey font
    label_fonts = available_fonts(LABEL_FONT_FILES) + [None]
    ink = rng.choice([(255, 255, 255), (80, 230, 250), (230, 230, 230)]) if dark else \
        rng.choice([(30, 30, 30), (110, 30, 20), (120, 40, 10), (20, 20, 140), (30, 90, 20), (60, 20, 20)])
    label_ink = rng.choice([ink, (40, 40, 170), (140, 60, 20), (30, 30, 30), (20, 110, 30)]) if not dark else ink

    # The state name on top (sometimes at the bottom), a slogan below.
    top = 0.04 * h
    if rng.random() < 0.9:
        name = rng.choice(ALL_STATE_NAMES)
        name = name.upper() if rng.random() < 0.5 else name
        nh = int(h * rng.uniform(0.12, 0.22))
        mask = _text_mask(name, rng.choice(label_fonts) or rng.choice(HERSHEY_FONTS), rng)
        nw = min(int(w * 0.85), int(nh * mask.shape[1] / max(1, mask.shape[0]) * rng.uniform(0.8, 1.2)))
        ny = int(h * rng.uniform(0.03, 0.08))
        _paint(plate, mask, ((w - nw) // 2 + rng.randint(-w // 12, w // 12), ny, nw, nh), label_ink)
        top = ny + nh
    if rng.random() < 0.7:
        slogan = rng.choice(SLOGANS)
        sh = int(h * rng.uniform(0.08, 0.13))
        mask = _text_mask(slogan, rng.choice(label_fonts) or rng.choice(HERSHEY_FONTS), rng)
        sw = min(int(w * 0.9), int(sh * mask.shape[1] / max(1, mask.shape[0])))
        _paint(plate, mask, ((w - sw) // 2, int(h * rng.uniform(0.83, 0.9)), sw, sh), label_ink)

    # The main characters, sometimes with a gap, a dash or an emblem between groups.
    font = rng.choice(plate_fonts)
    shown = text
    separator = False
    if len(text) >= 5 and rng.random() < 0.4:
        cut = rng.randint(2, len(text) - 2)
        shown = text[:cut] + rng.choice([" ", "-", "  ", "\u00b7", "   "]) + text[cut:]
    separator = shown != text and rng.random() < 0.35  # a state silhouette or emblem in the gap
    mask = _text_mask(shown, font if font is not None else rng.choice(HERSHEY_FONTS), rng)
    ch = int(h * rng.uniform(0.4, 0.56))
    left_pad = 0
    stacked = rng.random() < 0.15
    if stacked:
        left_pad = int(ch * 0.45)
    cw = int(ch * mask.shape[1] / max(1, mask.shape[0]) * rng.uniform(0.75, 1.25))
    cw = min(cw, int(w * 0.9) - left_pad)
    cx = (w - cw + left_pad) // 2 + rng.randint(-w // 40, w // 40)
    cy = int(max(top + 0.02 * h, (h - ch) / 2 + rng.uniform(-0.04, 0.06) * h))
    cy = min(cy, h - ch - 2)
    _paint(plate, mask, (cx, cy, cw, ch), ink)
    if separator:
        _draw_separator(plate, shown, text, (cx, cy, cw, ch), label_ink, rng)
    if stacked:  # two small characters stacked at the left, not part of the plate number
        pair = "".join(rng.choice(PLATE_LETTERS + PLATE_DIGITS) for _ in range(2))
        sh = ch // 2 - 1
        for i, c in enumerate(pair):
            small = _text_mask(c, font if font is not None else rng.choice(HERSHEY_FONTS), rng)
            _paint(plate, small, (cx - left_pad, cy + i * (sh + 2), int(sh * 0.7), sh), ink)
    elif rng.random() < 0.15:  # an emblem or a small word beside the characters
        ex = cx - int(ch * 0.6) if rng.random() < 0.5 else cx + cw + int(ch * 0.1)
        cv2.circle(plate, (ex + ch // 4, cy + ch // 2), max(2, ch // 4), label_ink, -1)

    # Stickers in the top corners, the border, bolts and a dealer frame.
    for corner in (0, 1):
        if rng.random() < 0.45:
            sw, sh = int(w * rng.uniform(0.09, 0.16)), int(h * rng.uniform(0.12, 0.2))
            sx = int(w * 0.03) if corner == 0 else w - sw - int(w * 0.03)
            sy = int(h * 0.05)
            colour = tuple(rng.randint(0, 255) for _ in range(3))
            cv2.rectangle(plate, (sx, sy), (sx + sw, sy + sh), colour, -1)
            tiny = _text_mask(str(rng.randint(10, 99)), rng.choice(HERSHEY_FONTS), rng)
            _paint(plate, tiny, (sx + sw // 6, sy + sh // 6, sw * 2 // 3, sh * 2 // 3), (20, 20, 20))
    if rng.random() < 0.6:
        t = rng.randint(1, max(1, h // 30))
        cv2.rectangle(plate, (t, t), (w - 1 - t, h - 1 - t), ink if rng.random() < 0.5 else (90, 90, 90), t)
    if rng.random() < 0.5:
        radius = max(2, h // 24)
        for bx in (int(w * 0.2), int(w * 0.8)):
            for by in ((int(h * 0.12),) if rng.random() < 0.6 else (int(h * 0.12), int(h * 0.88))):
                cv2.circle(plate, (bx, by), radius, (170, 170, 170), -1)
                cv2.circle(plate, (bx, by), max(1, radius // 2), (90, 90, 90), -1)
    if rng.random() < 0.3:  # a dealer frame: dark band over the edges, thicker at the bottom
        colour = rng.choice([(20, 20, 20), (200, 200, 200), (30, 30, 120)])
        t, bottom = int(h * rng.uniform(0.03, 0.08)), int(h * rng.uniform(0.06, 0.18))
        cv2.rectangle(plate, (0, 0), (w, t), colour, -1)
        cv2.rectangle(plate, (0, 0), (t, h), colour, -1)
        cv2.rectangle(plate, (w - t, 0), (w, h), colour, -1)
        cv2.rectangle(plate, (0, h - bottom), (w, h), colour, -1)
        if bottom >= 6 and rng.random() < 0.6:  # the dealer's name on the frame (not in the label)
            word = rng.choice(DEALER_WORDS)
            text_ink = (235, 235, 235) if sum(colour) < 300 else (20, 20, 20)
            tiny = _text_mask(word, rng.choice(label_fonts) or rng.choice(HERSHEY_FONTS), rng)
            tw = min(int(w * 0.8), int(bottom * 0.8 * tiny.shape[1] / max(1, tiny.shape[0])))
            _paint(plate, tiny, ((w - tw) // 2, h - bottom + bottom // 10, tw, int(bottom * 0.8)), text_ink)
    return plate, (cx, cy, cw, ch)


DEALER_WORDS = ("AUTO MALL", "MOTORS", "TOYOTA OF ORANGE", "HONDA", "FORD", "CARMAX", "AUTONATION", "CHEVROLET",
                "NISSAN", "KIA", "SUBARU", "BMW OF", "DRIVE.COM", "DEALER", "LEXUS")


def _draw_separator(plate, shown: str, text: str, box, colour, rng: random.Random) -> None:
    """A small silhouette (an irregular blob, as the state outline NY and others print
    between the character groups) over the gap in `shown`; it is not a character."""
    x, y, w, h = box
    gap = next((i for i, c in enumerate(shown) if i >= len(text) or c != text[i]), None)
    if gap is None:
        return
    gx = x + int(w * (gap + 0.5) / max(1, len(shown)))
    r = max(2, int(h * rng.uniform(0.15, 0.28)))
    pts = [(gx + int(r * rng.uniform(0.6, 1.2) * np.cos(a)), y + h // 2 + int(r * rng.uniform(0.6, 1.2) * np.sin(a)))
           for a in np.linspace(0, 2 * np.pi, rng.randint(5, 9), endpoint=False)]
    cv2.fillPoly(plate, [np.array(pts, np.int32)], colour)
