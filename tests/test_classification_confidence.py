"""Image classification says when none of its labels is a confident answer: a blank page was
classified "nematode (0.01), matchstick (0.01), digital clock (0.01) ..." with no caveat."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.backends.bundled_vision import LOW_CONFIDENCE, labels_text


def test_labels_are_listed_as_they_are_when_the_best_is_confident() -> None:
    labels = [{"label": "academic gown, academic robe", "score": 0.27}, {"label": "mortarboard", "score": 0.21}]
    assert labels_text(labels) == "academic gown (0.27), mortarboard (0.21)"
    assert labels_text([{"label": "menu", "score": LOW_CONFIDENCE}]) == "menu (0.10)"
    assert labels_text([]) == "no labels"


def test_no_confident_label_is_said_and_the_labels_kept_marked_low_confidence() -> None:
    labels = [{"label": "nematode, nematode worm", "score": 0.0112}, {"label": "matchstick", "score": 0.0098},
              {"label": "digital clock", "score": 0.006}]
    assert labels_text(labels) == ("no confident label (the best scores 0.01); guesses, all low confidence: "
                                   "nematode (0.01), matchstick (0.01), digital clock (0.01)")
    assert labels_text(labels, min_score=0.01).startswith("nematode (0.01)")


def test_the_bundled_classifier_says_a_blank_image_has_no_confident_label(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite_pytorch")
    from PIL import Image

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled import EfficientNetLite0Model
    from hugginggpt_tools.config import Settings

    blank = tmp_path / "blank.png"
    Image.new("RGB", (640, 480), "white").save(blank)
    settings = Settings(output_dir=str(tmp_path / "out"))
    model = EfficientNetLite0Model(settings)
    model.load()
    out = model.predict({"image": str(blank)}, RunContext(store=ArtifactStore(settings.output_dir), settings=settings))
    assert out.text.startswith("no confident label (the best scores 0.0"), out.text
    assert len(out.data) == 5 and max(d["score"] for d in out.data) < LOW_CONFIDENCE  # the labels are kept
