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
