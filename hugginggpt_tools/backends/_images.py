"""Image helpers shared by the backends: open an input, draw labelled boxes, save an output."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from .base import RunContext

PALETTE = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
           (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40)]
"""Distinct colours for boxes and segments, used in turn."""


def open_image(path: str | Path) -> Any:
    """The image at ``path`` as an RGB Pillow image, turned upright by its EXIF orientation; integer
    (16-bit) and floating-point images scaled to 8 bits by their brightest value (Pillow alone clips
    them to white), transparent ones laid on a background that their visible pixels stand out
    from (white under dark ink, black under light ink: dropping the alpha channel turns clear
    pixels black, and black text on them vanishes), CMYK and palette images converted.
    :class:`InputError` naming the file by its bare name when it is empty (0 bytes), not an image, or
    larger than the pixel limit (:func:`check_pixels`)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    from ._audio import empty_file

    empty_file(path, "image file", "Give a file that holds the picture, or save it again")
    check_pixels(path)
    try:
        with Image.open(path) as img:
            img = ImageOps.exif_transpose(img)
    except Image.DecompressionBombError as exc:  # a limit lowered meanwhile, or a format check_pixels misses
        raise InputError(_too_many_pixels(path, None, exc)) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(_unreadable(path, exc)) from exc
    if img.mode.startswith("I") or img.mode == "F":
        import numpy as np

        values = np.asarray(img, dtype=np.float64)
        top = max(float(values.max()), 255.0)  # a 12-bit scan in a 16-bit file is not near-black
        img = Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (img.mode == "P" and "transparency" in img.info):
        import numpy as np

        rgba = img.convert("RGBA")
        pixels = np.asarray(rgba, dtype=np.float64)
        alpha = pixels[:, :, 3]
        ink = float((pixels[:, :, :3].mean(axis=2) * alpha).sum() / max(alpha.sum(), 1.0))
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, "black" if ink > 127 else "white"), rgba)
    return img.convert("RGB")


_TRUNCATED = ("truncated", "broken data stream", "premature end")
"""Words of Pillow's errors for an image file that ends before its picture does."""


def _unreadable(path: str | Path, exc: Exception) -> str:
    """Why Pillow could not read the image at ``path`` (its error ``exc``), with the fix: a file cut short
    (:func:`truncated_message`), one that is an image by its first bytes but damaged, or no image."""
    from ..filekinds import sniff_kind

    name = Path(path).name
    why = str(exc).replace(str(path), name)  # "cannot identify image file 'x.png'": the bare name
    kind = sniff_kind(path)
    if any(word in why.lower() for word in _TRUNCATED):
        return truncated_message(path, kind[1] if kind else "an image")
    if kind is not None and kind[0] == "image":
        return (f"{name!r} is {kind[1]} by its first bytes, but it cannot be read ({why}): the file is damaged or "
                "incomplete. Re-export it from the program that made it, or download or copy it again.")
    return f"Cannot read {name!r} as an image ({why}). Give a PNG, JPEG, WebP or BMP file."


def truncated_message(path: str | Path, what: str) -> str:
    """The message for the image file at ``path`` (``what``: "a JPEG image") that is cut short, with the fix."""
    name = Path(path).name
    size = Path(path).stat().st_size if Path(path).exists() else 0
    return (f"The image file {name!r} ({what}, {size:,} bytes) is truncated: it ends before its picture does, as "
            "after an interrupted download, copy or export. Re-export it from the program that made it, or "
            "download or copy it again.")


def check_complete(path: str | Path) -> None:
    """:class:`InputError` (:func:`truncated_message`) when the PNG or JPEG file at ``path`` is cut short,
    told from its structure without decoding it, so a remote model is not sent half a picture: a PNG
    with no ``IEND`` chunk, a JPEG whose markers end before its picture's data or whose data has no
    end-of-image marker (:func:`_jpeg_complete`). Other files, and unreadable ones, pass: decoding
    them says what is wrong."""
    from ..filekinds import sniff_kind

    kind = sniff_kind(path)
    if kind is None or kind[1] not in ("a PNG image", "a JPEG image"):
        return
    try:
        data = Path(path).read_bytes()
    except OSError:
        return
    complete = b"IEND" in data if kind[1] == "a PNG image" else _jpeg_complete(data)
    if not complete:
        raise InputError(truncated_message(path, kind[1]))


def _jpeg_complete(data: bytes) -> bool:
    """Whether the JPEG ``data`` holds all of its picture: its header's segments walked by their
    lengths (an EXIF thumbnail's markers inside them skipped) to the start of the scan, then an
    end-of-image marker after it. An unusual layout is taken as complete."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return True
        marker = data[i + 1]
        if marker == 0xFF:  # a fill byte
            i += 1
        elif marker == 0xDA:  # the start of the scan: the picture's data follow
            return data.find(b"\xff\xd9", i) >= 0
        elif 0xD0 <= marker <= 0xD8 or marker == 0x01:  # markers with no length
            i += 2
        else:
            i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return False


def image_size(path: str | Path) -> tuple[int, int] | None:
    """An image file's width and height from its header, read by the Pillow plugin that accepts it
    but without Pillow's decompression-bomb check (so a huge image is measured rather than refused);
    None when Pillow does not read the file as an image (an empty or damaged file too). Nothing is
    decoded (:func:`check_pixels` compares it with the limit)."""
    from PIL import Image

    try:
        with open(path, "rb") as handle:
            prefix = handle.read(16)
            for load in (Image.preinit, Image.init):  # the common formats first, as Image.open does
                load()
                for fmt in list(Image.ID):
                    factory, accept = Image.OPEN[fmt]
                    try:
                        result = accept(prefix) if accept is not None else True
                        if isinstance(result, str) or not result:  # a plugin's "not mine" message, or no match
                            continue
                        handle.seek(0)
                        return factory(handle, str(path)).size
                    except Exception:  # noqa: BLE001 - a header this plugin cannot read: try the next
                        continue
    except OSError:
        return None
    return None


def check_pixels(path: str | Path) -> None:
    """:class:`InputError` when the image at ``path`` has more pixels than Pillow's limit against
    decompression bombs (``PIL.Image.MAX_IMAGE_PIXELS``, 89,478,485: about 9459 x 9459), naming the
    file, its size, the limit and the fix (make it smaller); checked from the header
    (:func:`image_size`) before anything is decoded, so Pillow neither warns
    (``DecompressionBombWarning``) nor fails unexplained, and without touching the process's warning
    filters (tasks run in threads at once). Every model here scales a picture down to a few
    megapixels, so a smaller copy loses nothing it reads. A file Pillow cannot read as an image
    (empty, damaged) passes: reading it says what is wrong. Python callers may raise
    ``PIL.Image.MAX_IMAGE_PIXELS`` (None: no limit)."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    size = image_size(path) if limit else None
    if size is not None and size[0] * size[1] > limit:
        raise InputError(_too_many_pixels(path, size))


def _too_many_pixels(path: str | Path, size: tuple[int, int] | None, error: Exception | None = None) -> str:
    """The message of an image over the pixel limit: its name, its size (or Pillow's ``error``
    when the size is not known), the limit and the fix."""
    from PIL import Image

    limit = int(Image.MAX_IMAGE_PIXELS or 0)
    side = math.isqrt(limit)
    name = Path(path).name
    what = f"{size[0]} x {size[1]} pixels ({size[0] * size[1]:,})" if size else f"too large ({error})"
    small = f"{Path(name).stem}-small.png"
    return (f"The image {name!r} is {what}, more than the {limit:,} (about {side} x {side}) an image may have here, "
            f"Pillow's limit against decompression bombs. Make it smaller, e.g. `magick {name} -resize 4000x4000 "
            f"{small}` (the models scale pictures down to a few megapixels anyway), or cut it into parts; from "
            "Python, raise PIL.Image.MAX_IMAGE_PIXELS.")


def draw_boxes(image: Any, objects: Sequence[dict[str, Any]]) -> Any:
    """A copy of ``image`` with each object's ``box`` [x0, y0, x1, y1] drawn and its label written."""
    from PIL import ImageDraw

    canvas = image.copy()
    draw = ImageDraw.Draw(canvas)
    width = max(2, canvas.width // 200)
    for i, obj in enumerate(objects):
        colour = PALETTE[i % len(PALETTE)]
        draw.rectangle(list(obj["box"]), outline=colour, width=width)
        score = obj.get("score")
        label = f"{obj['label']} {score:.2f}" if isinstance(score, float) else str(obj["label"])
        draw.text((obj["box"][0] + 3, obj["box"][1] + 2), label, fill=colour)
    return canvas


def detects_only(labels: Sequence[str], limit: int = 12) -> str | None:
    """"this model detects only face and person, nothing else": what a detector finds at all (its label
    set), or None when the labels are unknown."""
    names = list(dict.fromkeys(str(label) for label in labels if str(label).strip() and str(label) != "N/A"))
    if not names:
        return None
    rest = f"{len(names) - limit} more" if len(names) > limit else names.pop()
    shown = f"{', '.join(names[:limit])} and {rest}" if names else rest
    return f"this model detects only {shown}, nothing else"


def nothing_detected(labels: Sequence[str], limit: int = 12) -> str:
    """The text of a detection that found nothing, naming what the model detects at all
    (:func:`detects_only`): a face detector's empty result must not read as "no objects in the
    picture". Short, as a dependant task may read it aloud."""
    only = detects_only(labels, limit)
    return f"no objects found; {only}" if only else "no objects found"


def save_image(image: Any, ctx: RunContext, stem: str, description: str) -> Any:
    """Save ``image`` as a PNG in the run's store; returns the artifact."""
    path = ctx.store.new_path(".png", stem=stem)
    image.save(path)
    return ctx.save_file(path, description)


def detections_image(image: Any, objects: Sequence[dict[str, Any]], ctx: RunContext, description: str) -> list[Any]:
    """The artifacts of a detection: a copy of ``image`` with the ``objects``' boxes drawn
    (:func:`draw_boxes`), saved as a PNG (:func:`save_image`); none when nothing was detected, as a
    copy of the picture with no box on it shows nothing that the text ("0 faces found") does not say."""
    if not objects:
        return []
    return [save_image(draw_boxes(image, objects), ctx, "detections", description)]


__all__ = ["PALETTE", "check_complete", "check_pixels", "detections_image", "detects_only", "draw_boxes", "image_size", "nothing_detected",
           "open_image", "save_image", "truncated_message"]
