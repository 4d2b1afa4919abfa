"""What a frame's bytes are (moved from ingest/validation.py in issue 17: alpr stores
the images of reads, from ingest and from edge cameras alike, so ingest reads this from
below). Bad input loses nothing and crashes nothing: each check here has a clear reason.

The image is judged by its bytes, never by its name or declared content type. Pixel
limits are checked from the header before any decoding (decompression bombs), and a
file whose end marker is missing is truncated even if a decoder would half-show it.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np
from django.conf import settings

JPEG, PNG = "jpeg", "png"
EXTENSIONS = {JPEG: "jpg", PNG: "png"}


class FrameRejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sniff(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    raise FrameRejected("not a JPEG or PNG image (judged by its content, not its name or declared type)")


def header_size(data: bytes, kind: str) -> tuple[int, int]:
    """Width and height from the header alone."""
    if kind == PNG:
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise FrameRejected("corrupt PNG: no image header")
        return struct.unpack(">II", data[16:24])
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            raise FrameRejected("corrupt JPEG: bad marker")
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise FrameRejected("corrupt JPEG: no frame header")


def check_complete(data: bytes, kind: str) -> None:
    tail = data.rstrip(b"\x00")[-12:]
    # Cameras append metadata after the end-of-image marker (issue 18, defect 10): a file
    # with an end marker somewhere, that decodes, is complete.
    if kind == JPEG and not tail.endswith(b"\xff\xd9") and (
            b"\xff\xd9" not in data[4:] or cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) is None):
        raise FrameRejected("truncated JPEG: the end-of-image marker is missing")
    if kind == PNG and b"IEND" not in tail:
        raise FrameRejected("truncated PNG: the end chunk is missing")


def validate_frame_bytes(data: bytes) -> tuple[str, int, int]:
    """Cheap checks, no decoding: returns (kind, width, height) or raises FrameRejected."""
    if not data:
        raise FrameRejected("empty file (0 bytes)")
    if len(data) > settings.ALPR_INGEST_MAX_BYTES:
        raise FrameRejected(f"file too large: {len(data):,} bytes (limit {settings.ALPR_INGEST_MAX_BYTES:,})")
    kind = sniff(data)
    width, height = header_size(data, kind)
    if width <= 0 or height <= 0:
        raise FrameRejected("image has no pixels")
    if width * height > settings.ALPR_INGEST_MAX_PIXELS:
        raise FrameRejected(f"image too large: {width}x{height} pixels (limit {settings.ALPR_INGEST_MAX_PIXELS:,})")
    check_complete(data, kind)
    return kind, width, height


def decode(data: bytes) -> np.ndarray:
    """Decode to BGR, applying EXIF orientation (OpenCV does by default)."""
    validate_frame_bytes(data)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise FrameRejected("corrupt image: it could not be decoded")
    return image
