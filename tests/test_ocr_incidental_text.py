"""A photo whose only text is a small mark in a corner (a watermark, "(c) jo") is described by its labels,
not by the mark: the bundled OCR model then fails with a reason, so the classifier fallback runs; asked to
read the text, it still reads it. A question about a picture with no text says that no model here answers
questions about what a picture shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.backends.bundled import incidental_text
from hugginggpt_tools.errors import BackendError


def test_a_few_small_characters_are_incidental_to_a_picture() -> None:
    mark = [{"text": "(c) jo", "box": [960, 655, 1005, 672], "score": 0.55}]
    assert incidental_text(mark, (1024, 683))
    sign = [{"text": "STOP", "box": [300, 200, 700, 400], "score": 0.99}]
    assert not incidental_text(sign, (1024, 683))  # large
    receipt = [{"text": f"Item {k} 2.49", "box": [30, 30 + 48 * k, 200, 58 + 48 * k], "score": 0.9} for k in range(8)]
    assert not incidental_text(receipt, (500, 700))  # many characters


def test_the_image_size_is_asked_for_only_when_the_text_is_short() -> None:
    """OCR decoded the whole image again for its size on every run; now only short text asks for it."""
    asked = []
    receipt = [{"text": f"Item {k} 2.49", "box": [30, 30, 200, 58], "score": 0.9} for k in range(8)]
    assert not incidental_text(receipt, lambda: asked.append(1) or (500, 700))
    mark = [{"text": "(c) jo", "box": [960, 655, 1005, 672], "score": 0.55}]
    assert incidental_text(mark, lambda: asked.append(1) or (1024, 683)) and asked == [1]


def _landscape(path: Path) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1024, 683), (110, 160, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 1024, 683), fill=(50, 130, 45))
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 12)
    except OSError:
        pytest.skip("no DejaVu font")
    draw.text((960, 660), "(c) jo", fill=(255, 255, 255), font=font)
    image.save(path)
    return path


def _ctx(tmp_path: Path, request: str):
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.config import Settings

    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), request=request,
                      task="image-to-text")


@pytest.mark.integration
def test_describing_a_photo_with_a_watermark_does_not_answer_with_the_watermark(ocr, tmp_path: Path) -> None:
    image = _landscape(tmp_path / "landscape.png")
    with pytest.raises(BackendError, match=r"only a little small text in landscape\.png"):
        ocr.predict({"image": str(image)}, _ctx(tmp_path, "describe landscape.png"))
    read = ocr.predict({"image": str(image)}, _ctx(tmp_path, "read the text in landscape.png"))
    assert "jo" in read.text


@pytest.mark.integration
def test_a_question_about_a_picture_with_no_text_says_no_model_answers_it(ocr, tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "apple.png"
    Image.new("RGB", (320, 240), (200, 40, 40)).save(image)
    with pytest.raises(BackendError, match="no model here answers questions about what a picture shows"):
        ocr.predict({"image": str(image)}, _ctx(tmp_path, "what colour is the ball in apple.png?"))
