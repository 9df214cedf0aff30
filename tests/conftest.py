"""Test-wide settings: offline Hub, one thread (2-core machines slow down badly otherwise); shared fixtures.

Shared helpers that are not fixtures live in ``helpers.py``, ``fake_embedder.py`` and ``fake_hub.py``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HUGGINGGPT_NUM_THREADS", "1")
# a user catalog (models added with `hugginggpt models add`) must not leak into the tests
os.environ.setdefault("HUGGINGGPT_CATALOG_DIR", os.path.join(tempfile.gettempdir(), f"hugginggpt-test-catalog-{os.getpid()}"))


# ----------------------------------------------------------------------------- shared fixtures
# (imports stay inside them: numpy and the package must load after the settings above)


@pytest.fixture(scope="session")
def ocr() -> Any:
    """The bundled RapidOCR model, loaded once for the session (one thread)."""
    pytest.importorskip("rapidocr_onnxruntime")
    from hugginggpt_tools.backends.bundled import RapidOCRModel
    from hugginggpt_tools.config import Settings

    model = RapidOCRModel(Settings(num_threads=1))
    model.load()
    return model


@pytest.fixture(scope="session")
def bundled_qa() -> Any:
    """The bundled MiniLM extractive question answerer, loaded once for the session."""
    from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveQA
    from hugginggpt_tools.config import Settings

    model = MiniLMExtractiveQA(Settings(num_threads=1))
    model.load()
    return model


@pytest.fixture
def qa_ctx(tmp_path: Path) -> Any:
    """A question-answering run context writing to ``tmp_path / "out"``."""
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.config import Settings

    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="question-answering")


@pytest.fixture
def embedder() -> Any:
    """A fresh hash embedder (``fake_embedder.HashEmbedder``): deterministic, instant, no model loaded."""
    from fake_embedder import HashEmbedder

    return HashEmbedder()


@pytest.fixture
def hash_base_index(tmp_path: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Path]]:
    """A function ``build(cards) -> folder``: saves a base index of ``cards`` embedded with ``embedder``
    to ``tmp_path / "base"`` and makes ``embedder`` the default index embedder; the index cache is
    cleared after the build and after the test."""
    from hugginggpt_tools.model_index import index as index_module
    from hugginggpt_tools.model_index.index import ModelIndex, clear_index_cache

    def build(cards: list[Any]) -> Path:
        base = ModelIndex.build(cards, embedder).save(tmp_path / "base")
        monkeypatch.setattr(index_module, "index_embedder", lambda threads=1, tokens=None: embedder)
        clear_index_cache()
        return base

    yield build
    clear_index_cache()
