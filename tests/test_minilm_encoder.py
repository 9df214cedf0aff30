"""The pure-torch MiniLM encoder (``model_index.minilm``) against sentence-transformers.

The bundled all-MiniLM-L6-v2 loads without sentence-transformers or transformers; its vectors must
be those sentence-transformers computes (cosine 0.99999 in float32 and int8, 0.999 in bfloat16), so
indexes built with either mix. A folder of any other shape must still load with sentence-transformers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hugginggpt_tools.errors import MissingExtraError
from hugginggpt_tools.model_index import embedding, minilm
from hugginggpt_tools.model_index.embedding import Embedder, bundled_model_path

LONG_ENGLISH = ("The quick brown fox jumps over the lazy dog while the model index ranks image captioning, "
                "speech recognition and translation models by how well their cards match a request. ") * 12

TEXTS = [
    "",
    " ",
    "a",
    "hello",
    "Caption photo.jpg and read it aloud",
    "find the objects in this photo",
    "detect objects in an image",
    "bake a cake",
    "Translate this letter into German, then summarize it in two sentences.",
    "  leading and trailing spaces  ",
    "tab\tseparated\nand\nnew lines\r\n",
    "UPPER CASE SHOUTING TEXT",
    "Ünïcödé café naïve résumé façade",
    "Größe, Straße und Übermaß",
    "Привет, как дела? Переведи этот текст на английский.",
    "日本語のテキストを英語に翻訳してください",
    "请把这段中文总结成一句话",
    "한국어 문장도 처리해야 합니다",
    "مرحبا بالعالم، كيف حالك؟",
    "שלום עולם",
    "नमस्ते दुनिया",
    "Ελληνικά γράμματα",
    "emoji 🎉🔥👍 test",
    "🙂🙂🙂",
    "👩‍👩‍👧‍👦 family emoji with zero-width joiners",
    "[CLS] literal [SEP] special [MASK] tokens [PAD] [UNK]",
    "numbers 3.14159 2,718 1e-9 -42 0x1F",
    "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2?x=1&y=2",
    "code: def f(x): return x ** 2  # comment",
    "punctuation!!! ??? ... ;;; ---",
    "x" * 300,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a" * 150 + " b",
    LONG_ENGLISH,
    LONG_ENGLISH.upper(),
    "经济" * 300,
    " ".join(f"word{i}" for i in range(400)),
    "Résumé: " + "développement durable et énergie renouvelable " * 40,
    "\u200b zero width space and \u00a0 non-breaking space",
    "control\x00chars\x07here",
    "mixed English und Deutsch et français 和中文",
    "audio.wav: transcribe this meeting recording and list the action items",
    "Generate an image of a cat wearing a hat, then describe it",
    "What is in this picture? photo.png",
    "Answer the question using the table in data.csv",
    "segment the people in street.jpg",
    "classify the sentiment of: I absolutely loved this movie!",
    "classify the sentiment of: I absolutely hated this movie!",
    "token " * 255,
    "token " * 254,
    "short",
]

ST_MISSING = "sentence-transformers is not installed: nothing to compare with"


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _sentence_transformers_embedder(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> Embedder:
    """An Embedder that loads the bundled model with sentence-transformers (its fallback path)."""
    pytest.importorskip("sentence_transformers", reason=ST_MISSING)

    def refuse(path: Any) -> Any:
        raise minilm.UnsupportedFolder("forced by the test")

    with monkeypatch.context() as patch:
        patch.setattr(minilm, "inspect_folder", refuse)
        reference = Embedder(**kwargs)
        model = reference._load()
    assert not isinstance(model, minilm.BertSentenceEncoder)
    return reference


# --- which folders take the fast path ---------------------------------------------------------------


def test_importing_minilm_imports_no_torch():
    code = ("import sys, hugginggpt_tools.model_index.minilm as m; "
            "m.unsupported_reason(m.__file__); "
            "print(sorted(n for n in ('torch', 'tokenizers', 'safetensors', 'transformers') if n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_bundled_folder_is_a_plain_bert():
    folder = minilm.inspect_folder(bundled_model_path())
    assert minilm.unsupported_reason(bundled_model_path()) is None
    assert (folder.max_seq_length, folder.normalize, folder.pad_token) == (256, True, "[PAD]")
    assert folder.config["hidden_size"] == 384 and folder.config["num_hidden_layers"] == 6


@pytest.mark.integration
def test_the_bundled_model_loads_without_sentence_transformers():
    code = ("import sys; from hugginggpt_tools.model_index.embedding import Embedder; "
            "e = Embedder(precision='float32'); v = e.encode(['Caption photo.jpg and read it aloud']); "
            "print(type(e._load()).__name__, v.shape, "
            "sorted(n for n in ('transformers', 'sentence_transformers') if n in sys.modules))")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "BertSentenceEncoder (1, 384) []"


def _copy_of_bundled(tmp_path: Path) -> Path:
    """The bundled folder in ``tmp_path``: JSON files copied (to edit), weights and vocab linked."""
    source = bundled_model_path()
    target = tmp_path / "model"
    for path in source.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".json" and path.name != "tokenizer.json":
                destination.write_bytes(path.read_bytes())
            else:
                destination.symlink_to(path)
    return target


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data = change(data) or data
    path.write_text(json.dumps(data), encoding="utf-8")


def test_an_unchanged_copy_of_the_bundled_folder_takes_the_fast_path(tmp_path: Path):
    assert minilm.unsupported_reason(_copy_of_bundled(tmp_path)) is None


VARIANTS = {
    "cls pooling": ("1_Pooling/config.json", lambda c: c.update(pooling_mode_cls_token=True,
                                                                 pooling_mode_mean_tokens=False), "pools by"),
    "mean and max pooling": ("1_Pooling/config.json", lambda c: c.update(pooling_mode_max_tokens=True), "pools by"),
    "new-style cls pooling": ("1_Pooling/config.json", lambda c: {"embedding_dimension": 384, "pooling_mode": "cls"},
                              "pools by"),
    "a dense layer": ("modules.json", lambda m: m.append({"idx": 3, "name": "3", "path": "3_Dense",
                                                          "type": "sentence_transformers.models.Dense"}),
                      "not Transformer"),
    "a custom module": ("modules.json", lambda m: m[0].update(type="my_package.MyTransformer"), "not Transformer"),
    "relative positions": ("config.json", lambda c: c.update(position_embedding_type="relative_key"), "absolute"),
    "approximate gelu": ("config.json", lambda c: c.update(hidden_act="gelu_new"), "gelu"),
    "a roberta": ("config.json", lambda c: c.update(model_type="roberta"), "not 'bert'"),
    "half precision": ("config.json", lambda c: c.update(torch_dtype="float16"), "float16"),
    "a decoder": ("config.json", lambda c: c.update(is_decoder=True), "decoder"),
    "lower-casing by sentence-transformers": ("sentence_bert_config.json", lambda c: c.update(do_lower_case=True),
                                              "do_lower_case"),
    "a default prompt": ("config_sentence_transformers.json", lambda c: c.update(
        prompts={"query": "query: "}, default_prompt_name="query"), "default prompt"),
    "a cased tokenizer config": ("tokenizer_config.json", lambda c: c.update(do_lower_case=False), "normalizes"),
    "left padding": ("tokenizer_config.json", lambda c: c.update(padding_side="left"), "pads"),
    "another tokenizer": ("tokenizer_config.json", lambda c: c.update(tokenizer_class="XLMRobertaTokenizer"),
                          "not a BertTokenizer"),
    "a pooling dimension": ("1_Pooling/config.json", lambda c: c.update(word_embedding_dimension=768), "dimension"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_folder_of_another_shape_is_turned_down(tmp_path: Path, variant: str):
    folder = _copy_of_bundled(tmp_path)
    name, change, why = VARIANTS[variant]
    _edit(folder / name, change)
    reason = minilm.unsupported_reason(folder)
    assert reason is not None and why in reason, reason


def test_weights_of_another_shape_are_turned_down(tmp_path: Path):
    folder = _copy_of_bundled(tmp_path)
    _edit(folder / "config.json", lambda c: c.update(num_hidden_layers=5))  # the file has 6 layers
    assert "unexpected" in minilm.unsupported_reason(folder)
    (folder / "model.safetensors").unlink()
    assert "no model.safetensors" in minilm.unsupported_reason(folder)
    assert "not a folder" in minilm.unsupported_reason(tmp_path / "nowhere")


@pytest.mark.integration
def test_a_cls_pooled_folder_loads_with_sentence_transformers(tmp_path: Path):
    pytest.importorskip("sentence_transformers", reason=ST_MISSING)
    folder = _copy_of_bundled(tmp_path)
    _edit(folder / "1_Pooling/config.json", lambda c: c.update(pooling_mode_cls_token=True,
                                                                pooling_mode_mean_tokens=False))
    other = Embedder(folder, precision="float32")
    model = other._load()
    assert not isinstance(model, minilm.BertSentenceEncoder)
    assert type(model).__name__ == "SentenceTransformer"
    # and it is a different model: CLS pooling is not what the bundled MiniLM computes
    texts = ["find the objects in this photo", "bake a cake"]
    assert _cosines(other.encode(texts), Embedder(precision="float32").encode(texts)).max() < 0.99


def test_missing_encoder_packages_are_named(monkeypatch: pytest.MonkeyPatch):
    real = embedding.importlib.util.find_spec
    monkeypatch.setattr(embedding.importlib.util, "find_spec",
                        lambda name, *a: None if name == "tokenizers" else real(name, *a))
    with pytest.raises(MissingExtraError, match="pip install 'tokenizers'"):
        Embedder()._load()


# --- the same vectors as sentence-transformers ------------------------------------------------------


@pytest.fixture(scope="module")
def st_model() -> Any:
    sentence_transformers = pytest.importorskip("sentence_transformers", reason=ST_MISSING)
    return sentence_transformers.SentenceTransformer(str(bundled_model_path()), device="cpu", local_files_only=True)


def test_the_texts_cover_what_they_should():
    fast = minilm.load_encoder(bundled_model_path())
    lengths = [len(ids) for ids in fast.tokenizer(TEXTS)["input_ids"]]
    assert len(TEXTS) >= 50 and min(lengths) == 2 and sum(n > 256 for n in lengths) >= 4
    assert 256 in lengths and 257 in lengths  # "token " * 254 and 255: right at the limit


@pytest.mark.integration
@pytest.mark.parametrize("max_seq_length", [None, 32, 128])
def test_float32_vectors_and_tokens_match_sentence_transformers(st_model: Any, max_seq_length: int | None):
    fast = minilm.load_encoder(bundled_model_path())
    st_model.max_seq_length = max_seq_length or 256
    if max_seq_length is not None:
        fast.max_seq_length = max_seq_length
    assert fast.max_seq_length == st_model.max_seq_length
    features = st_model.preprocess(TEXTS)
    encodings = fast._tokenizer.encode_batch(TEXTS)
    assert features["input_ids"].tolist() == [e.ids for e in encodings]
    assert features["attention_mask"].tolist() == [e.attention_mask for e in encodings]
    assert features["token_type_ids"].tolist() == [e.type_ids for e in encodings]
    options = {"batch_size": 32, "normalize_embeddings": True, "convert_to_numpy": True, "show_progress_bar": False}
    expected = st_model.encode(TEXTS, **options)
    got = fast.encode(TEXTS, **options)
    assert got.dtype == np.float32 and got.shape == expected.shape == (len(TEXTS), 384)
    assert _cosines(got, expected).min() >= 0.99999
    if max_seq_length == 32:  # batches of any size give the same vectors, in the order of the texts (cheap at 32)
        for batch_size in (1, 7):
            assert _cosines(fast.encode(TEXTS, batch_size=batch_size, normalize_embeddings=True), got).min() >= 0.99999
        assert _cosines(fast.encode(TEXTS[::-1], normalize_embeddings=True)[::-1], got).min() >= 0.99999
    # the Normalize module: vectors come back unit length even without normalize_embeddings
    np.testing.assert_allclose(np.linalg.norm(fast.encode(TEXTS[:5]), axis=1), 1.0, rtol=1e-5)


@pytest.mark.integration
@pytest.mark.parametrize(("settings", "bar"), [
    ({"precision": "float32", "max_seq_length": 128}, 0.99999),  # the index embedder's cut, through clip_text
    ({"quantized": True}, 0.99999),  # the planner's embedder
    ({"quantized": True, "max_seq_length": 128}, 0.99999),
    ({"precision": "bfloat16"}, 0.999),  # 'auto' on a CPU with native bfloat16
    ({"precision": "bfloat16", "max_seq_length": 128}, 0.999),
])
def test_embedders_match_their_sentence_transformers_twins(monkeypatch: pytest.MonkeyPatch,
                                                           settings: dict[str, Any], bar: float):
    reference = _sentence_transformers_embedder(monkeypatch, **settings)
    fast = Embedder(**settings)
    assert isinstance(fast._load(), minilm.BertSentenceEncoder)
    assert fast.dtype == reference.dtype and fast.dimension == reference.dimension == 384
    got, expected = fast.encode(TEXTS), reference.encode(TEXTS)
    assert got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, rtol=1e-5)
    assert _cosines(got, expected).min() >= bar
    if settings.get("precision") == "bfloat16" and settings.get("max_seq_length"):  # close to float32 too,
        full = Embedder(precision="float32", max_seq_length=settings["max_seq_length"]).encode(TEXTS)
        assert _cosines(got, full).min() >= 0.999  # so indexes built either way mix


@pytest.mark.integration
def test_the_tokenizer_view_cuts_like_transformers(st_model: Any):
    fast = minilm.load_encoder(bundled_model_path())
    for limit in (32, 128):
        expected = st_model.tokenizer(TEXTS, truncation=True, max_length=limit)["input_ids"]
        assert fast.tokenizer(TEXTS, truncation=True, max_length=limit)["input_ids"] == expected
    assert fast.tokenizer(TEXTS)["input_ids"] == st_model.tokenizer(TEXTS)["input_ids"]
    assert fast.tokenizer("hello")["input_ids"] == [101, 7592, 102]


def test_a_limit_past_the_position_table_cuts_at_the_table():
    fast = minilm.load_encoder(bundled_model_path())
    fast.max_seq_length = 1000  # the model has 512 positions
    vectors = fast.encode(["word " * 2000, "short"], normalize_embeddings=True)
    assert vectors.shape == (2, 384) and np.isfinite(vectors).all()
    assert fast.encode([]).shape == (0, 384)
    with pytest.raises(ValueError, match="at least 2"):
        fast.max_seq_length = 1
