"""What a US plate looks like: 2-8 characters of A-Z and 0-9, usually mixing letters and
digits; not a state name, a slogan, a date or a time stamp."""

from __future__ import annotations

import re

NOT_PLATES = {
    "CALIFORNIA", "NEVADA", "OREGON", "ARIZONA", "TEXAS", "WASHINGTON", "FLORIDA", "NEWYORK", "ILLINOIS", "OHIO",
    "GEORGIA", "VIRGINIA", "COLORADO", "UTAH", "IDAHO", "DMV", "DEALER", "DEALERS", "SUNSHINE", "STATE", "GOV",
    "ORG", "COM", "WWW", "USA", "AMERICA", "LAND", "LINCOLN", "EMPIRE", "GRAND", "CANYON", "PEACH", "GARDEN",
    "TOYOTA", "HONDA", "FORD", "NISSAN", "CHEVROLET", "STOP", "TAXI", "POLICE", "EXPIRES", "APR", "MAY", "JUN",
    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "JAN", "FEB", "MAR",
}
_DATE = re.compile(r"^(19|20)\d{6}$|^\d{1,2}(0[1-9]|1[0-2])\d{2,4}$")


def plate_shape_score(text: str) -> float:
    """0 for text that cannot be a plate; up to 1 for a typical plate shape."""
    n = len(text)
    if not 2 <= n <= 8 or not re.fullmatch(r"[A-Z0-9]+", text):
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
