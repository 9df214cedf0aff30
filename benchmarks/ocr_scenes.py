"""Images like the ones users give an OCR, rendered with Pillow, each with the text it shows.

    .venv/bin/python benchmarks/ocr_scenes.py OUT_DIR [--per-category 4] [--seed 0]

Writes ``OUT_DIR/<category>-<n>.<png|jpg>`` and ``OUT_DIR/truth.jsonl`` (one line per image:
``{"file", "category", "lines"}``, the lines in reading order: a page's columns one after the
other, a receipt's item and price on one line). Everything is drawn from a seeded random
generator, so the same arguments give the same images. ``benchmarks/ocr.py --suite scenes``
renders them into a temporary folder and reads them.

Categories: screenshot, receipt, sign, slide, handwriting (oblique fonts, words jittered, on
ruled paper), document photo (a page slightly turned, unevenly lit, blurred, JPEG), columns (two
or three columns of wrapped paragraphs under a title), dark (light text on dark grounds), small
(text 9 to 12 px high), skewed (turned 2 to 12 degrees), big photo (4000 x 3000, text on a sign in
a photo-like scene), tiny (a label or button under 240 px wide), caption (a line of text over a
photo), form (labels and values far apart on one line, widely spaced words).
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

SENTENCES = [
    "The library opens at nine on weekdays", "Please return all books before the end of the month",
    "Our team will visit the factory next Tuesday", "The weather was cold but the sky stayed clear",
    "Every order ships within two business days", "Keep your ticket until the end of the journey",
    "The museum offers free entry on the first Sunday", "Water the plants twice a week in summer",
    "Backups run every night at two in the morning", "The new bridge will carry four lanes of traffic",
    "Students must register for exams by Friday", "The council approved the budget after a long debate",
    "Fresh fruit arrives from local farms each morning", "Turn off the lights when you leave the room",
    "The report shows sales grew by twelve percent", "Visitors should sign in at the front desk",
    "Heavy rain is expected along the coast tonight", "The concert starts at eight and ends at ten",
    "Wash your hands before preparing food", "The software update fixes several security issues",
    "Parking is free after six in the evening", "The committee meets on the last Thursday of each month",
    "Children under five travel for free", "The train to Boston leaves from platform three",
    "Please keep your voice down in the reading room", "The garden is closed for repairs until April",
    "Our support line is open every day of the week", "The package was delivered to the wrong address",
    "Mix the flour and sugar before adding the eggs", "The old mill was turned into a small museum",
]
WORDS = ("market river window garden station morning yellow quiet number letter teacher winter "
         "harbour coffee village silver orange pencil planet bridge forest summer travel doctor").split()
ITEMS = ["Coffee", "Bagel", "Orange juice", "Croissant", "Green tea", "Muffin", "Sandwich", "Water",
         "Salad bowl", "Cookie", "Soup of the day", "Cheese plate", "Apple pie", "Hot chocolate"]
SIGNS = [["NO PARKING", "Tow away zone"], ["OPEN", "Mon to Fri 9 to 5"], ["EXIT"], ["SALE", "Up to 50% off"],
         ["Fresh Coffee", "Free Wifi"], ["STOP"], ["Platform 4", "Trains to Leeds"], ["Keep Out", "Private property"],
         ["Welcome", "Please wipe your feet"], ["Caution", "Wet floor"]]
LABELS = ["Submit", "Cancel", "Sign in", "Next page", "Download", "Settings", "Log out", "Search", "Add to cart"]
FORM_FIELDS = [("Name:", "John Smith"), ("Date:", "12 March 2024"), ("Invoice:", "INV 4711"),
               ("Amount:", "245.00 EUR"), ("Phone:", "555 0142"), ("City:", "Springfield"),
               ("Status:", "Paid"), ("Account:", "DE12 3456"), ("Due:", "30 days")]

FONT_FILES = {
    "regular": ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "DejaVuSerif.ttf", "LiberationSerif-Regular.ttf",
                "DejaVuSansCondensed.ttf", "LiberationSansNarrow-Regular.ttf"],
    "bold": ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf"],
    "mono": ["DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "DejaVuSansMono-Bold.ttf"],
    "italic": ["DejaVuSans-Oblique.ttf", "LiberationSans-Italic.ttf", "DejaVuSerif-Italic.ttf",
               "LiberationSerif-Italic.ttf", "DejaVuSansCondensed-Oblique.ttf"],
}


def _font_paths() -> dict[str, list[str | None]]:
    """The font files of each kind found on this machine (None: Pillow's own font)."""
    found: dict[str, list[str | None]] = {}
    for kind, names in FONT_FILES.items():
        paths: list[str | None] = []
        for name in names:
            hits = glob.glob(f"/usr/share/fonts/**/{name}", recursive=True)
            if hits:
                paths.append(sorted(hits)[0])
        found[kind] = paths or [None]
    found["regular"] = found["regular"] + [None]  # Pillow's own font, a sans
    return found


FONTS = _font_paths()


def font(rng: random.Random, kind: str, size: int) -> Any:
    from PIL import ImageFont

    path = rng.choice(FONTS[kind])
    return ImageFont.load_default(size=size) if path is None else ImageFont.truetype(path, size)


def sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES)


def paragraph(rng: random.Random, sentences: int) -> str:
    return ". ".join(rng.sample(SENTENCES, sentences)) + "."


def wrap(text: str, face: Any, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels in ``face``."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def photo(rng: random.Random, width: int, height: int, dark: bool = False) -> Any:
    """A photo-like ground: smooth colour blobs and a gradient, with sensor noise."""
    import numpy as np
    from PIL import Image

    gen = np.random.default_rng(rng.randrange(2**32))
    small = gen.uniform(0, 255, (6, 8, 3)).astype(np.uint8)
    base = np.asarray(Image.fromarray(small).resize((width, height), Image.BICUBIC), dtype=np.float32)
    ramp = np.linspace(0.6, 1.1, height, dtype=np.float32)[:, None, None]
    base = base * ramp * (0.45 if dark else 1.0)
    base += gen.normal(0, 6, (height, width, 1)).astype(np.float32)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def jpeg(image: Any, quality: int) -> Any:
    from PIL import Image

    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def draw_block(draw: Any, x: float, y: float, lines: list[str], face: Any, fill: Any, leading: float,
               align: str = "left", width: float = 0) -> float:
    """Draws ``lines`` from (x, y), ``leading`` times the font size apart; returns the y below them."""
    size = face.size
    for line in lines:
        dx = 0.0
        if align == "center":
            dx = (width - face.getlength(line)) / 2
        elif align == "right":
            dx = width - face.getlength(line)
        draw.text((x + dx, y), line, fill=fill, font=face)
        y += leading * size
    return y


# ----------------------------------------------------------------------------- the categories


def screenshot(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    width, height = rng.choice([(1280, 800), (1024, 700), (900, 640)])
    image = Image.new("RGB", (width, height), rng.choice(["#f3f3f3", "#ffffff", "#eef1f5"]))
    draw = ImageDraw.Draw(image)
    body = rng.randint(15, 19)
    title = f"{rng.choice(WORDS).title()} {rng.choice(['Settings', 'Report', 'Notes', 'Inbox'])}"
    draw.rectangle((0, 0, width, 2.2 * body), fill=rng.choice(["#2b2b2b", "#1f3a5f", "#444444"]))
    draw.text((12, 0.5 * body), title, fill="white", font=font(rng, "regular", body))
    menu = rng.sample(["File", "Edit", "View", "Insert", "Tools", "Help", "Window"], 5)
    x = 14
    face = font(rng, "regular", body)
    for item in menu:
        draw.text((x, 2.8 * body), item, fill="#222222", font=face)
        x += face.getlength(item) + rng.randint(20, 36)
    head = font(rng, "bold", int(body * 1.6))
    heading = sentence(rng)
    draw.text((40, 5.5 * body), heading, fill="#111111", font=head)
    text_face = font(rng, "regular", body)
    lines = wrap(paragraph(rng, 3), text_face, width * rng.uniform(0.55, 0.85))
    y = draw_block(draw, 40, 9 * body, lines, text_face, "#333333", 1.6)
    buttons = rng.sample(LABELS, 2)
    bx = 40
    for label in buttons:
        w = text_face.getlength(label) + 2 * body
        draw.rounded_rectangle((bx, y + body, bx + w, y + 3 * body), 6, fill=rng.choice(["#0b64d8", "#2e7d32"]))
        draw.text((bx + body, y + 1.4 * body), label, fill="white", font=text_face)
        bx += w + body
    return image, [title, " ".join(menu), heading, *lines, " ".join(buttons)]


def receipt(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw, ImageFilter

    size = rng.randint(15, 20)
    face = font(rng, rng.choice(["mono", "regular"]), size)
    width = rng.randint(360, 460)
    items = rng.sample(ITEMS, rng.randint(4, 7))
    prices = [f"{rng.randint(1, 14)}.{rng.choice(['00', '50', '25', '95', '80'])}" for _ in items]
    total = f"{sum(float(p) for p in prices):.2f}"
    shop = f"{rng.choice(WORDS).upper()} CAFE"
    rows = [(shop, ""), (f"Receipt {rng.randint(1000, 9999)}", ""), *zip(items, prices), ("TOTAL", total),
            ("Thank you", "")]
    height = int(size * 1.8 * (len(rows) + 3))
    image = Image.new("RGB", (width, height), rng.choice(["#fbfaf5", "#ffffff", "#f4f1e8"]))
    draw = ImageDraw.Draw(image)
    y = 1.5 * size
    margin = rng.randint(16, 30)
    for left, right in rows:
        if not right:
            draw.text(((width - face.getlength(left)) / 2, y), left, fill="#222222", font=face)
        else:
            draw.text((margin, y), left, fill="#222222", font=face)
            draw.text((width - margin - face.getlength(right), y), right, fill="#222222", font=face)
        y += 1.8 * size
    image = image.rotate(rng.uniform(-2, 2), expand=True, fillcolor="#9a9a9a", resample=Image.BICUBIC)
    image = jpeg(image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7))), rng.randint(60, 85))
    return image, [f"{a} {b}".strip() for a, b in rows]


def sign(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    lines = rng.choice(SIGNS)
    ground, ink = rng.choice([("#c62828", "white"), ("#1565c0", "white"), ("#f9a825", "black"),
                              ("#2e7d32", "white"), ("white", "#b71c1c")])
    big = rng.randint(70, 120)
    faces = [font(rng, "bold", big)] + [font(rng, "bold", int(big * 0.45))] * (len(lines) - 1)
    width = int(max(f.getlength(t) for f, t in zip(faces, lines)) + 2 * big)
    height = int(sum(f.size * 1.4 for f in faces) + big)
    image = Image.new("RGB", (width, height), ground)
    draw = ImageDraw.Draw(image)
    y = big / 2
    for face, text in zip(faces, lines):
        draw.text(((width - face.getlength(text)) / 2, y), text, fill=ink, font=face)
        y += face.size * 1.4
    scene = photo(rng, width + 300, height + 260)
    scene.paste(image, (150, 130))
    return jpeg(scene.rotate(rng.uniform(-4, 4), resample=Image.BICUBIC), rng.randint(70, 90)), list(lines)


def slide(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1280, 720), rng.choice(["white", "#fdf6e3", "#eaf2fb"]))
    draw = ImageDraw.Draw(image)
    title = rng.choice(["Quarterly results", "Project timeline", "Next steps", "Lessons learned", "Our goals"])
    draw.text((80, 60), title, fill="#1a237e", font=font(rng, "bold", rng.randint(44, 56)))
    face = font(rng, "regular", rng.randint(26, 32))
    bullets = rng.sample(SENTENCES, 4)
    bullets = [" ".join(b.split()[:6]) for b in bullets]
    y = 190.0
    for text in bullets:
        draw.ellipse((88, y + face.size * 0.35, 100, y + face.size * 0.35 + 12), fill="#1a237e")
        draw.text((120, y), text, fill="#222222", font=face)
        y += face.size * 2.0
    return image, [title, *bullets]


def handwriting(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    size = rng.randint(26, 36)
    width = rng.randint(900, 1100)
    lines = [" ".join(sentence(rng).split()[:6]) for _ in range(4)]
    height = int(size * 2.2 * (len(lines) + 1))
    image = Image.new("RGB", (width, height), "#fffef5")
    draw = ImageDraw.Draw(image)
    for k in range(1, len(lines) + 2):
        y = k * size * 2.2 - size * 0.35
        draw.line((0, y, width, y), fill="#b3cde0", width=1)
    ink = rng.choice([(20, 40, 150), (30, 30, 30), (10, 60, 120)])
    for k, line in enumerate(lines):
        x = 40 + rng.uniform(0, 20)
        base = (k + 1) * size * 2.2 - size * 1.3
        for word in line.split():
            face = font(rng, "italic", size + rng.randint(-2, 2))
            w = int(face.getlength(word)) + 8
            patch = Image.new("RGBA", (w, int(size * 1.6)), (0, 0, 0, 0))
            ImageDraw.Draw(patch).text((4, 2), word, fill=(*ink, 255), font=face)
            patch = patch.rotate(rng.uniform(-4, 4), expand=True, resample=Image.BICUBIC)
            image.paste(patch, (int(x), int(base + rng.uniform(-3, 3))), patch)
            x += w + face.getlength(" ") * rng.uniform(0.8, 1.6)
    return jpeg(image, rng.randint(70, 90)), lines


def document_photo(rng: random.Random) -> tuple[Any, list[str]]:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    size = rng.randint(20, 26)
    face = font(rng, "regular", size)
    page_w = rng.randint(1000, 1200)
    lines = wrap(paragraph(rng, 3), face, page_w - 160) + wrap(paragraph(rng, 2), face, page_w - 160)
    page = Image.new("RGB", (page_w, int(size * 1.6 * (len(lines) + 4))), "#f7f5ef")
    draw_block(ImageDraw.Draw(page), 80, 2 * size, lines, face, "#1b1b1b", 1.6)
    page = page.rotate(rng.uniform(-3, 3), expand=True, fillcolor="#6d5c4a", resample=Image.BICUBIC)
    scene = photo(rng, page.width + 200, page.height + 200, dark=True)
    scene.paste(page, (100, 100))
    light = np.linspace(rng.uniform(0.55, 0.75), 1.0, scene.width, dtype=np.float32)[None, :, None]
    scene = Image.fromarray(np.clip(np.asarray(scene, np.float32) * light, 0, 255).astype(np.uint8))
    scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    return jpeg(scene, rng.randint(45, 70)), lines


def columns(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    count = rng.choice([2, 2, 3])
    size = rng.randint(16, 20)
    face = font(rng, "regular", size)
    gutter = rng.randint(int(1.5 * size), int(3 * size))
    col_w = rng.randint(320, 420)
    margin = 60
    width = 2 * margin + count * col_w + (count - 1) * gutter
    title = " ".join(sentence(rng).split()[:5])
    head = font(rng, "bold", int(size * 1.8))
    cols = [wrap(paragraph(rng, rng.randint(2, 3)), face, col_w) for _ in range(count)]
    rows = max(len(c) for c in cols)
    image = Image.new("RGB", (width, int(5 * size + rows * size * 1.5 + 2 * size)), "white")
    draw = ImageDraw.Draw(image)
    draw.text((margin, 1.5 * size), title, fill="black", font=head)
    for k, col in enumerate(cols):
        draw_block(draw, margin + k * (col_w + gutter), 5 * size, col, face, "#111111", 1.5)
    return image, [title, *[line for col in cols for line in col]]


def dark(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    ground, ink = rng.choice([("#111111", "white"), ("#0d1b2a", "#e0e0e0"), ("#263238", "#ffeb3b"),
                              ("#1e1e1e", "#9cdcfe"), ("#3e2723", "#ffffff")])
    size = rng.randint(16, 30)
    face = font(rng, rng.choice(["regular", "bold", "mono"]), size)
    lines = [sentence(rng) for _ in range(rng.randint(2, 4))]
    width = int(max(face.getlength(t) for t in lines) + 4 * size)
    image = Image.new("RGB", (width, int(size * (1.8 * len(lines) + 3))), ground)
    draw_block(ImageDraw.Draw(image), 2 * size, 1.5 * size, lines, face, ink, 1.8)
    return image, lines


def small(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    size = rng.randint(9, 12)
    face = font(rng, "regular", size)
    lines = [sentence(rng) for _ in range(4)]
    width = int(max(face.getlength(t) for t in lines) + 4 * size)
    image = Image.new("RGB", (width, int(size * (1.6 * len(lines) + 3))), "white")
    draw_block(ImageDraw.Draw(image), 2 * size, 1.5 * size, lines, face, "#202020", 1.6)
    return image, lines


def skewed(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    size = rng.randint(18, 26)
    face = font(rng, "regular", size)
    lines = [sentence(rng) for _ in range(4)]
    width = int(max(face.getlength(t) for t in lines) + 4 * size)
    image = Image.new("RGB", (width, int(size * (1.7 * len(lines) + 3))), "white")
    draw_block(ImageDraw.Draw(image), 2 * size, 1.5 * size, lines, face, "black", 1.7)
    angle = rng.choice([-1, 1]) * rng.uniform(2, 12)
    return image.rotate(angle, expand=True, fillcolor="white", resample=Image.BICUBIC), lines


def big_photo(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import ImageDraw

    scene = photo(rng, 4000, 3000)
    draw = ImageDraw.Draw(scene)
    lines = [" ".join(sentence(rng).split()[:5]) for _ in range(3)]
    size = rng.randint(70, 110)
    face = font(rng, "bold", size)
    width = max(face.getlength(t) for t in lines) + 2 * size
    x0, y0 = rng.randint(200, int(3800 - width)), rng.randint(300, 1500)
    draw.rectangle((x0, y0, x0 + width, y0 + size * (1.6 * len(lines) + 1)), fill="#fafafa")
    draw_block(draw, x0 + size, y0 + size * 0.5, lines, face, "#101010", 1.6)
    return jpeg(scene, 85), lines


def tiny(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    text = rng.choice(LABELS + [w.title() for w in WORDS])
    size = rng.randint(12, 18)
    face = font(rng, rng.choice(["regular", "bold"]), size)
    ground, ink = rng.choice([("white", "black"), ("#0b64d8", "white"), ("#e0e0e0", "#222222")])
    image = Image.new("RGB", (int(face.getlength(text) + size * 1.2), int(size * 1.8)), ground)
    ImageDraw.Draw(image).text((size * 0.6, size * 0.35), text, fill=ink, font=face)
    return image, [text]


def caption(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import ImageDraw

    width, height = rng.choice([(1200, 800), (1024, 768), (1600, 900)])
    scene = photo(rng, width, height)
    draw = ImageDraw.Draw(scene)
    text = " ".join(sentence(rng).split()[:6])
    size = rng.randint(36, 56)
    face = font(rng, "bold", size)
    while face.getlength(text) > width - 80:
        size -= 4
        face = font(rng, "bold", size)
    x = (width - face.getlength(text)) / 2
    y = height - 2.5 * size if rng.random() < 0.6 else size
    if rng.random() < 0.5:
        draw.text((x, y), text, fill="white", font=face, stroke_width=max(2, size // 16), stroke_fill="black")
    else:
        draw.rectangle((0, y - 0.4 * size, width, y + 1.5 * size), fill="#202020")
        draw.text((x, y), text, fill="white", font=face)
    return jpeg(scene, rng.randint(70, 90)), [text]


def form(rng: random.Random) -> tuple[Any, list[str]]:
    from PIL import Image, ImageDraw

    size = rng.randint(16, 24)
    face = font(rng, "regular", size)
    fields = rng.sample(FORM_FIELDS, 4)
    value_x = rng.randint(8, 14) * size
    spaced = " ".join(rng.sample(WORDS, 4))
    gap = rng.uniform(1.2, 2.5) * size
    width = int(value_x + max(face.getlength(v) for _, v in fields) + 6 * size)
    width = max(width, int(sum(face.getlength(w) for w in spaced.split()) + 3 * gap + 4 * size))
    image = Image.new("RGB", (width, int(size * (2 * len(fields) + 5))), "white")
    draw = ImageDraw.Draw(image)
    y = 1.5 * size
    for label, value in fields:
        draw.text((2 * size, y), label, fill="black", font=face)
        draw.text((value_x, y), value, fill="black", font=face)
        y += 2 * size
    x = 2 * size
    for word in spaced.split():  # letter-spaced heading style: words far apart on one line
        draw.text((x, y), word, fill="black", font=face)
        x += face.getlength(word) + gap
    return image, [f"{label} {value}" for label, value in fields] + [spaced]


CATEGORIES: dict[str, Callable[[random.Random], tuple[Any, list[str]]]] = {
    "screenshot": screenshot, "receipt": receipt, "sign": sign, "slide": slide,
    "handwriting": handwriting, "document photo": document_photo, "columns": columns, "dark": dark,
    "small": small, "skewed": skewed, "big photo": big_photo, "tiny": tiny, "caption": caption, "form": form,
}


def generate(out: Path, per_category: int = 4, seed: int = 0,
             only: list[str] | None = None) -> list[dict[str, Any]]:
    """Writes the images and ``truth.jsonl`` under ``out``; returns the truth records."""
    out.mkdir(parents=True, exist_ok=True)
    records = []
    for name, make in CATEGORIES.items():
        if only and name not in only:
            continue
        for n in range(per_category):
            rng = random.Random(f"{seed}-{name}-{n}")
            image, lines = make(rng)
            suffix = "jpg" if image.mode == "RGB" and name in {"receipt", "sign", "handwriting", "document photo",
                                                               "big photo", "caption"} else "png"
            file = f"{name.replace(' ', '_')}-{n}.{suffix}"
            image.convert("RGB").save(out / file, quality=92) if suffix == "jpg" else image.save(out / file)
            records.append({"file": file, "category": name, "lines": lines})
    (out / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-category", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    records = generate(args.out, args.per_category, args.seed)
    print(f"wrote {len(records)} images and truth.jsonl to {args.out}")


if __name__ == "__main__":
    main()

