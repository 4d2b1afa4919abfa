"""Test-time views of a crop (ingest/ocr/recognise.augment): the same size as the crop, so
the recogniser's per-column probabilities of the views can be averaged."""

import numpy as np
import pytest

from ingest.ocr.recognise import augment


@pytest.mark.parametrize("name", ["blur", "sharpen", "gamma0.8", "gamma1.25", "zoom1.05", "zoom0.95", "shift2"])
def test_a_view_keeps_the_crops_size_and_type(name):
    gray = (np.arange(96 * 300) % 251).astype(np.uint8).reshape(96, 300)
    view = augment(gray, name)
    assert view.shape == gray.shape and view.dtype == np.uint8


def test_an_unknown_view_is_refused():
    with pytest.raises(ValueError):
        augment(np.zeros((10, 10), np.uint8), "rotate5")
