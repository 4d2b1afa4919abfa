"""The OCR pipeline's stages, each on its own, and ocr_eval on a folder in the dev-set format."""

import json
from pathlib import Path

import cv2
import pytest
from django.core.management import call_command

from ingest.pipeline import boxes_overlap, read_plates
from ingest.pipeline.locate import character_count, locate_plates
from ingest.pipeline.recognize import character_span, enhance
from ingest.pipeline.select import plate_shape_score
from ingest.synthetic import render_frame

DEV_SET = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "openalpr-us-dev"


@pytest.mark.parametrize(
    "text,plausible",
    [("7ABC123", True), ("ABC1234", True), ("123ABC", True), ("KCS1M", True), ("CALIFORNIA", False),
     ("DMV", False), ("20261123", False), ("7AB-123", False), ("A", False), ("ABCDEFGHIJ", False)],
)
def test_plate_shape_rules(text, plausible):
    assert (plate_shape_score(text) >= 0.4) is plausible


def test_a_mixed_plate_scores_above_a_word():
    assert plate_shape_score("7ABC123") > plate_shape_score("GARAGE")


def test_locate_finds_the_rendered_plate():
    frame = render_frame("7ABC123", "CA", seed=3)
    candidates = locate_plates(frame.image)
    assert any(boxes_overlap(c.box, frame.plate_box) for c in candidates[:3])


def test_locate_counts_the_characters_of_a_plate_not_of_a_flat_region():
    frame = render_frame("7ABC123", "CA", seed=3)
    gray = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
    x, y, w, h = frame.plate_box
    assert 6 <= character_count(gray, frame.plate_box) <= 8  # seven characters; "California" is smaller
    assert character_count(gray, (5, 5, w, h)) == 0  # the sky: no characters


def test_character_span_leaves_out_the_frame():
    frame = render_frame("7ABC123", "CA", seed=3)
    # The characters' part of the plate (below the state name), as a candidate crop holds it.
    plate = frame.crop[int(frame.crop.shape[0] * 0.3):, :]
    gray, _ = enhance(plate)
    x, y, w, h = character_span(gray)
    assert x > 2 and x + w < gray.shape[1] - 2  # inside the plate border
    assert w > 0.7 * gray.shape[1]  # all seven characters, not one
    assert 0.3 * gray.shape[0] <= h < 0.8 * gray.shape[0]  # the characters' line, not the whole plate


def test_a_rendered_plate_is_read():
    frame = render_frame("3DMS368", "CA", seed=1)
    plates = read_plates(frame.image)
    assert plates and plates[0].text == "3DMS368"
    assert boxes_overlap(plates[0].box, frame.plate_box) and plates[0].crop_jpeg[:3] == b"\xff\xd8\xff"


def test_a_frame_without_a_plate_gives_nothing_plate_like():
    blank = render_frame("X", "CA", seed=2).image * 0
    assert read_plates(blank) == []


def test_ocr_eval_on_any_folder_in_the_format(tmp_path):
    for i, (plate, seed) in enumerate([("3DMS368", 1), ("8XYZ412", 200)]):
        frame = render_frame(plate, "CA", seed=seed)
        cv2.imwrite(str(tmp_path / f"f{i}.jpg"), frame.image)
        x, y, w, h = frame.plate_box
        (tmp_path / f"f{i}.txt").write_text(f"f{i}.jpg\t{x}\t{y}\t{w}\t{h}\t{plate}\n")
    out = tmp_path / "result.json"
    call_command("ocr_eval", str(tmp_path), "--json", str(out))
    result = json.loads(out.read_text())
    assert {"images", "exact", "equivalent", "detected", "median_s", "p95_s", "per_image"} <= set(result)
    assert result["images"] == 2 and result["exact"] >= 0.5 and result["equivalent"] == 1.0
    assert result["detected"] == 1.0


def test_ocr_eval_runs_on_the_real_dev_set():
    if not DEV_SET.is_dir():
        pytest.skip(f"{DEV_SET} is absent (shared datasets are read in place, never copied)")
    call_command("ocr_eval", str(DEV_SET), "--limit", "2")
