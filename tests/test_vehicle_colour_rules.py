"""Issue 21 §7: the colour estimator's rules (alpr/colour.py), each on a generated car rear
with a light plate, so a change that breaks a rule fails here, not only on the dev frames."""

import cv2
import numpy as np

from alpr.colour import MIN_CONFIDENCE, estimate_colour

BOX = (600, 420, 120, 60)


def car(body_bgr, *, plate_bgr=(245, 245, 245), glass_rows=0, lights=False, cast=(0, 0, 0)):
    """A frame with a car's rear in one paint around a plate; `glass_rows` plate-heights of
    dark rear window just above the panel; tail lights beside the plate; `cast` a colour
    cast of the whole frame (a camera's white balance), added to every pixel."""
    image = np.full((720, 1280, 3), 110, dtype=np.uint8)
    x, y, w, h = BOX
    cv2.rectangle(image, (x - 3 * w, y - 4 * h), (x + 4 * w, y + 3 * h), body_bgr, -1)
    if glass_rows:
        cv2.rectangle(image, (x - 3 * w, y - 4 * h), (x + 4 * w, y - (4 - glass_rows) * h), (25, 25, 25), -1)
    if lights:
        for lx in (x - 2 * w, x + 2 * w):
            cv2.rectangle(image, (lx, y - h), (lx + w // 2, y), (30, 30, 200), -1)
    cv2.rectangle(image, (x, y), (x + w, y + h), plate_bgr, -1)
    cv2.putText(image, "7ABC123", (x + 5, y + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    return np.clip(image.astype(int) + np.array(cast), 0, 255).astype(np.uint8)


def name(image):
    estimate = estimate_colour(image, BOX)
    return estimate.name if estimate else None


def test_each_named_paint_is_read_as_its_name():
    paints = {"white": (240, 240, 240), "black": (18, 18, 18), "grey/silver": (140, 140, 140),
              "red": (30, 30, 170), "blue": (150, 60, 20), "green": (40, 120, 30), "yellow": (20, 210, 230),
              "beige": (150, 185, 205), "brown": (30, 60, 95)}
    assert {paint: name(car(bgr)) for paint, bgr in paints.items()} == {paint: paint for paint in paints}


def test_a_white_car_in_shade_is_white_because_it_is_as_light_as_its_plate():
    # The whole frame underexposed: the white paint reads as a light grey by itself (below
    # WHITE_L), but the plate (the white reference) is as dark; the same paint beside a bright
    # plate is grey.
    shaded_white = car((168, 168, 168), plate_bgr=(168, 168, 168))
    assert name(shaded_white) == "white"
    assert name(car((168, 168, 168), plate_bgr=(250, 250, 250))) == "grey/silver"


def test_a_colour_cast_of_the_camera_is_taken_off_by_the_plate():
    # A blue-ish cast (BGR +25 blue, -10 red) makes a silver car look blue by itself; the
    # plate carries the same cast, so the estimate removes it.
    assert name(car((140, 140, 140), cast=(25, 0, -10))) == "grey/silver"


def test_a_black_car_mirroring_the_sky_is_black_by_its_plate():
    # Pixel by pixel this paint is a dark grey (L* about 34, over BLACK_L) but under 40% of
    # its bright plate's lightness: black. A mid grey (L* about 50) stays grey.
    assert name(car((80, 80, 80), plate_bgr=(245, 245, 245))) == "black"
    assert name(car((120, 120, 120), plate_bgr=(245, 245, 245))) == "grey/silver"
    # Beside a plate as dark as itself (a dim frame) it is not black.
    assert name(car((80, 80, 80), plate_bgr=(120, 120, 120))) != "black"


def test_a_white_car_clipped_by_the_sun_is_white_and_highlights_on_silver_are_not():
    assert name(car((255, 255, 255))) == "white"  # every body pixel at the sensor's limit
    silver = car((150, 150, 150))
    x, y, w, h = BOX
    for cx in (x - 2 * w, x, x + 2 * w):  # sun glints on the trunk lid
        cv2.circle(silver, (cx, y - 2 * h), h // 2, (255, 255, 255), -1)
    assert name(silver) == "grey/silver"


def test_a_champagne_grey_with_a_yellow_tint_is_beige_and_a_cool_silver_is_not():
    champagne = car((150, 166, 176))  # BGR: a faint warm tint, chroma under the colour threshold
    assert name(champagne) == "beige"
    assert name(car((165, 160, 158))) == "grey/silver"  # a faintly blue silver
    assert name(car((160, 160, 160))) == "grey/silver"


def test_tail_lights_do_not_make_a_car_red_and_glass_does_not_make_it_black():
    assert name(car((140, 140, 140), lights=True)) == "grey/silver"
    assert name(car((240, 240, 240), glass_rows=1)) == "white"
    # A black car is black, glass or not.
    assert name(car((18, 18, 18), glass_rows=1)) == "black"


def test_the_confidence_is_the_share_of_the_body_that_agrees():
    plain = estimate_colour(car((30, 30, 170)), BOX)
    with_glass = estimate_colour(car((30, 30, 170), glass_rows=2), BOX)
    assert plain.confidence > with_glass.confidence >= MIN_CONFIDENCE / 2
    assert 0 < with_glass.confidence <= plain.confidence <= 1
