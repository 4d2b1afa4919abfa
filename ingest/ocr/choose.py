"""Choose the plates among a frame's readings. What a US plate looks like: 2-8
characters of A-Z and 0-9, usually mixing letters and digits; not a state name, a
slogan, a date or a time stamp."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.ocr.config import OcrConfig
from ingest.ocr.recognise import Reading

NOT_PLATES = {
    "CALIFORNIA", "NEVADA", "OREGON", "ARIZONA", "TEXAS", "WASHINGTON", "FLORIDA", "NEWYORK", "ILLINOIS", "OHIO",
    "GEORGIA", "VIRGINIA", "COLORADO", "UTAH", "IDAHO", "DMV", "DEALER", "DEALERS", "SUNSHINE", "STATE", "GOV",
    "ORG", "COM", "WWW", "USA", "AMERICA", "LAND", "LINCOLN", "EMPIRE", "GRAND", "CANYON", "PEACH", "GARDEN",
    "TOYOTA", "HONDA", "FORD", "NISSAN", "CHEVROLET", "STOP", "TAXI", "POLICE", "EXPIRES", "APR", "MAY", "JUN",
    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "JAN", "FEB", "MAR",
}
_DEFAULT = OcrConfig()
_DATE = re.compile(r"^(19|20)\d{6}$|^\d{1,2}(0[1-9]|1[0-2])\d{2,4}$")


def plate_shape_score(text: str, config: OcrConfig | None = None) -> float:
    """0 for text that cannot be a plate; up to 1 for a typical plate shape."""
    n = len(text)
    lo, hi = (config or _DEFAULT).plate_length
    if not lo <= n <= hi or not re.fullmatch(r"[A-Z0-9]+", text):
        return 0.0
    if text in NOT_PLATES or any(word in text for word in ("CALIF", "DMV", "DEALER")):
        return 0.0
    letters = sum(ch.isalpha() for ch in text)
    digits = n - letters
    if digits >= 6 and letters == 0 and _DATE.match(text):
        return 0.05  # a time stamp or date, almost never a plate
    score = 0.4
    if 5 <= n <= 7:
        score += 0.35
    elif n in (4, 8):
        score += 0.15
    if letters and digits:
        score += 0.25
    elif letters == n and n >= 5:
        score -= 0.2  # vanity plates exist, but all-letter text is usually a word
    return max(0.0, min(1.0, score))


@dataclass
class CandidateReadings:
    """One candidate region (rank 0 is the localiser's best) and what was read in it."""
    rank: int
    box: tuple[int, int, int, int]
    locate_score: float
    readings: list[Reading] = field(default_factory=list)


@dataclass
class PlateRead:
    text: str
    raw: str
    confidence: float
    score: float
    box: tuple[int, int, int, int]
    # State of issue: not recognised (the recogniser reads the characters only); kept,
    # always "", because the ingest service stores it with each read.
    state: str
    crop_jpeg: bytes


def reading_score(reading: Reading, candidate: CandidateReadings, texts: dict[str, int], config: OcrConfig) -> float:
    """How likely a reading is the frame's plate: the recogniser's confidence times the
    plate shape score, raised when other readings of the frame agree with it
    (`agreement_weight`) and lowered down the localiser's ranking (`localiser_weight`)."""
    score = reading.confidence * plate_shape_score(reading.text, config)
    if score <= 0:
        return 0.0
    agree = texts.get(reading.text, 1) - 1  # other readings of the same text
    score *= 1.0 + config.agreement_weight * min(agree, 3)
    score *= 1.0 - config.localiser_weight * candidate.rank / max(1, config.max_candidates)
    return score


def choose_plates(candidates: list[CandidateReadings], config: OcrConfig) -> list[PlateRead]:
    """The frame's plates, best first: each candidate's best reading, then the strongest
    of those that do not repeat a text or overlap a box already chosen; a second plate
    only above `min_score` (a lone weak reading is still reported: the image decides, RD-3)."""
    texts: dict[str, int] = {}
    for cand in candidates:
        for r in cand.readings:
            texts[r.text] = texts.get(r.text, 0) + 1
    found: list[PlateRead] = []
    for cand in candidates:
        scored = [(reading_score(r, cand, texts, config), r) for r in cand.readings]
        scored = [item for item in scored if item[0] > 0]
        if not scored:
            continue
        score, reading = max(scored, key=lambda item: item[0])
        found.append(PlateRead(text=reading.text, raw=reading.raw, confidence=round(reading.confidence, 3),
                               score=score, box=cand.box, state="", crop_jpeg=b""))
    found.sort(key=lambda p: p.score, reverse=True)
    plates: list[PlateRead] = []
    for p in found:
        if p.score < config.min_score and plates:
            break
        if any(p.text == q.text or boxes_overlap(p.box, q.box) for q in plates):
            continue
        plates.append(p)
    return [p for i, p in enumerate(plates) if i == 0 or p.score >= config.min_score]


def boxes_overlap(a, b) -> bool:
    """Do two (x, y, w, h) boxes share any pixel?"""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
