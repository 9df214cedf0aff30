"""How well the bundled OCR reads printed text: RapidOCR's own call against the package's reading.

    .venv/bin/python benchmarks/ocr.py [--sizes 14,20,28] [--tilts 0,5] [--max-fonts 7]
    .venv/bin/python benchmarks/ocr.py --suite scenes [--per-category 4] [--category columns] [--rapidocr]

``--suite scenes`` reads the images of ``benchmarks/ocr_scenes.py`` (screenshots, receipts, signs,
slides, handwriting-like notes, photos of documents, columns, light text on dark, small text,
skewed scans, 4000 x 3000 photos, tiny labels, captions over photos, forms), rendered into a
temporary folder (``--keep DIR`` keeps them), and prints per category: the character error rate of
the whole text (edit distance over the written text's length, lines joined by spaces), the word
error rate (word edit distance, so words out of order count), the share of written lines read as
one line exactly (case aside), the share of consecutive written lines that come out in that order,
and the seconds per image; writes ``benchmarks/results/ocr_scenes.json``. ``--rapidocr`` adds
RapidOCR's own call for comparison.

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
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def edit_distance(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Levenshtein distance between two sequences (characters or words)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def scene_scores(truth: list[str], got: list[str]) -> dict[str, float]:
    """How ``got`` (the lines read) compares with ``truth`` (the lines written, in reading order):
    character and word edit distances of the whole text, written lines read exactly as one line,
    and consecutive written lines whose best-matching lines read come in the same order."""
    want, have = _norm(" ".join(truth)), _norm(" ".join(got))
    got_norm = [_norm(line).lower() for line in got]
    exact = sum(_norm(line).lower() in got_norm for line in truth)
    # each written line's best match among the lines read (by character similarity), if any is close
    matches: list[int | None] = []
    for line in truth:  # a line written twice matches the first line read not matched yet, if as close
        line = _norm(line).lower()
        best, where = 0.0, None
        for k, other in enumerate(got_norm):
            score = 1 - edit_distance(line, other) / max(len(line), len(other), 1) - 1e-6 * (k in matches)
            if score > best:
                best, where = score, k
        matches.append(where if best >= 0.6 else None)
    pairs = list(zip(matches, matches[1:]))
    ordered = sum(a is not None and b is not None and a < b for a, b in pairs)
    return {"chars": len(want), "char_errors": edit_distance(want, have), "words": len(want.split()),
            "word_errors": edit_distance(want.lower().split(), have.lower().split()), "lines": len(truth),
            "lines_exact": exact, "pairs": len(pairs), "pairs_ordered": ordered}


def run_scenes(args: argparse.Namespace) -> None:
    """The ``--suite scenes`` table (see the module docstring)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from ocr_scenes import generate
    from rapidocr_onnxruntime import RapidOCR

    from hugginggpt_tools.backends._ocr import merge_ocr_lines, read_lines

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    readers = {"package": lambda path: read_lines(engine, path)}
    if args.rapidocr:
        readers["rapidocr call"] = lambda path: merge_ocr_lines(engine(path)[0] or [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        records = generate(folder, args.per_category, args.seed, args.category or None)
        totals: dict[tuple[str, str], dict[str, float]] = {}
        failures = []
        for record in records:
            for name, read in readers.items():
                started = time.perf_counter()
                got = [line["text"] for line in read(str(folder / record["file"])) if line["text"]]
                seconds = time.perf_counter() - started
                scores = scene_scores(record["lines"], got)
                scores.update(seconds=seconds, images=1)
                for key in ((name, record["category"]), (name, "all")):
                    total = totals.setdefault(key, {})
                    for k, v in scores.items():
                        total[k] = total.get(k, 0) + v
                if args.verbose and (scores["char_errors"] or scores["pairs_ordered"] < scores["pairs"]):
                    failures.append(f"[{name}] {record['file']}: {record['lines']} -> {got}")
    print("\n".join(failures))
    print(f"{len(records)} images, {args.per_category} per category, seed {args.seed}")
    print(f"{'reader':14} {'category':15} {'CER':>6} {'WER':>6} {'lines exact':>11} {'in order':>8} {'s/image':>8}")
    rows = []
    for (name, category), t in totals.items():
        row = {"reader": name, "category": category, "images": t["images"],
               "cer": 100 * t["char_errors"] / max(t["chars"], 1), "wer": 100 * t["word_errors"] / max(t["words"], 1),
               "lines_exact": 100 * t["lines_exact"] / max(t["lines"], 1),
               "in_order": 100 * t["pairs_ordered"] / t["pairs"] if t["pairs"] else 100.0,
               "seconds_per_image": t["seconds"] / t["images"]}
        rows.append(row)
    rows.sort(key=lambda r: (r["reader"], r["category"] == "all"))
    for row in rows:
        print(f"{row['reader']:14} {row['category']:15} {row['cer']:5.1f}% {row['wer']:5.1f}% {row['lines_exact']:10.1f}% "
              f"{row['in_order']:7.1f}% {row['seconds_per_image']:8.2f}")
    out = ROOT / "benchmarks" / "results" / "ocr_scenes.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"per_category": args.per_category, "seed": args.seed, "rows": rows}, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("notices", "scenes"), default="notices",
                        help="notices: the rendered notices by text size; scenes: the images of benchmarks/ocr_scenes.py")
    parser.add_argument("--sizes", default="14,20,28", help="text sizes in pixels (comma-separated)")
    parser.add_argument("--tilts", default="0,5", help="rotations in degrees (comma-separated)")
    parser.add_argument("--max-fonts", type=int, default=7, help="how many fonts to render with")
    parser.add_argument("--per-category", type=int, default=4, help="scenes: images per category")
    parser.add_argument("--seed", type=int, default=0, help="scenes: the generator's seed")
    parser.add_argument("--category", action="append", help="scenes: only this category (repeatable)")
    parser.add_argument("--keep", help="scenes: render the images into this folder and keep them")
    parser.add_argument("--rapidocr", action="store_true", help="scenes: also read with RapidOCR's own call")
    parser.add_argument("--verbose", action="store_true", help="scenes: print each image read with errors")
    args = parser.parse_args()
    if args.suite == "scenes":
        run_scenes(args)
        return

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
