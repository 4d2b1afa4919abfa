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

# How often each letter (L) / digit (D) pattern occurs among the 645 plates of the
# recogniser's training split of openalpr-us-crops (all states, never the dev frames or
# the validation crops): the US-syntax tie-break's prior (lookalike_tiebreak below).
US_PATTERN_COUNTS = {
    "DDDLLL": 119, "LLLDDD": 91, "LLLDDDD": 58, "LLLLLLL": 22, "LLDDDD": 22, "DDDDDD": 22, "DDDDLL": 22,
    "DDDD": 19, "DLLLDDD": 18, "LLLDDL": 17, "LLDDD": 15, "DDDDDDD": 15, "DDDDD": 14, "LLLLLL": 14,
    "DLLDDD": 12, "LDDDDDD": 9, "DDLLDD": 8, "LLDLDDD": 8, "LLLLL": 7, "LDDDLL": 7, "DDDDL": 6, "DLDDDDL": 5,
    "DDDDDL": 5, "DLDDDD": 5, "LLDLLLL": 4, "LDDDDD": 4, "LLLLLLD": 4, "LDDDD": 4, "LLDLDL": 4, "LLLL": 3,
    "LDLLLLL": 3, "DDLL": 3, "DLLLDD": 3, "D": 3, "LLLDD": 3, "LLLLLDD": 2, "LLLLDL": 2, "LLLLLLLLL": 2,
    "LLLLDLL": 2, "DLLDDDD": 2, "DLDDD": 2, "LLDLL": 2, "DDDLLD": 2, "LLLLLD": 2, "LDDD": 2, "LDDLLL": 2,
    "LDLLLL": 2, "LDLDLL": 2, "DDLDDDL": 1, "DDLDLDL": 1, "LLL": 1, "LLLDLLL": 1, "LDLDDDD": 1, "LLLLLLLL": 1,
    "LLLLD": 1, "LDLLL": 1, "LLDLD": 1, "DLDLDDD": 1, "LLLLDD": 1, "DLDDDDD": 1, "DLLDDDL": 1, "DLDDDL": 1,
    "LLLDLL": 1, "DDDLDDD": 1, "LDDDDLL": 1, "DLLLLLL": 1, "LDDLL": 1, "LDLLLLD": 1, "LDLDL": 1, "LLDDL": 1,
    "DDDDDDL": 1, "DLLLLLLLL": 1, "LLLLLDLD": 1, "LDL": 1, "DLLDDDDD": 1, "LLLLLLLLLL": 1, "LLDD": 1,
    "LDLDLLL": 1, "LLLDDDL": 1, "LLLDLD": 1, "LDDL": 1, "LLDDDL": 1, "LLDLLL": 1, "DDLLL": 1, "DLLLLDLL": 1,
    "LLLLLDL": 1, "DDD": 1, "DDDLL": 1, "DDDL": 1,
}
# Characters the recogniser confuses across the letter/digit line.
LOOKALIKES = ("B8", "0ODQU", "1IJLT", "5S", "2Z", "6G", "4A", "7T")
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


def letter_digit_pattern(text: str) -> str:
    return "".join("L" if ch.isalpha() else "D" for ch in text)


def lookalike_swap(a: str, b: str) -> bool:
    """Do two texts of one length differ, and only where a letter reads as a look-alike digit
    or the other way round (B/8, 0/O/D, 1/I, 5/S, ...)?"""
    if len(a) != len(b) or a == b:
        return False
    return all(x == y or (x.isalpha() != y.isalpha() and any(x in g and y in g for g in LOOKALIKES))
               for x, y in zip(a, b, strict=True))


def lookalike_tiebreak(scored: list[tuple[float, Reading]], config: OcrConfig) -> tuple[float, Reading]:
    """The best of one candidate's scored readings, after a US-syntax tie-break: a reading
    that differs from the best only by letter/digit look-alikes, and scores at least
    `lookalike_ratio` of it, wins when its letter/digit pattern is more common on US plates
    by enough: its score times ((n_alt + alpha) / (n_best + alpha)) ** syntax_weight must
    beat the best's. The score kept is the best's, so the choice between candidates is
    unchanged. syntax_weight 0 turns it off."""
    best_score, best = max(scored, key=lambda item: item[0])
    if config.syntax_weight <= 0:
        return best_score, best
    alpha = config.syntax_alpha
    base = US_PATTERN_COUNTS.get(letter_digit_pattern(best.text), 0) + alpha
    chosen, chosen_value = best, best_score
    for score, reading in scored:
        if score < config.lookalike_ratio * best_score or not lookalike_swap(best.text, reading.text):
            continue
        gain = ((US_PATTERN_COUNTS.get(letter_digit_pattern(reading.text), 0) + alpha) / base) ** config.syntax_weight
        if score * gain > chosen_value:
            chosen, chosen_value = reading, score * gain
    return best_score, chosen


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
        score, reading = lookalike_tiebreak(scored, config)
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
