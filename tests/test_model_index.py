"""The model catalog, the embedder and the FAISS model index."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.errors import ModelIndexError
from hugginggpt_tools.model_index import catalog
from hugginggpt_tools.model_index.catalog import (
    bundled_cards,
    default_catalog,
    jarvis_card,
    jarvis_cards,
    llm_cards,
    load_cards,
    save_cards,
)
from hugginggpt_tools.model_index.index import ModelIndex, read_manifest
from hugginggpt_tools.schemas import ModelCard
from hugginggpt_tools.tasks import TASK_TYPES

SHIPPED_INDEX = REPO_DIR / "indexes" / "default"
JARVIS_SOURCE = Path("/work/shared/data/jarvis/p0_models.jsonl")


def _load_make_catalog():
    spec = importlib.util.spec_from_file_location("make_catalog", REPO_DIR / "indexes" / "make_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def card(model_id: str, task: str, description: str, downloads: int = 0, backends=("fake",)) -> ModelCard:
    return ModelCard(id=model_id, task=task, description=description, downloads=downloads,
                     backends=list(backends), source="user")


CARDS = [
    card("acme/receipt-ocr", "image-to-text", "reads printed text on receipts and invoices", 100),
    card("acme/photo-captioner", "image-to-text", "writes a caption describing a photo", 5000),
    card("acme/face-detector", "object-detection", "finds faces in a photo with boxes", 10),
    card("acme/news-summarizer", "summarization", "summarizes news articles", 300),
    card("acme/german-translator", "translation", "translates english text to german", 40),
]


@pytest.fixture
def index(embedder: HashEmbedder) -> ModelIndex:
    return ModelIndex.build(CARDS, embedder)


# --- catalog ---------------------------------------------------------------------------------


def test_jarvis_cards_cover_every_task_type_with_honest_backends():
    cards = jarvis_cards()
    assert len(cards) == 673
    assert {c.task for c in cards} == set(TASK_TYPES)
    assert all(c.backends == ["transformers", "hf-inference"] and c.source == "jarvis-p0" for c in cards)
    assert len({(c.id, c.task) for c in cards}) == 673
    finbert = next(c for c in cards if c.id == "ProsusAI/finbert")
    assert finbert.languages == ["en"] and "sentiment-analysis" in finbert.tags
    assert finbert.downloads > 1_000_000 and "financial" in finbert.description.lower()


def test_jarvis_card_normalises_metadata():
    row = {"id": "a/b", "task": "translation", "downloads": 5, "likes": 2, "description": "d",
           "meta": {"language": ["en", "de"], "license": ["mit", "apache-2.0"], "datasets": "wmt16",
                    "tags": ["mt"]}}
    made = jarvis_card(row)
    assert made.languages == ["en", "de"]
    assert made.license == "mit, apache-2.0"
    assert made.tags == ["mt", "dataset:wmt16"]
    bare = jarvis_card({"id": "x", "task": "summarization", "meta": None, "description": None})
    assert (bare.languages, bare.license, bare.tags, bare.description) == ([], None, [], "")


def test_jarvis_cards_bad_file_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "task": "summarization"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ModelIndexError, match=r"bad.jsonl:2"):
        jarvis_cards(path)
    with pytest.raises(ModelIndexError, match="make_catalog.py"):
        jarvis_cards(tmp_path / "absent.jsonl")


def test_llm_cards_are_honest_text_task_cards():
    cards = llm_cards()
    assert [c.task for c in cards] == list(catalog.LLM_TASKS)
    for made in cards:
        assert made.id == "controller-llm" and made.backends == ["llm"] and made.source == "llm"
        assert made.downloads == 0 and made.task in TASK_TYPES
        assert "controller does this task by prompting" in made.description


def test_bundled_cards_read_validate_and_tolerate_absence(tmp_path):
    assert bundled_cards(tmp_path / "absent.json") == []
    good = tmp_path / "cards.json"
    good.write_text(json.dumps([CARDS[0].model_dump(mode="json")]), encoding="utf-8")
    assert bundled_cards(good) == [CARDS[0]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"task": "image-to-text"}]), encoding="utf-8")
    with pytest.raises(ModelIndexError, match="bad.json"):
        bundled_cards(bad)


def test_default_catalog_is_jarvis_bundled_then_llm():
    cards = default_catalog()
    assert cards == jarvis_cards() + bundled_cards() + llm_cards()


def test_save_and_load_cards_round_trip(tmp_path):
    path = save_cards(CARDS, tmp_path / "sub" / "cards.jsonl")
    assert load_cards(path) == CARDS
    path.write_text(path.read_text() + '{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ModelIndexError, match="card 6"):
        load_cards(path)


def test_an_interrupted_save_leaves_the_old_cards_whole(tmp_path):
    path = save_cards(CARDS, tmp_path / "cards.jsonl")

    def failing():
        yield CARDS[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        save_cards(failing(), path)
    assert load_cards(path) == CARDS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.jsonl"]  # no partial file left behind


# --- the catalog converter -------------------------------------------------------------------


def test_clean_description_strips_markdown_and_cuts():
    make_catalog = _load_make_catalog()
    text = ("# Title\n\nSee [the paper](https://arxiv.org/x) ![logo](a.png) <b>bold</b> <!-- c -->\n"
            "```python\nimport torch\n```\n**Use** it: https://example.com `pipe`")
    assert make_catalog.clean_description(text) == "Title See the paper bold Use it: pipe"
    long = make_catalog.clean_description("word " * 1000, max_chars=50)
    assert len(long) <= 50 and long.endswith("…") and "  " not in long
    assert make_catalog.clean_description("Entry not found") == ""


def test_make_catalog_converts_and_is_rerunnable(tmp_path):
    make_catalog = _load_make_catalog()
    source = tmp_path / "src" / "p0_models.jsonl"
    source.parent.mkdir()
    (source.parent / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    rows = [{"id": "a/b", "task": "summarization", "pipeline_tag": "summarization", "downloads": 3, "likes": 1,
             "meta": {"languages": ["en"], "widget": [1], "license": "mit"}, "description": "[x](y) z"}]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "catalog.jsonl"
    assert make_catalog.main([str(source), "--out", str(out)]) == 0
    first = out.read_bytes()
    assert json.loads(first) == {"id": "a/b", "task": "summarization", "pipeline_tag": "summarization",
                                 "downloads": 3, "likes": 1, "meta": {"language": ["en"], "license": "mit"},
                                 "description": "x z"}
    assert (out.parent / "LICENSE-JARVIS").read_text() == "MIT License\n"
    make_catalog.main([str(source), "--out", str(out)])
    assert out.read_bytes() == first


@pytest.mark.skipif(not JARVIS_SOURCE.is_file(), reason="JARVIS source catalog not on this machine")
def test_shipped_catalog_is_the_conversion_of_the_source(tmp_path):
    make_catalog = _load_make_catalog()
    out = tmp_path / "jarvis_p0.jsonl"
    make_catalog.convert(JARVIS_SOURCE, out)
    assert out.read_bytes() == (REPO_DIR / "indexes" / "catalog" / "jarvis_p0.jsonl").read_bytes()


# --- the index -------------------------------------------------------------------------------


def test_search_ranks_by_meaning_and_filters_by_task(index):
    hits = index.search("read the text on this receipt", k=3)
    assert hits[0][0].id == "acme/receipt-ocr"
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    only = index.search("faces in a photo", task="image-to-text", k=10)
    assert {c.id for c, _ in only} == {"acme/receipt-ocr", "acme/photo-captioner"}
    assert index.search("faces in a photo", task="Image Captioning", k=10) == only
    assert index.search("anything", task="text-to-video") == []
    assert index.search("anything", k=0) == []


def test_cards_for_task_and_similarities(index, embedder):
    assert [c.id for c in index.cards_for_task("image-to-text")] == ["acme/receipt-ocr", "acme/photo-captioner"]
    assert index.cards_for_task("OCR") == index.cards_for_task("image-to-text")
    positions = index.positions_for_task("image-to-text")
    queries = index.embed_queries(["receipt text", "photo caption"])
    sims = index.similarities(queries, positions)
    cards_vectors = embedder.encode([index.card_at(p).embedding_text() for p in positions])
    np.testing.assert_allclose(sims, queries @ cards_vectors.T, rtol=1e-5, atol=1e-6)
    assert sims.shape == (2, 2) and sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]


def test_build_refuses_duplicate_cards(embedder):
    with pytest.raises(ModelIndexError, match="acme/receipt-ocr"):
        ModelIndex.build(CARDS + [CARDS[0]], embedder)


def test_save_load_round_trip(index, tmp_path):
    folder = index.save(tmp_path / "idx")
    manifest = read_manifest(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["cards.jsonl", "index.faiss", "manifest.json"]
    assert manifest["count"] == len(CARDS) and manifest["dimension"] == 256
    assert manifest["embedding_model"] == "test/hash-embedder" and manifest["faiss_index_type"] == "IndexFlatIP"
    loaded = ModelIndex.load(folder, HashEmbedder())
    assert loaded.cards == index.cards
    query = "summarize the news"
    assert loaded.search(query, k=5) == index.search(query, k=5)


def _saved(index: ModelIndex, tmp_path: Path) -> Path:
    return index.save(tmp_path / "idx")


def test_load_rejects_changed_cards(index, tmp_path):
    folder = _saved(index, tmp_path)
    cards_file = folder / "cards.jsonl"
    cards_file.write_text(cards_file.read_text().replace("receipts", "bills"), encoding="utf-8")
    with pytest.raises(ModelIndexError, match=r"changed since the index was built.*hugginggpt index build"):
        ModelIndex.load(folder, HashEmbedder())


def test_load_rejects_count_and_dimension_mismatch(index, tmp_path):
    folder = _saved(index, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "count": 99, "dimension": 7}))
    with pytest.raises(ModelIndexError, match=r"count 5 \(manifest: 99\).*dimension 256 \(manifest: 7\)"):
        ModelIndex.load(folder, HashEmbedder())


def test_load_rejects_another_embedding_model(index, tmp_path):
    folder = _saved(index, tmp_path)
    with pytest.raises(ModelIndexError, match=r"'test/hash-embedder'.*'other/model'.*hugginggpt index build"):
        ModelIndex.load(folder, HashEmbedder(name="other/model"))


def test_load_rejects_missing_folder_and_files(index, tmp_path):
    with pytest.raises(ModelIndexError, match=r"No model index.*hugginggpt index build"):
        ModelIndex.load(tmp_path / "nowhere", HashEmbedder())
    folder = _saved(index, tmp_path)
    (folder / "index.faiss").unlink()
    with pytest.raises(ModelIndexError, match=r"lacks index.faiss"):
        ModelIndex.load(folder, HashEmbedder())


def test_embedder_of_wrong_dimension_is_refused(index, tmp_path):
    loaded = ModelIndex.load(_saved(index, tmp_path), HashEmbedder(dimension=32))
    with pytest.raises(ModelIndexError, match="gives 32-dimensional vectors but the index holds 256"):
        loaded.search("x")


def test_incremental_add_is_searchable_and_saved(index, embedder, tmp_path):
    calls_before = len(embedder.calls)
    new = card("acme/speech-to-text", "automatic-speech-recognition", "transcribes meeting recordings")
    index.add([new])
    assert len(embedder.calls) == calls_before + 1 and embedder.calls[-1] == [new.embedding_text()]
    assert index.search("transcribes meeting recordings", k=1)[0][0] == new
    assert index.cards_for_task("automatic-speech-recognition") == [new]
    with pytest.raises(ModelIndexError, match="already in the index"):
        index.add([new])
    reloaded = ModelIndex.load(index.save(tmp_path / "idx"), HashEmbedder())
    assert len(reloaded) == len(CARDS) + 1 and reloaded.cards[-1] == new


def test_importing_the_index_modules_stays_light():
    code = ("import sys, hugginggpt_tools.model_index, hugginggpt_tools.selection; "
            "print(sorted(m for m in ('torch', 'faiss', 'transformers', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    # planning, execution and the bundled backends do not even import numpy (the model_index package
    # does), nor does planning with the cue rules and the words-only node model
    code = ("import sys, hugginggpt_tools.planning, hugginggpt_tools.execution, hugginggpt_tools.backends.bundled; "
            "hugginggpt_tools.planning.OfflinePlanner(matcher=False).plan('Caption a.jpg, then read it aloud'); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_shared_embedders_are_made_once_however_they_are_asked_for():
    from hugginggpt_tools.model_index.embedding import INDEX_MAX_TOKENS, default_embedder, index_embedder

    assert default_embedder() is default_embedder(1) and default_embedder(2) is not default_embedder(1)
    assert index_embedder() is index_embedder(1) is index_embedder(1, INDEX_MAX_TOKENS)


# --- the real embedder and the shipped index ---------------------------------------------------


@pytest.mark.integration
def test_real_embedder_loads_offline():
    from hugginggpt_tools.model_index.embedding import DEFAULT_EMBEDDING_MODEL, Embedder, bundled_model_path

    assert (bundled_model_path() / "modules.json").is_file()
    real = Embedder(num_threads=1)
    vectors = real.encode(["find the objects in this photo", "detect objects in an image", "bake a cake"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384) == (3, real.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert real.name == DEFAULT_EMBEDDING_MODEL


def test_embedder_precision_is_checked_before_anything_loads():
    from hugginggpt_tools.model_index.embedding import Embedder

    with pytest.raises(ValueError, match="precision 'fp16' is not one of auto, float32, bfloat16"):
        Embedder(precision="fp16")
    with pytest.raises(ValueError, match="does not go with quantized=True"):
        Embedder(quantized=True, precision="bfloat16")
    assert "precision='float32'" in repr(Embedder(precision="float32"))


def test_clip_text_cuts_long_texts_at_a_space():
    from hugginggpt_tools.model_index.embedding import clip_text

    assert clip_text("short text", 40) == "short text"
    assert clip_text("one two three four", 9) == "one two"
    assert clip_text("x" * 30, 10) == "x" * 10
    # a space far back is not looked for: text without spaces (Chinese) keeps all it can
    assert clip_text("Summarize this: " + "经济" * 100, 100) == "Summarize this: " + "经济" * 42


@pytest.mark.integration
def test_clipped_card_texts_keep_every_token_the_embedder_reads():
    from hugginggpt_tools.model_index.embedding import CHARS_PER_TOKEN, Embedder, clip_text

    tokenizer = Embedder()._load().tokenizer
    texts = [card.embedding_text() for card in default_catalog()]
    for limit in (32, 128):
        full = tokenizer(texts, truncation=True, max_length=limit)["input_ids"]
        clipped = tokenizer([clip_text(t, CHARS_PER_TOKEN * limit) for t in texts], truncation=True,
                            max_length=limit)["input_ids"]
        assert clipped == full
    assert any(len(t) > CHARS_PER_TOKEN * 32 for t in texts)  # the check above did cut texts


@pytest.mark.integration
def test_bfloat16_embeddings_match_float32_ones_and_auto_follows_the_cpu(monkeypatch):
    from hugginggpt_tools.model_index import embedding

    texts = ["find the objects in this photo", "translate this letter into German", "bake a cake"]
    full = embedding.Embedder(precision="float32")
    half = embedding.Embedder(precision="bfloat16")
    assert (full.dtype, half.dtype) == ("float32", "bfloat16")
    a, b = full.encode(texts), half.encode(texts)
    assert b.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, rtol=1e-5)
    assert min((a * b).sum(axis=1)) > 0.999  # close enough that indexes built either way mix
    monkeypatch.setattr(embedding, "native_bfloat16", lambda: False)
    assert embedding.Embedder().dtype == "float32"
    monkeypatch.setattr(embedding, "native_bfloat16", lambda: True)
    assert embedding.Embedder().dtype == "bfloat16"
    assert embedding.Embedder(quantized=True).dtype == "float32"


@pytest.mark.integration
def test_shipped_index_matches_the_catalog_and_searches():
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.index import clear_index_cache, load_default_index

    clear_index_cache()
    shipped = load_default_index(Settings(index_dir=SHIPPED_INDEX))
    assert load_default_index(Settings(index_dir=SHIPPED_INDEX)) is shipped
    assert shipped.cards == default_catalog(), (
        "indexes/default is stale: rebuild it with `hugginggpt index build`")
    hits = shipped.search("ocr for receipts", task="image-to-text", k=5)
    assert all(c.task == "image-to-text" for c, _ in hits) and len(hits) == 5
    assert any("ocr" in (c.id + " ".join(c.tags)).lower() for c, _ in hits[:2])


@pytest.mark.integration
def test_the_shipped_index_picks_the_bundled_text_classifier_the_request_needs():
    """Two bundled text classifiers run offline (sentiment, language ID): the request's meaning
    chooses between them, so a sentiment request is not answered with a language."""
    from hugginggpt_tools.backends import default_backends
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.index import load_default_index
    from hugginggpt_tools.schemas import Plan, Task
    from hugginggpt_tools.selection import select_models

    settings = Settings(index_dir=SHIPPED_INDEX)
    index, backends = load_default_index(settings), default_backends(settings)
    for request, text, model in [
        ("Is this review positive or negative?", "The soup was cold and the waiter rude.", "bundled/vader-sentiment"),
        ("What is the sentiment of this tweet?", "Best concert of my life!!", "bundled/vader-sentiment"),
        ("Which language is this written in?", "Le chat dort sur le canapé.", "bundled/fasttext-lid176"),
        ("Detect the language of this sentence", "Dies ist ein kurzer Satz.", "bundled/fasttext-lid176"),
    ]:
        plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": text})])
        assert select_models(plan, f"{request} '{text}'", index, backends)[0].model_id == model, request
