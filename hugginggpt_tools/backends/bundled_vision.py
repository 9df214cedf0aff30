"""Bundled vision model: OpenCV 4 Haar cascades for faces and people (object detection).

A classical detector (Viola-Jones), not a COCO model: it finds frontal and profile faces and
standing people (full bodies) and nothing else. OpenCV 5 dropped the cascades, hence the
``opencv-python<5`` constraint. Boxes are drawn on a copy of the image (an artifact).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, ClassVar

from ._images import draw_boxes, nothing_detected, open_image, save_image
from ._inputs import file_input
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

CASCADES: dict[str, tuple[str, ...]] = {
    "face": ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml"),
    "person": ("haarcascade_fullbody.xml",),
}
"""Cascade files (in ``cv2/data``) per label."""


def _cascade_dir() -> Path | None:
    """OpenCV's cascade folder, found without importing cv2."""
    spec = importlib.util.find_spec("cv2")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


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


@register_bundled
class HaarCascadeModel(BundledModel):
    """Faces (frontal and profile) and full-body people with OpenCV's Haar cascades."""

    model_id = "bundled/opencv-haar-faces-people"
    task = "object-detection"
    packages = ("cv2", "numpy")
    labels: ClassVar[tuple[str, ...]] = tuple(CASCADES)
    """All it can find (an empty result says so: it does not mean there are no objects)."""
    min_neighbors: ClassVar[int] = 5
    scale_factor: ClassVar[float] = 1.1

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

    def detect(self, gray: Any) -> list[dict[str, Any]]:
        """Boxes ``[x0, y0, x1, y1]`` per label with the cascade's last-stage weight (not a probability)."""
        found = []
        min_side = max(24, min(gray.shape[:2]) // 20)
        for label, cascades in self.cascades.items():
            for cascade in cascades:
                boxes, _, weights = cascade.detectMultiScale3(
                    gray, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors,
                    minSize=(min_side, min_side), outputRejectLevels=True)
                for (x, y, w, h), weight in zip(boxes, weights):
                    found.append({"label": label, "score": None, "stage_weight": round(float(weight), 3),
                                  "box": [int(x), int(y), int(x + w), int(y + h)]})
        return dedupe(found)

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        import numpy as np

        path = file_input(inputs, "image", self.task)
        image = open_image(path)
        gray = self.cv2.equalizeHist(self.cv2.cvtColor(np.asarray(image), self.cv2.COLOR_RGB2GRAY))
        objects = sorted(self.detect(gray), key=lambda o: (o["box"][0], o["box"][1]))
        artifact = save_image(draw_boxes(image, objects), ctx, "detections",
                              f"{len(objects)} faces/people detected in {path.name}")
        counts = {label: sum(o["label"] == label for o in objects) for label in self.labels}
        plural = {"face": "faces", "person": "people"}
        summary = ", ".join(f"{n} {label if n == 1 else plural[label]}" for label, n in counts.items() if n)
        text = f"found {summary}; boxes drawn on {artifact.path}" if objects else nothing_detected(self.labels)
        return TaskOutput(text=text, data=objects, artifacts=[artifact])


__all__ = ["CASCADES", "HaarCascadeModel", "dedupe"]
