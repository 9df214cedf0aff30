"""The bundled OCR does not make up text on a photo with no writing: a drawn house (triangle roof, brown
wall, door) was read "合", one glyph covering the whole house, and "describe scene.jpg" answered with it.
A reading whose crop shows no stroke, only solid areas, is dropped, and so is a lone CJK character read
with a low score; a big "7" or "STOP" on a sign is still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.backends._ocr_glyphs import has_strokes, solid_shape, stray_glyphs
from hugginggpt_tools.errors import BackendError


def _ground(width: int, height: int, seed: int = 0):
    """A sky-to-grass gradient with +-10 noise, as a PIL image."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, height)[:, None, None]
    pixels = (np.array([135, 206, 235]) * (1 - t) + np.array([34, 139, 34]) * t) * np.ones((height, width, 3))
    return Image.fromarray(np.clip(pixels + rng.integers(-10, 11, pixels.shape), 0, 255).astype(np.uint8))


def _house(image, dx: int = 0, dy: int = 0) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    draw.rectangle((150 + dx, 180 + dy, 330 + dx, 330 + dy), fill=(139, 69, 19))
    draw.polygon([(140 + dx, 180 + dy), (240 + dx, 100 + dy), (340 + dx, 180 + dy)], fill=(120, 30, 30))
    draw.rectangle((220 + dx, 260 + dy, 260 + dx, 330 + dy), fill=(80, 40, 10))


def _bgr(image):
    import numpy as np

    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1])


def test_a_solid_shape_has_no_strokes_and_a_drawn_character_has() -> None:
    pytest.importorskip("cv2")
    from PIL import ImageDraw

    house = _ground(230, 263)
    _house(house, dx=-125, dy=-90)  # the crop the detector cut around the house
    assert not has_strokes(_bgr(house)) and solid_shape(_bgr(house), "合")
    seven = _ground(290, 290)
    ImageDraw.Draw(seven).rectangle((30, 30, 260, 260), fill="white")
    ImageDraw.Draw(seven).line([(70, 60), (220, 60), (120, 240)], fill="black", width=40)  # a bold 7's strokes
    assert has_strokes(_bgr(seven)) and not solid_shape(_bgr(seven), "7")
    ball = _ground(90, 44)
    ImageDraw.Draw(ball).ellipse((-2, -2, 92, 46), fill=(250, 220, 0))  # read "O", filling its box
    assert solid_shape(_bgr(ball), "O")


def test_only_short_readings_of_large_enough_crops_are_measured() -> None:
    pytest.importorskip("cv2")
    house = _ground(230, 263)
    _house(house, dx=-125, dy=-90)
    assert not solid_shape(_bgr(house), "a whole sentence")  # long text: not a made-up glyph
    assert not solid_shape(_bgr(house.resize((20, 20))), "合")  # small print is not measured
    assert not solid_shape(_bgr(house), " ")  # nothing read


def test_a_lone_cjk_character_read_with_a_low_score_is_stray() -> None:
    assert stray_glyphs([("口", 0.70)]) == [True]  # a screen's bezel
    assert stray_glyphs([("福", 0.998)]) == [False]  # a real one, read surely
    assert stray_glyphs([("X", 0.61)]) == [False]  # a big X on a sign reads this low
    assert stray_glyphs([("口", 0.70), ("出口", 0.99)]) == [False, False]  # other CJK text on the image
    assert stray_glyphs([("合", 0.6), ("OPEN", 0.98)]) == [True, False]  # a stray next to Latin text


def _ctx(tmp_path: Path, request: str):
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.config import Settings

    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), request=request,
                      task="image-to-text")


def _scene(path: Path) -> Path:
    """The tester's photo: a sun and a house with a roof and a door on a sky-to-grass gradient."""
    from PIL import ImageDraw

    image = _ground(640, 480)
    ImageDraw.Draw(image).ellipse((480, 40, 560, 120), fill=(255, 220, 0))
    _house(image)
    image.save(path, quality=90)
    return path


@pytest.mark.integration
def test_a_drawn_house_is_not_read_as_a_character(ocr, tmp_path: Path) -> None:
    image = _scene(tmp_path / "scene.jpg")
    with pytest.raises(BackendError, match=r"found no text in scene\.jpg: this model reads printed text"):
        ocr.predict({"image": str(image)}, _ctx(tmp_path, "describe scene.jpg"))
    with pytest.raises(BackendError, match=r"found no text in scene\.jpg; if it does show text"):
        ocr.predict({"image": str(image)}, _ctx(tmp_path, "read the text in scene.jpg aloud"))


@pytest.mark.integration
def test_a_big_number_or_word_on_a_sign_is_still_read(ocr, tmp_path: Path) -> None:
    from PIL import ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 220)
    except OSError:
        pytest.skip("no DejaVu font")
    for text, size in (("7", 220), ("STOP", 120)):
        image = _ground(640, 480, seed=1)
        draw = ImageDraw.Draw(image)
        face = font.font_variant(size=size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
        draw.rectangle((60, 60, 60 + right - left + 60, 60 + bottom - top + 60), fill=(200, 20, 20))
        draw.text((90 - left, 90 - top), text, font=face, fill="white")
        path = tmp_path / f"sign-{text}.jpg"
        image.save(path, quality=90)
        assert ocr.predict({"image": str(path)}, _ctx(tmp_path, f"describe {path.name}")).text == text
