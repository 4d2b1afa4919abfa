"""Issue 21 §7: the colour estimate measured on hand-labelled dev frames, and the names."""

from pathlib import Path

import numpy as np
import pytest

from alpr.colour import estimate_from_bytes, name_for_lab, stored_names_for
from alpr.management.commands.colour_accuracy import DEFAULT_LABELS, measure

# Read in place beside the checkout (../shared/datasets), as tests/test_pipeline.py does.
DEV_FRAMES = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "openalpr-us-dev"


@pytest.mark.skipif(not DEV_FRAMES.is_dir(),
                    reason=f"{DEV_FRAMES} is absent (shared datasets are read in place, never copied)")
def test_the_estimate_holds_its_measured_accuracy_on_the_labelled_dev_frames():
    # Measured 58 of 96 (60.4%) when written; 64 of 96 (66.7%) with the beige-tint,
    # black-by-its-plate and clipped-white rules. The target is 80%, not reached yet. This guards
    # against a change that makes it worse.
    result = measure(images=DEV_FRAMES, labels=DEFAULT_LABELS)
    assert result["frames"] == 96
    assert result["right"] >= 64, result
    # The confusion matrix the command prints: every frame once, the diagonal the right ones.
    matrix = result["matrix"]
    assert sum(matrix.values()) == 96 and sum(n for (t, g), n in matrix.items() if t == g) == result["right"]


def test_lab_pixels_get_the_names_a_person_would_give():
    lightness = np.array([92.0, 10.0, 55.0, 45.0, 35.0, 50.0, 85.0, 70.0, 35.0])
    a = np.array([0.0, 0.0, 1.0, 60.0, 10.0, -40.0, -5.0, 4.0, 10.0])
    b = np.array([0.0, 0.0, -2.0, 40.0, -50.0, 30.0, 80.0, 22.0, 25.0])
    assert list(name_for_lab(lightness, a, b)) == [
        "white", "black", "grey/silver", "red", "blue", "green", "yellow", "beige", "brown"]


def test_a_search_name_covers_what_cameras_call_it():
    assert {"SILVER", "GRAY", "GREY/SILVER"} <= set(stored_names_for("grey/silver"))
    assert "GREY/SILVER" in stored_names_for("Silver")
    assert stored_names_for("purple") == ["PURPLE"]


def test_a_frame_that_does_not_decode_or_a_box_off_the_frame_gives_no_colour_and_no_error():
    # The read must never be lost to the estimate (estimate_from_bytes is called while storing it).
    import cv2

    ok, jpeg = cv2.imencode(".jpg", np.full((120, 200, 3), 200, dtype=np.uint8))
    assert ok
    assert estimate_from_bytes(b"not an image at all", [10, 10, 40, 12]) is None
    assert estimate_from_bytes(jpeg.tobytes(), [5000, 5000, 40, 12]) is None
    assert estimate_from_bytes(jpeg.tobytes(), []) is None
