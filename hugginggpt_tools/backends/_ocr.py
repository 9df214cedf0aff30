"""Reading text with RapidOCR more carefully than its one-call pipeline does.

RapidOCR detects text boxes, crops each one tightly and recognises the crops. On ordinary
printed lines (14 to 28 px text) that loses a lot: the detector often splits one line into
several boxes, so each crop starts or ends inside a letter ("your k" + "badge"), and the
recogniser, given small tight crops, drops the gaps between words ("Exitviathenorthstairs").
:func:`read_lines` keeps RapidOCR's detector and recogniser but hands the recogniser better
crops: neighbouring boxes of one straight line, a word gap apart at most, are merged into one box
(:func:`line_groups`), a long line is cut at word gaps into pieces the direction classifier and the
recogniser read well (:func:`pieces`), and each crop gets a margin and, when low, is enlarged with
cubic interpolation (:func:`prepared`); a word gap the recogniser read through is put back where
the crop shows one between the characters it read (:func:`respaced`); the fragments read are then
merged into lines in reading order (:func:`merge_ocr_lines`: set level, columns one after the other,
a receipt's or a form's rows kept whole, each line numbered with its paragraph), and
:func:`ocr_text` writes them with a blank line between paragraphs. ``benchmarks/ocr.py`` measures
both readers on rendered notices, and with ``--suite scenes`` on screenshots, receipts, signs,
columns, skewed scans and other images of ``benchmarks/ocr_scenes.py``.

When nothing is read, :func:`no_text_message` says so in the terms of the request: a request
about the writing in the image (:func:`asks_for_writing`) is told the image has no legible text
and how to get a readable one; any other (a caption, a description) that an OCR does not describe
pictures and which model to add.

The boxes and crops are :mod:`._ocr_crops`'s, the word gaps put back :mod:`._ocr_spacing`'s, the
shapes told from writing :mod:`._ocr_glyphs`'s (a drawn house read "合"), the reading order
:mod:`._ocr_layout`'s (their names are importable from here too); this module builds the engine,
detects and reads. numpy and cv2 (which RapidOCR depends on) are imported where an
image is read, a merged box fitted or a crop enlarged.
"""

from __future__ import annotations

import re
import statistics
import threading
from collections.abc import Sequence
from typing import Any

from ._ocr_crops import _frame, line_groups, merged_quad, pieces, prepared
from ._ocr_glyphs import solid_shape, stray_glyphs
from ._ocr_layout import merge_ocr_lines, ocr_text
from ._ocr_spacing import CTC_LAG as CTC_LAG  # re-exported: moved to _ocr_spacing
from ._ocr_spacing import recognise, respaced

STANDING = 3.0
"""A box at least this many times as tall as wide is a line standing up (a turned page); the box of
a single upright character ("1", "I", a keypad's digits) is up to about 2.8 times."""

LARGE_TEXT = 36.0
"""Text boxes at least this many pixels high (the median box) are detected well at the image's
own size; lower ones, or none, send an image whose shorter side is under RapidOCR's 736 px
through its own setting again, which enlarges that side to 736 px (small print needs it: at
their own size, lines of 14 and 20 px text were read exactly 56% and 83% of the time, against
90% and 96%)."""

_DETECTION = threading.Lock()
"""Held while the detector's size setting is changed for a pass (engines are shared by threads)."""


_ENGINE_BUILD = threading.Lock()
"""Held while RapidOCR's session options method is wrapped to build an engine (:func:`rapidocr_engine`)."""


def rapidocr_engine(num_threads: int = 1) -> Any:
    """A RapidOCR engine (PP-OCRv4 detector and recogniser, the direction classifier) on the CPU with
    ``num_threads`` threads, its three onnxruntime sessions built with the bundled models' options
    (:func:`.bundled.onnx_session_options`: memory reuse off, which opened them in 0.1 s instead of
    0.2 s, with the same output, speed and memory).

    RapidOCR makes each session's options itself (``OrtInferSession._init_sess_opts``: no CPU memory
    arena, its log level, all graph optimisations) and takes none from outside, so that method is
    wrapped while the engine is built to set ours on top of its own, and put back after; a RapidOCR
    without it (another version) is built as it comes."""
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime.utils import infer_engine

    from .bundled import onnx_session_options  # local: the bundled module imports this one

    def build() -> Any:
        return RapidOCR(intra_op_num_threads=num_threads, inter_op_num_threads=num_threads)

    session_class = getattr(infer_engine, "OrtInferSession", None)
    own = vars(session_class).get("_init_sess_opts") if isinstance(session_class, type) else None
    if not isinstance(own, staticmethod):
        return build()

    def options(config: dict[str, Any]) -> Any:
        return onnx_session_options(num_threads, own.__func__(config))

    with _ENGINE_BUILD:
        session_class._init_sess_opts = staticmethod(options)
        try:
            return build()
        finally:
            session_class._init_sess_opts = own


def detect(engine: Any, image: Any) -> list[Any]:
    """The text boxes RapidOCR's detector finds in ``image`` (BGR), in its coordinates.

    RapidOCR's own setting enlarges an image's shorter side to 736 px (``limit_type="min"``), which
    small print needs and a 666 x 208 invoice does not: it takes 0.8 s there, 0.1 s at its own
    size. So an image whose shorter side is under that is first detected without enlarging
    (``limit_type="max"``), and again with the engine's setting only when the text found is small
    (median box under :data:`LARGE_TEXT` px high), its lines mostly stand (a page turned a
    quarter, whose direction classification was measured on enlarged boxes) or none is found. A
    larger image is detected once: the engine's setting would not enlarge it either."""
    det = getattr(engine, "text_det", None)
    if not hasattr(det, "limit_type"):  # another RapidOCR version: its own setting only
        return engine(image, use_cls=False, use_rec=False)[0] or []
    with _DETECTION:  # the setting is read under the lock too: another thread's pass may have it at "max"
        if det.limit_type != "min" or min(image.shape[:2]) >= det.limit_side_len:
            return engine(image, use_cls=False, use_rec=False)[0] or []
        det.limit_type = "max"
        try:
            boxes = engine(image, use_cls=False, use_rec=False)[0] or []
        finally:
            det.limit_type = "min"
        lying = [frame[3] for frame in map(_frame, boxes) if not _stands(frame)]
        if lying and 2 * len(lying) > len(boxes) and statistics.median(lying) >= LARGE_TEXT:
            return boxes
        return engine(image, use_cls=False, use_rec=False)[0] or []


def _stands(frame: tuple) -> bool:
    """Whether a box (its :func:`_frame`) is a line standing up: :data:`STANDING` times as tall as wide."""
    return frame[3] >= STANDING * frame[2]


def _quarter_turn(engine: Any, image: Any, boxes: Sequence[Sequence[Sequence[float]]]) -> int | None:
    """The cv2 rotation that sets upright a page turned a quarter (most of its boxes standing, at
    least :data:`STANDING` times as tall as wide), else None. RapidOCR turns a standing crop a
    quarter anticlockwise; the direction classifier then finds it upside down when the page was
    turned anticlockwise (its lines run upwards) and upright when it was turned clockwise."""
    standing = [box for box in boxes if _stands(_frame(box))]
    if not standing or 2 * len(standing) <= len(boxes) or not engine.use_cls:
        return None
    import cv2
    import numpy as np

    _, directions, _ = engine.text_cls(engine.get_crop_img_list(image, [np.asarray(b, np.float32) for b in standing]))
    upside_down = sum(str(label) == "180" for label, _score in directions)
    return cv2.ROTATE_90_CLOCKWISE if 2 * upside_down > len(directions) else cv2.ROTATE_90_COUNTERCLOCKWISE


def read_lines(engine: Any, path: str) -> list[dict[str, Any]]:
    """The lines of text in the image at ``path``, top to bottom (:func:`merge_ocr_lines`), each
    ``{"text", "box", "score"}`` with its box in the image's own coordinates.

    The image is opened by :func:`._images.open_image` (upright by EXIF, transparency on a
    contrasting ground, 16-bit scaled). RapidOCR's detector finds the boxes (:func:`detect`: at the
    image's own size first, enlarged for small print); a page turned a
    quarter is set upright and detected again (:func:`_quarter_turn`), so its lines are found and
    ordered as lines; so is a page upside down (most of its lines, two or more, upside down to the
    direction classifier), else its lines would come last first. The boxes of one line are merged
    (:func:`line_groups`); RapidOCR's direction classifier sees the crops as cut, a long one in its
    :func:`pieces` (:func:`_upside_down`), and the recogniser reads those same pieces (each crop is cut
    once; a line surely upside down has its pieces turned over, in reverse order) with a margin, enlarged
    (:func:`prepared`), a word gap it read through put back (:func:`respaced`), a line's pieces
    joined by spaces; its score threshold applies to each line (its pieces' scores weighted by
    width). A shape read as characters is dropped: no stroke in its crop
    (:func:`._ocr_glyphs.solid_shape`), or a lone CJK character read with a low score
    (:func:`._ocr_glyphs.stray_glyphs`). The lines come in reading order, numbered with their
    paragraphs (:func:`merge_ocr_lines`).
    An engine without the pieces this needs (another RapidOCR version) is simply called."""
    needed = ("get_crop_img_list", "text_rec", "text_cls", "text_score", "use_cls")
    if not all(hasattr(engine, name) for name in needed):
        return merge_ocr_lines(engine(path)[0] or [])
    import numpy as np

    from ._images import open_image

    image = np.ascontiguousarray(np.asarray(open_image(path))[:, :, ::-1])  # BGR, as RapidOCR reads
    height, width = image.shape[:2]
    boxes = detect(engine, image)
    turn = _quarter_turn(engine, image, boxes) if boxes else None
    if turn is not None:
        import cv2

        image = np.ascontiguousarray(cv2.rotate(image, turn))
        boxes = detect(engine, image)
    if not boxes:
        return []
    quads = _line_quads(boxes)
    crops = engine.get_crop_img_list(image, quads)
    if engine.use_cls:  # on the crops as cut: given margins, it turns some upright lines upside down
        cut = [pieces(crop) for crop in crops]
        down, sure = _upside_down(engine, cut)
        if turn is None and len(crops) > 1 and 2 * sum(down) > len(crops):
            # most lines upside down: the page is, and read as they stand its lines run bottom to top
            import cv2

            turn = cv2.ROTATE_180
            image = np.ascontiguousarray(cv2.rotate(image, turn))
            quads = _line_quads(detect(engine, image))
            crops = engine.get_crop_img_list(image, quads)
            cut = [pieces(crop) for crop in crops]
            down, sure = _upside_down(engine, cut)
        # a line turned over: its pieces turned, in the reverse order (the pieces the classifier saw)
        cut = [[_rotate_180(piece) for piece in reversed(parts)] if flip else parts for parts, flip in zip(cut, sure)]
    else:
        cut = [pieces(crop) for crop in crops]
    recognised = recognise(engine, [prepared(piece) for parts in cut for piece in parts])
    found, k = [], 0
    for parts in cut:
        read = recognised[k:k + len(parts)]
        k += len(parts)
        widths = [part.shape[1] for part in parts]
        score = sum(r[1] * w for r, w in zip(read, widths)) / max(sum(widths), 1)
        texts = [text.strip() for text in respaced(parts, read)]
        found.append((" ".join(text for text in texts if text), score))
    kept = [(quad, text, score) for quad, crop, (text, score) in zip(quads, crops, found)
            if score >= engine.text_score and not solid_shape(crop, text)]
    stray = stray_glyphs([(text, score) for _, text, score in kept])
    lines = merge_ocr_lines((quad.tolist(), text, score) for (quad, text, score), made_up in zip(kept, stray)
                            if not made_up)
    if turn is not None:
        for line in lines:
            line["box"] = _turned_back(line["box"], turn, height, width)
    return lines


def _upside_down(engine: Any, cut: Sequence[Sequence[Any]]) -> tuple[list[bool], list[bool]]:
    """For each crop, given as its :func:`pieces`, whether RapidOCR's direction classifier finds it
    upside down (most of its pieces), and whether surely so (above the classifier's threshold): the
    classifier sees each piece, not a long line squeezed to 192 x 48. The caller cuts each crop once
    and reads the same pieces (turned over where surely upside down)."""
    threshold = float(getattr(engine.text_cls, "cls_thresh", 0.9))
    _, directions, _ = engine.text_cls([piece for parts in cut for piece in parts])
    down, sure, k = [], [], 0
    for parts in cut:
        votes = directions[k:k + len(parts)]
        k += len(parts)
        flipped = [float(score) for label, score in votes if str(label) == "180"]
        down.append(2 * len(flipped) > len(parts))
        sure.append(2 * sum(score > threshold for score in flipped) > len(parts))
    return down, sure


def _rotate_180(crop: Any) -> Any:
    import cv2

    return cv2.rotate(crop, cv2.ROTATE_180)


def _line_quads(boxes: Sequence[Sequence[Sequence[float]]]) -> list[Any]:
    """One quadrilateral per line: the boxes of each :func:`line_groups` group merged."""
    import numpy as np

    quads = []
    for group in line_groups(boxes):
        members = [boxes[i] for i in group]
        quads.append(merged_quad(members) if len(members) > 1 else np.asarray(members[0], dtype=np.float32))
    return quads


def _turned_back(box: Sequence[int], turn: int, height: int, width: int) -> list[int]:
    """A box ``[x0, y0, x1, y1]`` of the page turned by cv2 rotation ``turn``, in the coordinates of
    the page as given (``height`` x ``width`` pixels)."""
    import cv2

    x0, y0, x1, y1 = box
    if turn == cv2.ROTATE_180:  # (x, y) went to (width - 1 - x, height - 1 - y)
        return [width - 1 - x1, height - 1 - y1, width - 1 - x0, height - 1 - y0]
    if turn == cv2.ROTATE_90_CLOCKWISE:  # (x, y) went to (height - 1 - y, x)
        return [y0, height - 1 - x1, y1, height - 1 - x0]
    return [width - 1 - y1, x0, width - 1 - y0, x1]  # anticlockwise: (x, y) went to (y, width - 1 - x)


WRITING_RE = re.compile(r"\b(?:texts? (?:in|on|from|of|it (?:says|contains))|(?:the|any|its|what) texts?\b|written|"
                        r"writing|handwrit\w*|lettering|printed|ocr|the words|"
                        r"transcri(?:be|bes|bed|bing|ption|ptions)|digiti[sz](?:e|es|ed|ing)|"
                        r"(?:type|copy)\s+(?:(?:it|this|that|them)\s+)?(?:out|up|down)|"
                        r"what (?:it|this|that|they|(?:the|this|that|each|every) [^?!]{1,40}?) says|"
                        r"what (?:does|do|did)\b[^?!]{0,60}\bsay)\b", re.IGNORECASE)
"""A request about the writing in an image ("read the text in ...", "what does the sign say?",
"transcribe this", "type out the note", "tell me what the label says"); not "say the description
aloud", "give me a text description" or "text-to-speech". "Transcribe" of an image asks for its
writing: a picture has no speech to transcribe."""


def asks_for_writing(request: str) -> bool:
    """Whether ``request`` asks for the writing in an image (:data:`WRITING_RE`) rather than for a
    caption or description of it."""
    return bool(WRITING_RE.search(request or ""))


def no_text_message(name: str, request: str = "") -> str:
    """Why a text reader returned nothing for the image ``name``, with the fix that fits ``request``:
    for the writing in it (:func:`asks_for_writing`), that none was found and, if the image does
    show some, to try a clearer one (a captioning model would not help); otherwise (a caption, a
    description), that the model reads printed text and does not describe pictures, and how to
    add a captioning model."""
    if asks_for_writing(request):
        return f"found no text in {name}; if it does show text, try a sharper, closer or better-lit image of it"
    return (f"found no text in {name}: this model reads printed text and does not describe pictures; to caption "
            "photos, add an image captioning model (`hugginggpt models add <folder or Hub id> --task image-to-text`) "
            "or run with a remote endpoint (HF_TOKEN)")


__all__ = ["WRITING_RE", "asks_for_writing", "line_groups", "merge_ocr_lines", "merged_quad", "no_text_message",
           "ocr_text", "prepared", "rapidocr_engine", "read_lines"]
