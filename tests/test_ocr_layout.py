"""OCR reading order and line grouping on layouts users give it: columns, skewed scans, receipts,
forms, long lines (``backends/_ocr.py``; measured by ``benchmarks/ocr.py --suite scenes``)."""

from __future__ import annotations

import glob
import math
from pathlib import Path

import pytest

from hugginggpt_tools.backends._ocr import line_groups, merge_ocr_lines, pieces


def _box(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def _turned(box: list[list[float]], degrees: float) -> list[list[float]]:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [[x * c - y * s, x * s + y * c] for x, y in box]


def _texts(fragments: list) -> list[str]:
    return [line["text"] for line in merge_ocr_lines(fragments)]


def test_two_columns_are_read_one_after_the_other() -> None:
    """Rows of two columns at the same heights were joined across the gutter ("... Parking The new ...")."""
    left = ["The garden is closed for repairs", "until April. Parking is free", "after six in the evening."]
    right = ["The new bridge will carry four", "lanes of traffic. Please keep", "your voice down in the room."]
    fragments = [(_box(60, 20, 700, 60), "Keep your ticket until the end", 0.9)]
    for k, (a, b) in enumerate(zip(left, right)):
        y = 100 + 36 * k
        fragments += [(_box(60, y, 420, y + 26), a, 0.9), (_box(450, y, 810, y + 26), b, 0.9)]
    assert _texts(fragments) == ["Keep your ticket until the end", *left, *right]


def test_a_receipts_items_and_prices_and_a_forms_labels_and_values_stay_on_their_rows() -> None:
    rows = [("Coffee", "3.50"), ("Soup of the day", "8.25"), ("Hot chocolate", "4.00"), ("TOTAL", "15.75")]
    fragments = []
    for k, (item, price) in enumerate(rows):
        y = 40 + 30 * k
        fragments += [(_box(20, y, 20 + 11 * len(item), y + 20), item, 0.9), (_box(330, y, 372, y + 20), price, 0.9)]
    assert _texts(fragments) == [f"{a} {b}" for a, b in rows]


def test_lines_of_a_skewed_page_stay_apart_and_in_order() -> None:
    """Turned 8 degrees, 800 px lines 30 px apart overlap on the page's axes: they were taken for one line."""
    lines = ["Please keep your voice down", "The concert starts at eight", "The museum offers free entry"]
    fragments = [(_turned(_box(40, 40 + 30 * k, 840, 62 + 30 * k), 8), text, 0.9) for k, text in enumerate(lines)]
    assert _texts(list(reversed(fragments))) == lines
    box = merge_ocr_lines(fragments[:1])[0]["box"]  # boxes stay in the page's own coordinates
    assert box[0] < 40 and box[3] > 62 + 40 * math.sin(math.radians(8))


def test_runs_of_spaces_read_are_made_one() -> None:
    assert _texts([(_box(0, 0, 300, 30), "Window   Tools  Edit", 0.9)]) == ["Window Tools Edit"]


def test_boxes_a_column_gutter_apart_are_not_merged_into_one_crop() -> None:
    """A 30 px gutter between 24 px high boxes (1.25 heights) is not a word gap."""
    assert sorted(line_groups([_box(60, 100, 420, 124), _box(450, 100, 810, 124)])) == [[0], [1]]
    assert sorted(line_groups([_box(60, 100, 420, 124), _box(430, 100, 810, 124)])) == [[0, 1]]


def _font(size: int):
    from PIL import ImageFont

    paths = glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    return ImageFont.truetype(paths[0], size) if paths else ImageFont.load_default(size=size)


def test_a_long_line_is_cut_at_word_gaps() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    text = "Mix the flour and sugar before adding the eggs. The train to Boston leaves from platform three."
    face = _font(20)
    image = Image.new("RGB", (int(face.getlength(text)) + 20, 30), "white")
    ImageDraw.Draw(image).text((10, 3), text, fill="black", font=face)
    crop = np.asarray(image)[:, :, ::-1].copy()
    parts = pieces(crop)
    assert len(parts) > 1 and sum(p.shape[1] for p in parts) == crop.shape[1]
    assert all(p.shape[1] <= 10 * 30 for p in parts)
    x = 0
    for part in parts[:-1]:  # each cut falls in a blank column between words
        x += part.shape[1]
        assert crop[6:24, x - 2:x + 2].min() > 200
    small = crop[::3, ::3]  # 10 px high: read whole
    assert len(pieces(small)) == 1


@pytest.fixture(scope="module")
def engine():
    rapidocr = pytest.importorskip("rapidocr_onnxruntime")
    return rapidocr.RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


@pytest.mark.integration
def test_ocr_reads_a_two_column_page_column_by_column(engine, tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    from hugginggpt_tools.backends._ocr import read_lines

    left = ["Heavy rain is expected along the", "coast tonight. Fresh fruit arrives", "from local farms each morning."]
    right = ["The concert starts at eight and", "ends at ten. The report shows", "sales grew by twelve percent."]
    face = _font(18)
    image = Image.new("RGB", (60 + 330 + 36 + 330 + 60, 200), "white")
    draw = ImageDraw.Draw(image)
    for k, (a, b) in enumerate(zip(left, right)):
        draw.text((60, 40 + 27 * k), a, fill="black", font=face)
        draw.text((60 + 330 + 36, 40 + 27 * k), b, fill="black", font=face)
    image.save(tmp_path / "columns.png")
    assert [line["text"] for line in read_lines(engine, str(tmp_path / "columns.png"))] == [*left, *right]


@pytest.mark.integration
def test_ocr_reads_a_long_line_of_small_print_in_pieces(engine, tmp_path: Path) -> None:
    """A 950 px line of 15 px text, read whole, lost letters ("arives"); in a screenshot the direction
    classifier, seeing such a line squeezed to 192 x 48, took it for upside down ("pooy buedad ...")."""
    from PIL import Image, ImageDraw

    from hugginggpt_tools.backends._ocr import read_lines

    text = ("Fresh fruit arrives from local farms each morning. The weather was cold but the sky stayed "
            "clear. Wash your hands before preparing food.")
    face = _font(15)
    image = Image.new("RGB", (int(face.getlength(text)) + 80, 60), "#eef1f5")
    ImageDraw.Draw(image).text((40, 20), text, fill="#333333", font=face)
    image.save(tmp_path / "long.png")
    lines = read_lines(engine, str(tmp_path / "long.png"))
    assert len(lines) == 1
    got, want = lines[0]["text"].split(), text.split()
    assert got[:3] == want[:3] and sum(a == b for a, b in zip(got, want)) >= len(want) - 2



@pytest.mark.integration
def test_each_line_is_cut_into_pieces_once(engine, tmp_path: Path, monkeypatch) -> None:
    """The direction classifier and the recogniser see the same pieces of a line: it was cut twice,
    once for each (the same work again, a blank-column scan per crop)."""
    from PIL import Image, ImageDraw

    from hugginggpt_tools.backends import _ocr

    lines = ["Fresh fruit arrives from local farms each morning and the market opens at eight.",
             "Wash your hands before preparing food and keep raw meat away from salads."]
    face = _font(20)
    image = Image.new("RGB", (max(int(face.getlength(line)) for line in lines) + 80, 120), "white")
    for k, line in enumerate(lines):
        ImageDraw.Draw(image).text((40, 25 + 40 * k), line, fill="black", font=face)
    image.save(tmp_path / "two.png")
    cut = []
    monkeypatch.setattr(_ocr, "pieces", lambda crop, *args: cut.append(crop) or pieces(crop, *args))
    read = [line["text"] for line in _ocr.read_lines(engine, str(tmp_path / "two.png"))]
    assert read == lines
    assert cut and len({id(crop) for crop in cut}) == len(cut)  # no crop cut twice

def _dejavu(size: int):
    from PIL import ImageFont

    paths = glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    if not paths:
        pytest.skip("DejaVu Sans is not installed")
    return ImageFont.truetype(paths[0], size)


def _line_crop(text: str, face, height: int):
    import numpy as np
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (int(face.getlength(text)) + 20, height), "white")
    ImageDraw.Draw(image).text((10, round(height * 0.15)), text, fill="black", font=face)
    return np.asarray(image)[:, :, ::-1].copy()


def test_a_long_word_is_not_cut_between_its_letters() -> None:
    """A word 11.5 heights long was cut at a 3 px gap between two letters ("Supercalifragilis|ticexpialidocious")."""
    face = _dejavu(20)
    assert len(pieces(_line_crop("Supercalifragilisticexpialidocious", face, 30))) == 1
    crop = _line_crop("internationalization and telecommunications", face, 30)
    parts = pieces(crop)
    assert len(parts) == 2  # cut at the word gap after the long word, nowhere inside it
    x = parts[0].shape[1]
    assert 10 + face.getlength("internationalization") <= x <= 10 + face.getlength("internationalization ")


def _steps(text: str, face, pad: float = 0.25, height: int = 30) -> list[float]:
    """Where the recogniser reads each character of ``text`` drawn by :func:`_line_crop`: the middle of
    its cell, in time steps (a sixth of the padded crop's height), less the lag of :data:`CTC_LAG`."""
    from hugginggpt_tools.backends._ocr import CTC_LAG

    margin = round(pad * height)
    step = (height + 2 * margin) / 6
    return [(10 + (face.getlength(text[:k]) + face.getlength(text[:k + 1])) / 2 + margin) / step - CTC_LAG
            for k in range(len(text))]


def test_word_gaps_the_recogniser_read_through_are_put_back() -> None:
    """On blurred photos of documents the recogniser read "Keep your ticketuntiltheend": the gaps are
    plain in the crop, and where it read each character says between which two they fall."""
    from hugginggpt_tools.backends._ocr import respaced

    face = _dejavu(20)
    text = "Keep your ticket until the end, INV 4711 (paid)."
    crop = _line_crop(text, face, 30)
    steps = _steps(text, face)
    assert respaced([crop], [(text, 0.9, steps)]) == [text]  # read right: left as it is
    kept = (4, 9, text.index(", ") + 1)  # the spaces after "Keep", "your" and "end," were read
    run_on = [k for k, ch in enumerate(text) if ch != " " or k in kept]
    read = "".join(text[k] for k in run_on)
    assert read == "Keep your ticketuntiltheend, INV4711(paid)."
    assert respaced([crop], [(read, 0.9, [steps[k] for k in run_on])]) == [text]
    assert respaced([crop], [(read, 0.9, None)]) == [read]  # a recogniser that does not say where


def _document_photo(path: Path, lines: list[str], font: str, size: int) -> None:
    """``lines`` on a page turned 1.5 degrees, lit unevenly, blurred and saved as a JPEG of quality 50."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    found = glob.glob(f"/usr/share/fonts/**/{font}", recursive=True)
    if not found:
        pytest.skip(f"{font} is not installed")
    face = ImageFont.truetype(found[0], size)
    page = Image.new("RGB", (int(max(face.getlength(line) for line in lines)) + 2 * size,
                             int(size * 1.6 * (len(lines) + 1))), "#f7f5ef")
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(lines):
        draw.text((size, size * (0.6 + 1.6 * k)), line, fill="#1b1b1b", font=face)
    page = page.rotate(1.5, expand=True, fillcolor="#6d5c4a", resample=Image.BICUBIC)
    light = np.linspace(0.6, 1.0, page.width, dtype=np.float32)[None, :, None]
    page = Image.fromarray(np.clip(np.asarray(page, np.float32) * light, 0, 255).astype(np.uint8))
    page.filter(ImageFilter.GaussianBlur(1.0)).save(path, "JPEG", quality=50)


@pytest.mark.integration
def test_ocr_keeps_the_word_gaps_of_a_blurred_photo_of_a_document(engine, tmp_path: Path) -> None:
    """Read "Keep your ticket untilthe end ...", "... forrepairs ...", "Parking isfree after sixin ..."."""
    from hugginggpt_tools.backends._ocr import read_lines

    lines = ["Keep your ticket until the end of the journey.", "The garden is closed for repairs until April.",
             "Water the plants twice a week in summer.", "Parking is free after six in the evening."]
    _document_photo(tmp_path / "page.jpg", lines, "LiberationSans-Regular.ttf", 20)
    assert [line["text"] for line in read_lines(engine, str(tmp_path / "page.jpg"))] == lines


@pytest.mark.integration
@pytest.mark.parametrize("lines", [
    ["Fresh bread baked every morning", "Parking for customers only", "Please bring your badge and a photo ID",
     "Open daily from 8 to 6"],
    ["Total amount due by March 14", "Order number 88231 ships on Monday", "Call us at 555 0142 for details",
     "Thank you for your purchase"],
])
def test_ocr_keeps_the_word_gaps_of_printed_notices(engine, tmp_path: Path, lines: list[str]) -> None:
    """In Pillow's own font (28 and 14 px) the recogniser ran "to 6" and "0142 for" together."""
    from PIL import Image, ImageDraw, ImageFont

    from hugginggpt_tools.backends._ocr import read_lines

    size = 28 if "Open daily from 8 to 6" in lines else 14
    face = ImageFont.load_default(size=size)
    image = Image.new("RGB", (int(max(face.getlength(line) for line in lines)) + 4 * size, size * 10), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((2 * size, size * (1 + 2 * k)), line, fill="black", font=face)
    image.save(tmp_path / "notice.png")
    assert [line["text"] for line in read_lines(engine, str(tmp_path / "notice.png"))] == lines


def test_paragraphs_and_columns_are_set_apart_by_a_blank_line() -> None:
    """Lines were joined with one newline only: a summary or a translation downstream saw no paragraphs."""
    from hugginggpt_tools.backends._ocr import ocr_text

    fragments = [(_box(60, 20, 500, 60), "Notes from the meeting", 0.9)]  # a heading, twice as tall
    first = ["The garden is closed for repairs", "until April. Parking is free", "after six in the evening."]
    second = ["The new bridge will carry four", "lanes of traffic."]
    y = 90
    for k, text in enumerate(first):
        fragments.append((_box(60, y + 30 * k, 460, y + 30 * k + 20), text, 0.9))
    y += 30 * len(first) + 25  # a blank of 35 px between paragraphs, of 10 px between lines
    for k, text in enumerate(second):
        fragments.append((_box(60, y + 30 * k, 460, y + 30 * k + 20), text, 0.9))
    left = ["Heavy rain is expected along", "the coast tonight."]
    right = ["The concert starts at eight", "and ends at ten."]
    y += 30 * len(second) + 40
    for k, (a, b) in enumerate(zip(left, right)):
        fragments += [(_box(60, y + 30 * k, 400, y + 30 * k + 20), a, 0.9),
                      (_box(440, y + 30 * k, 780, y + 30 * k + 20), b, 0.9)]
    lines = merge_ocr_lines(fragments)
    assert ocr_text(lines) == "\n\n".join("\n".join(block) for block in
                                          [["Notes from the meeting"], first, second, left, right])
    assert [line["paragraph"] for line in lines] == [0, 1, 1, 1, 2, 2, 3, 3, 4, 4]
    evenly = merge_ocr_lines([(_box(60, 40 * k, 460, 40 * k + 20), text, 0.9) for k, text in enumerate(first)])
    assert ocr_text(evenly) == "\n".join(first)
