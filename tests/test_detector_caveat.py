"""The bundled Haar face/people detector on drawn pictures: the full-body cascade took the trees of a
drawn house (a round crown on a trunk) for 3 people, and "what objects are in house.jpg" answered
"found 3 people" as if that were all the picture held. Boxes over a drawing's flat fills are dropped
(:func:`flat_share`), while the face of a photo, even blurred, shrunk or pasted into another photo, is
kept; an answer to no one label says the model finds only faces and people."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_vision import HaarCascadeModel, flat_share
from hugginggpt_tools.config import Settings

PORTRAIT = Path(__file__).resolve().parents[1] / "examples" / "portrait.jpg"


def _house(path: Path) -> Path:
    """A drawn house, a sun and three trees, as a first user drew it with PIL's shapes."""
    image = Image.new("RGB", (640, 480), (150, 200, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 380, 640, 480], fill=(60, 160, 60))
    draw.rectangle([220, 220, 420, 390], fill=(200, 80, 60))
    draw.polygon([(200, 220), (320, 130), (440, 220)], fill=(120, 40, 30))
    draw.rectangle([300, 310, 340, 390], fill=(90, 50, 20))
    draw.ellipse([520, 30, 600, 110], fill=(255, 220, 0))
    for x in (60, 140, 500):
        draw.rectangle([x + 15, 300, x + 35, 390], fill=(110, 70, 30))
        draw.ellipse([x - 10, 200, x + 60, 320], fill=(30, 120, 30))
    image.save(path)
    return path


def _ctx(tmp_path: Path, request: str) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), request=request,
                      task="object-detection")


@pytest.fixture(scope="module")
def detector() -> HaarCascadeModel:
    model = HaarCascadeModel(Settings(num_threads=1))
    model.load()
    return model


def test_flat_share_tells_a_drawings_fills_from_a_photos_texture() -> None:
    flat = np.full((40, 30), 120, np.uint8)
    assert flat_share(flat, [0, 0, 30, 40]) == 1.0
    noisy = np.random.default_rng(0).integers(0, 255, (40, 30)).astype(np.uint8)
    assert flat_share(noisy, [0, 0, 30, 40]) < 0.1
    assert flat_share(flat, [5, 5, 6, 6]) == 0.0  # a box too small to compare neighbours in


@pytest.mark.integration
def test_a_drawn_houses_trees_are_no_people(detector, tmp_path: Path) -> None:
    house = _house(tmp_path / "house.jpg")
    out = detector.predict({"image": str(house)}, _ctx(tmp_path, "count the people in house.jpg"))
    assert out.data == [] and out.text == "0 people found in house.jpg"
    out = detector.predict({"image": str(house)}, _ctx(tmp_path, "what objects are in house.jpg"))
    assert out.text == "no objects found; this model detects only face and person, nothing else"


@pytest.mark.integration
def test_what_objects_says_the_model_finds_only_faces_and_people(detector, tmp_path: Path) -> None:
    out = detector.predict({"image": str(PORTRAIT)}, _ctx(tmp_path, "what objects are in portrait.jpg"))
    assert out.text.startswith("found 1 face (this model detects only face and person, nothing else); boxes drawn")
    out = detector.predict({"image": str(PORTRAIT)}, _ctx(tmp_path, "count the faces in portrait.jpg"))
    assert out.text.startswith("1 face found in portrait.jpg; boxes drawn")  # a count answers in its own terms


@pytest.mark.integration
def test_photo_faces_are_kept_blurred_shrunk_or_in_a_group(detector, tmp_path: Path) -> None:
    """The portrait blurred (the softest photo measured, 0.3-0.5 flat), at half size, and three copies
    of it pasted on a textured photo-like background: every face is still found."""
    with Image.open(PORTRAIT) as opened:
        portrait = opened.convert("RGB")
    rng = np.random.default_rng(1)
    texture = (rng.normal(128, 30, (427, 640, 3)).clip(0, 255)).astype(np.uint8)
    group = Image.fromarray(texture).filter(ImageFilter.GaussianBlur(1.5))
    for x, y, scale in [(50, 80, 0.6), (300, 60, 0.7), (520, 100, 0.5)]:
        group.paste(portrait.resize((int(portrait.width * scale), int(portrait.height * scale))), (x, y))
    pictures = {"blurred.jpg": (portrait.resize((portrait.width * 2, portrait.height * 2), Image.BILINEAR)
                                .filter(ImageFilter.GaussianBlur(3)), 1),
                "small.jpg": (portrait.resize((portrait.width // 2, portrait.height // 2)), 1),
                "group.jpg": (group, 3)}
    for name, (picture, faces) in pictures.items():
        picture.save(tmp_path / name, quality=85)
        out = detector.predict({"image": str(tmp_path / name)}, _ctx(tmp_path, f"how many faces are in {name}"))
        assert sum(o["label"] == "face" for o in out.data) == faces, (name, out.text)
