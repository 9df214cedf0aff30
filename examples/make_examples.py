"""Render the example inputs shipped in ``examples/`` (run once; the outputs are committed).

    python examples/make_examples.py

``invoice.png``: two lines of printed text on a white page, the input of the README's main job
("Read the text in examples/invoice.png aloud"). Uses DejaVu Sans when installed, else Pillow's
built-in scalable font.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
LINES = ["Invoice 1042 is due on Friday", "Total amount: 250 dollars"]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def render_text_image(lines: list[str], path: Path, size: int = 40) -> Path:
    """Draw ``lines`` in black on white with generous margins and save to ``path``."""
    font = _font(size)
    width = max(int(font.getlength(line)) for line in lines) + 2 * size
    height = int(len(lines) * size * 1.6) + 2 * size
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((size, size + int(i * size * 1.6)), line, fill="black", font=font)
    image.save(path)
    return path


if __name__ == "__main__":
    print(render_text_image(LINES, HERE / "invoice.png"))
