"""What makes a cold start cheaper without changing a plan: the example vectors kept between
processes (and dropped when the examples or the encoder change), the node model's weights read
feature by feature, and the model index package loading its submodules on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.planning import nodemodel
from hugginggpt_tools.planning.nodemodel import NodeModel
from hugginggpt_tools.planning.semantic import IntentMatcher

EXAMPLES = {"translation": ["translate this into French", "say it in German"],
            "summarization": ["make it shorter", "give me the gist"]}


class CountingEncoder:
    """A deterministic encoder that counts the texts it embeds and has a settable fingerprint."""

    def __init__(self, fingerprint: str = "v1") -> None:
        self.version = fingerprint
        self.encoded: list[str] = []

    def fingerprint(self) -> str:
        return self.version

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        rows = [np.random.default_rng(abs(hash((self.version, t))) % 2**32).normal(size=8) for t in texts]
        array = np.asarray(rows, dtype=np.float32)
        return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_example_vectors_are_kept_between_matchers_and_read_back_unchanged(tmp_path: Path) -> None:
    first = IntentMatcher(CountingEncoder(), EXAMPLES, cache_dir=tmp_path)
    vectors = first._examples()
    assert len(first.encoder.encoded) == 4 and len(list(tmp_path.glob("examples-*.npy"))) == 1
    again = IntentMatcher(CountingEncoder(), EXAMPLES, cache_dir=tmp_path)
    assert np.array_equal(again._examples(), vectors) and again.encoder.encoded == []
    assert again.scores("make it shorter please") == first.scores("make it shorter please")


@pytest.mark.parametrize("change", ["examples", "intent", "encoder"])
def test_a_changed_example_file_or_encoder_embeds_the_examples_again(tmp_path: Path, change: str) -> None:
    IntentMatcher(CountingEncoder(), EXAMPLES, cache_dir=tmp_path)._examples()
    examples = EXAMPLES
    if change == "examples":
        examples = {**EXAMPLES, "translation": ["translate this into Spanish", "say it in German"]}
    elif change == "intent":  # the same phrasings under another intent
        examples = {"translation": EXAMPLES["summarization"], "summarization": EXAMPLES["translation"]}
    encoder = CountingEncoder("v2" if change == "encoder" else "v1")
    matcher = IntentMatcher(encoder, examples, cache_dir=tmp_path)
    assert np.array_equal(matcher._examples(), CountingEncoder(encoder.version).encode(matcher._texts))
    assert len(encoder.encoded) == 4 and len(list(tmp_path.glob("examples-*.npy"))) == 2


def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    IntentMatcher(CountingEncoder(), EXAMPLES, cache_dir=tmp_path)._examples()
    (cached,) = tmp_path.glob("examples-*.npy")
    cached.write_bytes(b"not an array")
    encoder = CountingEncoder()
    assert np.array_equal(IntentMatcher(encoder, EXAMPLES, cache_dir=tmp_path)._examples(),
                          CountingEncoder().encode(list(sum(EXAMPLES.values(), []))))
    assert len(encoder.encoded) == 4 and np.load(cached).shape == (4, 8)
    np.save(cached, np.zeros((3, 8), dtype=np.float32))  # the wrong number of rows
    encoder = CountingEncoder()
    IntentMatcher(encoder, EXAMPLES, cache_dir=tmp_path)._examples()
    assert len(encoder.encoded) == 4


def test_no_cache_without_a_folder_or_a_fingerprint_and_an_unwritable_folder_is_skipped(tmp_path: Path) -> None:
    class Plain(CountingEncoder):
        fingerprint = None  # type: ignore[assignment]

    IntentMatcher(Plain(), EXAMPLES, cache_dir=tmp_path)._examples()
    IntentMatcher(CountingEncoder(), EXAMPLES)._examples()
    assert list(tmp_path.iterdir()) == []
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    matcher = IntentMatcher(CountingEncoder(), EXAMPLES, cache_dir=blocker / "planning")
    assert matcher._examples().shape == (4, 8) and not list(tmp_path.glob("**/*.tmp"))


def test_the_package_matcher_keeps_its_vectors_in_the_settings_cache_folder(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools.planning import semantic

    monkeypatch.setenv("HUGGINGGPT_CACHE_DIR", str(tmp_path))
    assert Settings.from_env().cache_dir == tmp_path
    semantic._default_matcher.cache_clear()
    try:
        assert semantic.IntentMatcher.default().cache_dir == tmp_path / "planning"
    finally:
        semantic._default_matcher.cache_clear()


def test_the_node_models_weights_read_lazily_give_the_same_sums_and_checks() -> None:
    rows = {"w:french": {"0": 2.0, "1": -0.5}, "w:short": {"1": -1.5}, "b:in french": {"0": 1}}
    m = NodeModel(["translation", "summarization"], rows, [-1.0, 0.5])
    assert m.logits({"w:french", "b:in french", "w:unseen"}) == {"translation": 2.0, "summarization": 0.0}
    assert len(m.weights) == 3 and "w:short" in m.weights and m.weights["w:short"] == [(1, -1.5)]
    assert m.weights.get("w:unseen") is None and m.weight("w:french", "summarization") == -0.5
    assert NodeModel.from_dict(m.to_dict()).to_dict() == m.to_dict()
    with pytest.raises(ConfigError, match=r"columns \[2\]"):
        NodeModel(["translation", "summarization"], {"w:x": {"0": 1.0}, "w:y": {"2": 1.0}}, [0.0, 0.0])
    with pytest.raises(ValueError):
        NodeModel(["translation"], {"w:x": {"0": "heavy"}}, [0.0])


def test_the_default_node_model_builds_only_the_model_asked_for_and_matches_the_file() -> None:
    nodemodel._default_model.cache_clear()
    model = NodeModel.default(embedding=False)
    assert nodemodel._default_model.cache_info().currsize == 1
    data = nodemodel._default_data()["words_only"]
    feature, row = next(iter(data["weights"].items()))
    assert model.weights[feature] == [(int(j), float(w)) for j, w in row.items()]
    assert len(model.weights) == len(data["weights"])


def test_the_planners_embedder_loads_without_the_model_index() -> None:
    code = ("import sys; import hugginggpt_tools.model_index.embedding; "
            "import hugginggpt_tools.planning.semantic; "
            "print(sorted(m for m in sys.modules if m.startswith('hugginggpt_tools.model_index')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['hugginggpt_tools.model_index', 'hugginggpt_tools.model_index.embedding']"
    import hugginggpt_tools.model_index as package

    for name in package.__all__:  # every public name still loads
        assert getattr(package, name) is not None
    assert package.index.ModelIndex is package.ModelIndex
    with pytest.raises(AttributeError, match="no_such_name"):
        package.no_such_name  # noqa: B018


def test_the_embedders_fingerprint_is_the_same_for_the_same_settings_and_differs_for_others() -> None:
    from hugginggpt_tools.model_index.embedding import Embedder, planning_embedder

    digest = planning_embedder().fingerprint()
    assert len(digest) == 64 and digest == planning_embedder().fingerprint()
    assert Embedder(num_threads=1, quantized=True).fingerprint() == digest
    assert Embedder(num_threads=1, quantized=True, max_seq_length=64).fingerprint() != digest
