"""Bundled vision model: OpenCV 4 Haar cascades for faces and people (object detection).

A classical detector (Viola-Jones), not a COCO model: it finds frontal and profile faces and
standing people (full bodies) and nothing else. OpenCV 5 dropped the cascades, hence the
``opencv-python<5`` constraint. Boxes are drawn on a copy of the image (an artifact); a box over
a drawing's flat fills is dropped (the full-body cascade takes a drawn tree for a person,
:attr:`HaarCascadeModel.max_flat`), and an answer to no one label says what the model finds at all.

A request that counts or looks for something in the image ("how many faces are in group.jpg?",
"detect the faces") is answered in its terms (:func:`asked_thing`, :func:`answer_text`): "0 faces
found in group.jpg" or "no faces found in group.jpg" rather than "no objects found", the other
label's count after it; one about something the cascades cannot find ("count the cars", "is there
a dog?") fails with the fix (a general object detector) rather than answer "no objects found",
which would read as none.

:func:`labels_text` writes an image classifier's labels, and says when none of them is a
confident answer (a blank page's best ImageNet label scores 0.01).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from ..errors import BackendError
from ..filekinds import FILE_NAME_RE
from ._images import detections_image, detects_only, nothing_detected, open_image
from ._inputs import file_input
from .base import RunContext, TaskOutput, find_module_spec
from .bundled import BundledModel, register_bundled

CASCADES: dict[str, tuple[str, ...]] = {
    "face": ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml"),
    "person": ("haarcascade_fullbody.xml",),
}
"""Cascade files (in ``cv2/data``) per label."""


def _cascade_dir() -> Path | None:
    """OpenCV's cascade folder, found without importing cv2 (and while another thread imports it:
    :func:`~hugginggpt_tools.backends.base.find_module_spec`)."""
    spec = find_module_spec("cv2")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


LOW_CONFIDENCE = 0.1
"""A classifier's best label scoring under this is no confident answer (:func:`labels_text`): on a
blank page EfficientNet-Lite0's best of 1,000 labels scores 0.01 ("nematode"), on a portrait 0.27."""


def labels_text(labels: list[dict[str, Any]], min_score: float = LOW_CONFIDENCE) -> str:
    """An image classifier's ``labels`` (``{"label", "score"}``, best first) as a line: "academic gown
    (0.27), mortarboard (0.21)". When the best one scores under ``min_score`` the line says that no
    label is confident and keeps them, marked so: "no confident label (the best scores 0.01); guesses,
    all low confidence: nematode (0.01), matchstick (0.01)", rather than name a nematode on a blank
    page as the answer. Only the first of a label's comma-separated names is given ("tabby" of
    "tabby, tabby cat")."""
    if not labels:
        return "no labels"
    text = ", ".join(f"{str(d['label']).split(',')[0].strip()} ({d['score']:.2f})" for d in labels)
    best = max(float(d["score"]) for d in labels)
    if best >= min_score:
        return text
    return f"no confident label (the best scores {best:.2f}); guesses, all low confidence: {text}"


PLURALS = {"face": "faces", "person": "people"}

LABEL_WORDS: dict[str, str] = {
    "face": "face", "faces": "face",
    "person": "person", "persons": "person", "people": "person", "human": "person", "humans": "person",
    "individual": "person", "individuals": "person", "pedestrian": "person", "pedestrians": "person",
    "anyone": "person", "anybody": "person", "someone": "person", "somebody": "person",
}
"""The words of a question that name one of the cascades' labels ("how many people", "is there anyone")."""

_ASK_RE = re.compile(r"\b(?P<count>how\s+many|count(?:s|ing)?(?:\s+up)?|number\s+of|tally(?:\s+up)?)\s+(?=(?P<counted>.*))"
                     r"|\b(?:detect|find|locate|spot|mark|highlight|box|are\s+there|is\s+there)\s+(?=(?P<found>.*))",
                     re.IGNORECASE | re.DOTALL)
"""A question that counts things ("how many", "count", "number of") or looks for them ("find",
"detect", "is there"), with what follows it."""
_SKIPPED = {"the", "all", "of", "a", "an", "any", "these", "those", "this", "that", "its", "their", "different",
            "distinct", "separate", "visible", "total", "number", "every", "each"}
"""Words between "how many" / "find" and the noun asked about."""
_NOUN_END = {"are", "is", "were", "was", "be", "in", "on", "at", "there", "do", "does", "did", "can", "could",
             "have", "has", "appear", "appears", "you", "we", "i", "they", "from", "inside", "within", "shown",
             "visible", "and", "or", "to", "for", "with", "here", "present", "seen", "exist", "out", "how", "what",
             "where", "which", "who", "whether", "if", "it", "them", "me"}
"""Words that end the noun phrase asked about ("how many red cars ARE in ...") or show there is none
("find OUT how many ...": the count after it is the question)."""
_ANYTHING = {"object", "objects", "thing", "things", "item", "items", "detection", "detections", "box", "boxes",
             "time", "times", "everything", "anything", "something", "stuff"}
"""Nouns that ask for whatever the model finds: no one label is asked for."""


def asked_thing(question: str) -> tuple[str, bool] | None:
    """The noun phrase a question about the image counts or looks for, and whether it counts:
    ("faces", True) of "how many faces are in group.jpg?", ("red cars", True) of "count the red
    cars", ("people", True) of "what is the number of people in it?", ("faces", False) of "detect
    the faces", ("anyone", False) of "is there anyone in it?"; None when it names nothing one label
    could be ("how many are there?", "find the objects", "find out what is in it") or asks neither.
    The first such phrase that names a label counts (:func:`asked_label`: "count the words in note.txt
    and detect faces in photo.jpg" asks for faces), else the first; file names are left out."""
    found = list(_asked_phrases(FILE_NAME_RE.sub(" ", question or "")))
    return next((f for f in found if asked_label(f[0]) is not None), found[0] if found else None)


def _asked_phrases(question: str) -> Iterator[tuple[str, bool]]:
    """Each noun phrase ``question`` counts or looks for, with whether it counts (:func:`asked_thing`)."""
    for match in _ASK_RE.finditer(question):
        rest = match.group("counted") if match.group("count") else match.group("found")
        words = re.findall(r"[A-Za-z][\w'-]*", rest)
        while words and words[0].lower() in _SKIPPED:
            words.pop(0)
        phrase: list[str] = []
        for word in words[:5]:
            if word.lower() in _NOUN_END:
                break
            phrase.append(word)
            if word.lower() in LABEL_WORDS:  # "smiling faces": the label word ends it
                break
        if phrase and phrase[-1].lower() not in _ANYTHING:
            yield " ".join(phrase), bool(match.group("count"))


def asked_label(thing: str) -> str | None:
    """The label an asked ``thing`` (:func:`asked_thing`) names ("smiling faces": face), or None
    when it names none (the cascades cannot find "red cars")."""
    return LABEL_WORDS.get(thing.split()[-1].lower())


def answer_text(thing: str, counts: dict[str, int], name: str, counting: bool = True) -> str | None:
    """The answer about ``thing`` (:func:`asked_thing`) in the image ``name``, from the ``counts`` per
    label, in the question's terms: a count "0 faces found in group.jpg", "2 faces found in a.jpg; also
    1 person"; a search "no faces found in group.jpg", "found 2 faces in a.jpg". People are counted from
    faces too, as a portrait shows a face and no full body: the larger of the two counts, with both
    ("1 person found in portrait.jpg (1 face, 0 full bodies)"). None when ``thing`` names no label
    (:func:`asked_label`)."""
    label = asked_label(thing)
    if label is None:
        return None
    faces, bodies = counts.get("face", 0), counts.get("person", 0)
    if label == "person":
        n = max(faces, bodies)
        detail = f" ({faces} face{'' if faces == 1 else 's'}, {bodies} full bod{'y' if bodies == 1 else 'ies'})"
        also = detail if faces else ""
    else:
        n = counts.get(label, 0)
        others = [f"{k} {other if k == 1 else PLURALS[other]}" for other, k in counts.items() if other != label and k]
        also = f"; also {', '.join(others)}" if others else ""
    noun = label if n == 1 else PLURALS[label]
    if counting:
        return f"{n} {noun} found in {name}{also}"
    return (f"found {n} {noun} in {name}" if n else f"no {noun} found in {name}") + also


def _overlap(a: list[int], b: list[int]) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / max(smaller, 1)


def dedupe(objects: list[dict[str, Any]], threshold: float = 0.5) -> list[dict[str, Any]]:
    """Drop a box that mostly overlaps a stronger box of the same label (frontal and profile hits)."""
    kept: list[dict[str, Any]] = []
    for obj in sorted(objects, key=lambda o: -o["stage_weight"]):
        if all(k["label"] != obj["label"] or _overlap(k["box"], obj["box"]) < threshold for k in kept):
            kept.append(obj)
    return kept


def flat_share(gray: Any, box: list[int], tolerance: int = 2) -> float:
    """The share of the pixels in ``box`` of the grey image ``gray`` that differ from their right and
    lower neighbours by at most ``tolerance`` of 255 levels: a drawing's flat fills (0.8-0.98 of a
    drawn tree, JPEG or PNG) against a photo's texture (0.1 of a face, 0.5 of a face upscaled
    twice and blurred)."""
    import numpy as np

    x0, y0, x1, y1 = box
    part = np.asarray(gray[y0:y1, x0:x1], dtype=np.int16)
    if part.shape[0] < 2 or part.shape[1] < 2:
        return 0.0
    across = np.abs(np.diff(part, axis=1))[:-1, :]
    down = np.abs(np.diff(part, axis=0))[:, :-1]
    return float(np.mean(np.maximum(across, down) <= tolerance))


@register_bundled
class HaarCascadeModel(BundledModel):
    """Faces (frontal and profile) and full-body people with OpenCV's Haar cascades. A request that
    counts or looks for a thing in the image is answered in its terms (:func:`asked_thing`,
    :func:`answer_text`): "0 faces found in group.jpg"; one about what it cannot find ("how many
    cars?") fails with the fix."""

    model_id = "bundled/opencv-haar-faces-people"
    task = "object-detection"
    packages = ("cv2", "numpy")
    labels: ClassVar[tuple[str, ...]] = tuple(CASCADES)
    """All it can find (an empty result says so: it does not mean there are no objects)."""
    min_neighbors: ClassVar[int] = 5
    scale_factor: ClassVar[float] = 1.1
    max_flat: ClassVar[float] = 0.7
    """A box whose pixels are more than this share flat (:func:`flat_share`) holds a drawing's shapes,
    not a face or a person, and is dropped: the full-body cascade takes a drawn tree (a round crown
    on a trunk) for a standing person, with as many neighbours (6-18) and as high a stage weight as
    a real hit. On 12 drawn scenes of trees and a house (JPEG, and 4 of them as PNG) its 21 hits were
    0.80-0.98 flat; on 10 variants of the portrait photo (scaled, blurred, greyed, low-contrast, JPEG
    quality 20, pasted into a photo or on white) the 13 face hits were 0.07-0.49. A drawn snowman's
    head with two eyes is still a face (0.60-0.66 flat)."""

    @classmethod
    def unavailable_reason(cls) -> str | None:
        folder = _cascade_dir()
        missing = [name for names in CASCADES.values() for name in names
                   if folder is None or not (folder / name).is_file()]
        if missing:
            return (f"OpenCV's Haar cascades are missing ({', '.join(missing)}): OpenCV 5 removed them; "
                    "install OpenCV 4 with pip install 'opencv-python>=4.8,<5'")
        return None

    def load(self) -> None:
        import cv2

        self.cv2 = cv2
        folder = Path(cv2.data.haarcascades)
        self.cascades = {label: [cv2.CascadeClassifier(str(folder / name)) for name in names]
                         for label, names in CASCADES.items()}

    def detect(self, gray: Any, plain: Any = None) -> list[dict[str, Any]]:
        """Boxes ``[x0, y0, x1, y1]`` per label in the equalized grey image ``gray``, with the cascade's
        last-stage weight (not a probability); a box over flat drawn shapes in ``plain``, the grey image
        before equalization (:attr:`max_flat`), is left out."""
        found = []
        plain = gray if plain is None else plain
        min_side = max(24, min(gray.shape[:2]) // 20)
        for label, cascades in self.cascades.items():
            for cascade in cascades:
                boxes, _, weights = cascade.detectMultiScale3(
                    gray, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors,
                    minSize=(min_side, min_side), outputRejectLevels=True)
                for (x, y, w, h), weight in zip(boxes, weights):
                    if flat_share(plain, [x, y, x + w, y + h]) > self.max_flat:
                        continue
                    found.append({"label": label, "score": None, "stage_weight": round(float(weight), 3),
                                  "box": [int(x), int(y), int(x + w), int(y + h)]})
        return dedupe(found)

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        import numpy as np

        path = file_input(inputs, "image", self.task)
        asked = asked_thing(ctx.about or ctx.request)  # what the request asks of this image
        if asked is not None and asked_label(asked[0]) is None:
            verb = "count" if asked[1] else "find"
            raise BackendError(
                f"cannot {verb} {asked[0]} in {path.name}: this model detects only faces and people; to {verb} "
                f"{asked[0]}, add a general object detector (`hugginggpt models add <folder or Hub id> --task "
                f"object-detection`) or run with a remote endpoint (HF_TOKEN)")
        image = open_image(path)
        plain = self.cv2.cvtColor(np.asarray(image), self.cv2.COLOR_RGB2GRAY)
        objects = sorted(self.detect(self.cv2.equalizeHist(plain), plain), key=lambda o: (o["box"][0], o["box"][1]))
        artifacts = detections_image(image, objects, ctx, f"{len(objects)} faces/people detected in {path.name}")
        counts = {label: sum(o["label"] == label for o in objects) for label in self.labels}
        summary = ", ".join(f"{n} {label if n == 1 else PLURALS[label]}" for label, n in counts.items() if n)
        answer = answer_text(asked[0], counts, path.name, asked[1]) if asked is not None else None
        if answer is not None:
            text = answer + (f"; boxes drawn on {artifacts[0].path}" if artifacts else "")
        else:
            # "found 3 people" alone would read as all the picture holds
            text = (f"found {summary} ({detects_only(self.labels)}); boxes drawn on {artifacts[0].path}" if artifacts
                    else nothing_detected(self.labels))
        return TaskOutput(text=text, data=objects, artifacts=artifacts)


__all__ = ["CASCADES", "LABEL_WORDS", "LOW_CONFIDENCE", "HaarCascadeModel", "answer_text", "asked_label", "asked_thing",
           "dedupe", "flat_share", "labels_text"]
