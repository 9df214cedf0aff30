"""The bundled MiniLM models need what the model index's embedder needs: one list of packages
(``model_index.embedding``), not a copy in ``backends/bundled_minilm.py`` that can drift from it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hugginggpt_tools.backends.bundled import BUNDLED_MODELS, BundledBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.model_index import bundled_cards, embedding

MINILM = ("bundled/all-MiniLM-L6-v2", "bundled/minilm-extractive-summarizer", "bundled/minilm-extractive-qa")


def test_the_minilm_models_need_the_embedders_packages() -> None:
    for model_id in MINILM:
        assert BUNDLED_MODELS[model_id].packages == (
            embedding.MODEL_PACKAGE, *(name for name, _pip in embedding._ENCODER_PACKAGES))


def test_a_package_the_encoder_comes_to_need_makes_them_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the encoder to import one more package, the models on it could not run without it either."""
    monkeypatch.setattr(embedding, "_ENCODER_PACKAGES",
                        (*embedding._ENCODER_PACKAGES, ("no_such_package_xyz", "no-such-package-xyz")))
    backend = BundledBackend(Settings(num_threads=1))
    cards = {card.id: card for card in bundled_cards()}
    for model_id in MINILM:
        reason = backend.availability(cards[model_id])
        assert reason is not None and "no_such_package_xyz" in reason


def test_importing_the_text_models_imports_no_numpy() -> None:
    code = ("import sys, hugginggpt_tools.backends.bundled_text as t; "
            "assert t.MiniLMExtractiveQA.model_id; print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
