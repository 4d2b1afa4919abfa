"""The choice among one candidate's readings (ingest/ocr/choose.py), on constructed readings."""

from ingest.ocr.choose import CandidateReadings, choose_plates, lookalike_swap
from ingest.ocr.config import OcrConfig
from ingest.ocr.recognise import Reading

BOX = (10, 10, 120, 40)


def candidate(*readings: tuple[str, float]) -> list[CandidateReadings]:
    return [CandidateReadings(rank=0, box=BOX, locate_score=0.9,
                              readings=[Reading(text=t, raw=t, confidence=c, box=BOX, variant="whole")
                                        for t, c in readings])]


def test_lookalike_swaps_are_letter_digit_confusions_only():
    assert lookalike_swap("SH0R7X", "SHUR7X")
    assert lookalike_swap("8951283", "B951283")
    assert not lookalike_swap("6MNF778", "6MWF778")  # letter for letter: no syntax to go by
    assert not lookalike_swap("ABC123", "ABC124")  # not look-alikes
    assert not lookalike_swap("ABC123", "ABC1234")  # lengths differ
    assert not lookalike_swap("ABC123", "ABC123")


def test_a_close_reading_with_a_commoner_us_pattern_wins_the_tie():
    # ABC1234 (LLLDDDD, common) against A8C1234 (LDLDDDD, rare), read a little more confidently.
    readings = candidate(("A8C1234", 0.60), ("ABC1234", 0.50))
    assert choose_plates(readings, OcrConfig(syntax_weight=0.0))[0].text == "A8C1234"
    assert choose_plates(readings, OcrConfig())[0].text == "ABC1234"


def test_the_tie_break_leaves_a_clear_winner_and_other_disagreements_alone():
    # Far less confident than the best: no tie to break.
    assert choose_plates(candidate(("A8C1234", 0.90), ("ABC1234", 0.30)), OcrConfig())[0].text == "A8C1234"
    # Differs by more than a look-alike (D for 4): not the same plate misread.
    assert choose_plates(candidate(("A8C1234", 0.60), ("ABC123D", 0.55)), OcrConfig())[0].text == "A8C1234"


def test_the_tie_break_keeps_the_candidates_score():
    readings = candidate(("A8C1234", 0.60), ("ABC1234", 0.50))
    off = choose_plates(readings, OcrConfig(syntax_weight=0.0))[0]
    on = choose_plates(readings, OcrConfig())[0]
    assert on.score == off.score
