"""How well the bundled OCR reads printed text: RapidOCR's own call against the package's reading.

    .venv/bin/python benchmarks/ocr.py [--sizes 14,20,28] [--tilts 0,5] [--max-fonts 7]

Renders short printed notices (four lines per image, black on white) in Pillow's built-in font and
the DejaVu and Liberation fonts found on the machine, at several text sizes and tilts, and reads
each image twice: with RapidOCR's one call (``engine(path)``, then the package's line merging) and
with the package's :func:`hugginggpt_tools.backends._ocr.read_lines` (boxes of one line merged,
small crops enlarged). Prints, per reader and text size, the share of lines read exactly (case
and spacing aside; the n-th line read against the n-th written, so a stray or split line also
fails the lines after it), the word error rate over the whole notice, and the seconds per image;
writes
``benchmarks/results/ocr.json``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]

NOTICES = [
    ["Meeting moved to Thursday 3 PM", "Room 204, bring the slides", "Lunch will be served at noon",
     "Questions? Ask Maria at the desk"],
    ["Exit via the north stairs", "Keep this door closed at all times", "Fire alarm test on Friday",
     "Do not use the lift"],
    ["Total amount due by March 14", "Order number 88231 ships on Monday", "Call us at 555 0142 for details",
     "Thank you for your purchase"],
    ["Fresh bread baked every morning", "Parking for customers only", "Please bring your badge and a photo ID",
     "Open daily from 8 to 6"],
]
FONT_NAMES = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf",
              "LiberationSans-Bold.ttf", "DejaVuSansCondensed.ttf"]


def fonts(limit: int) -> list[str | None]:
    """Pillow's built-in font (None) and the named TrueType fonts installed here, ``limit`` in all."""
    found: list[str | None] = [None]
    for name in FONT_NAMES:
        paths = glob.glob(f"/usr/share/fonts/**/{name}", recursive=True)
        if paths:
            found.append(paths[0])
    return found[:limit]


def render(lines: list[str], size: int, font: str | None, tilt: float, path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.load_default(size=size) if font is None else ImageFont.truetype(font, size)
    width = int(max(face.getlength(line) for line in lines)) + 4 * size
    image = Image.new("RGB", (width, int(size * (2 * len(lines) + 2))), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((2 * size, size * (1 + 2 * k)), line, fill="black", font=face)
    if tilt:
        image = image.rotate(tilt, expand=True, fillcolor="white", resample=Image.BICUBIC)
    image.save(path)


def _words(text: str) -> list[str]:
    return text.lower().split()


def word_errors(expected: list[str], got: list[str]) -> int:
    """Word-level edit distance between two texts' words."""
    row = list(range(len(got) + 1))
    for i, word in enumerate(expected, 1):
        prev, row[0] = row[0], i
        for j, other in enumerate(got, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (word != other))
    return row[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="14,20,28", help="text sizes in pixels (comma-separated)")
    parser.add_argument("--tilts", default="0,5", help="rotations in degrees (comma-separated)")
    parser.add_argument("--max-fonts", type=int, default=7, help="how many fonts to render with")
    args = parser.parse_args()

    from rapidocr_onnxruntime import RapidOCR

    from hugginggpt_tools.backends._ocr import merge_ocr_lines, read_lines

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    readers = {"rapidocr call": lambda path: merge_ocr_lines(engine(path)[0] or []),
               "package": lambda path: read_lines(engine, path)}
    sizes = [int(s) for s in args.sizes.split(",")]
    tilts = [float(t) for t in args.tilts.split(",")]
    faces = fonts(args.max_fonts)
    stats = {(name, size): {"lines": 0, "exact": 0, "words": 0, "errors": 0, "seconds": 0.0, "images": 0}
             for name in readers for size in sizes}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            for font in faces:
                for tilt in tilts:
                    for k, notice in enumerate(NOTICES):
                        path = Path(tmp) / f"{size}-{k}.png"
                        render(notice, size, font, tilt, path)
                        for name, read in readers.items():
                            started = time.perf_counter()
                            lines = [line["text"] for line in read(str(path)) if line["text"]]
                            s = stats[(name, size)]
                            s["seconds"] += time.perf_counter() - started
                            s["images"] += 1
                            s["lines"] += len(notice)
                            s["exact"] += sum(_words(a) == _words(b) for a, b in zip(notice, lines))
                            s["words"] += sum(len(_words(line)) for line in notice)
                            s["errors"] += word_errors(_words(" ".join(notice)), _words(" ".join(lines)))
    print(f"{len(faces)} font(s), sizes {sizes} px, tilts {tilts} degrees, {len(NOTICES)} notices of 4 lines")
    print(f"{'reader':14} {'size':>5} {'lines exact':>12} {'word error':>11} {'s/image':>8}")
    rows = []
    for (name, size), s in stats.items():
        row = {"reader": name, "size": size, "lines_exact": 100 * s["exact"] / s["lines"],
               "word_error_rate": 100 * s["errors"] / s["words"], "seconds_per_image": s["seconds"] / s["images"]}
        rows.append(row)
        print(f"{name:14} {size:5d} {row['lines_exact']:11.1f}% {row['word_error_rate']:10.1f}% "
              f"{row['seconds_per_image']:8.2f}")
    for name in readers:
        mine = [stats[(name, size)] for size in sizes]
        exact = 100 * sum(s["exact"] for s in mine) / sum(s["lines"] for s in mine)
        wer = 100 * sum(s["errors"] for s in mine) / sum(s["words"] for s in mine)
        print(f"{name:14} {'all':>5} {exact:11.1f}% {wer:10.1f}%")
    out = ROOT / "benchmarks" / "results" / "ocr.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"fonts": [f or "Pillow default" for f in faces], "tilts": tilts, "rows": rows},
                              indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
