"""The model index at scale: filters, the approximate (IVF) path, upsert/remove, manifest checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.errors import ConfigError, ModelIndexError
from hugginggpt_tools.model_index.filters import CardFilter, license_ids
from hugginggpt_tools.model_index.index import ModelIndex, read_manifest
from hugginggpt_tools.model_index.vector_store import FLAT, IVF, VectorStore, ivf_lists
from hugginggpt_tools.schemas import ModelCard

WORDS = ("receipt invoice text ocr printed scanned photo caption describe scene dog cat street car "
         "speech audio transcribe meeting music noise german french english summary news article").split()


def card(model_id, task, description, *, license=None, languages=(), downloads=0):
    return ModelCard(id=model_id, task=task, description=description, license=license, languages=list(languages),
                     downloads=downloads, backends=["fake"], source="user")


CARDS = [
    card("a/ocr-mit", "image-to-text", "reads printed text on receipts", license="mit", languages=["en"]),
    card("a/ocr-apache", "image-to-text", "reads printed text on invoices", license="Apache-2.0, MIT"),
    card("a/caption", "image-to-text", "writes a caption describing a photo", license="cc-by-nc-4.0"),
    card("a/opus-mt-en-de", "translation", "translates english to german", license="cc-by-4.0"),
    card("a/opus-mt-en-fr", "translation", "translates english to french", license="cc-by-4.0"),
    card("a/nllb", "translation", "translates between many languages", languages=["multilingual"]),
    card("a/asr-de", "automatic-speech-recognition", "transcribes german speech", languages=["de-DE"]),
]


def synthetic(n: int, seed: int = 0) -> list[ModelCard]:
    """``n`` cards of three task types with random word descriptions (for the IVF path)."""
    rng = np.random.default_rng(seed)
    tasks = ["image-to-text", "translation", "summarization"]
    return [card(f"syn/m{i}", tasks[i % 3], " ".join(rng.choice(WORDS, 6)), downloads=int(rng.integers(0, 1000)))
            for i in range(n)]


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder(dimension=64)


@pytest.fixture
def index(embedder) -> ModelIndex:
    return ModelIndex.build(CARDS, embedder)


def ids(hits):
    return [c.id for c, _ in hits]


def test_filters_by_licence_language_and_task(index):
    assert set(ids(index.search("text", k=10, where=CardFilter.of(licenses=["MIT"])))) == {"a/ocr-mit", "a/ocr-apache"}
    german = index.search("translate", k=10, where=CardFilter.of(languages=["German"]))
    assert set(ids(german)) == {"a/opus-mt-en-de", "a/nllb", "a/asr-de"}
    only_mt = index.search("translate", task="translation", k=10, where=CardFilter.of(languages=["de"]))
    assert set(ids(only_mt)) == {"a/opus-mt-en-de", "a/nllb"}
    assert index.search("text", k=10, where=CardFilter.of(task="OCR", licenses=["gpl-3.0"])) == []
    assert license_ids("Apache-2.0, MIT") == ["apache-2.0", "mit"] and license_ids(None) == []


def test_runnable_predicate_is_checked_in_similarity_order(index):
    asked: list[str] = []

    def runnable(c: ModelCard) -> bool:
        asked.append(c.id)
        return c.id != "a/ocr-mit"

    hits = index.search("reads printed text on receipts", task="image-to-text", k=1,
                        where=CardFilter(runnable=runnable))
    assert ids(hits) == ["a/ocr-apache"] and asked[0] == "a/ocr-mit"


def test_small_catalogs_are_exact(index):
    assert index.index_type == FLAT
    vector = index.embed_queries(["translates english to german"])[0]
    exact = index.similarities(vector, range(len(CARDS)))[0]
    hits = index.search(vector, k=3)
    assert [s for _, s in hits] == pytest.approx(sorted(exact, reverse=True)[:3], abs=1e-5)


def test_large_catalogs_use_ivf_and_filtered_search_stays_correct(embedder, tmp_path):
    cards = synthetic(400)
    index = ModelIndex.build(cards, embedder, approx_threshold=100, nprobe=4)
    assert index.index_type == IVF and index.store.nprobe == 4
    query = index.embed_queries(["receipt invoice printed text"])[0]
    positions = index.positions_for_task("image-to-text")
    exact = sorted(((float(s), p) for s, p in zip(index.similarities(query, positions)[0], positions)), reverse=True)
    hits = index.search(query, task="image-to-text", k=5)
    assert all(c.task == "image-to-text" for c, _ in hits) and len(hits) == 5
    assert len({c.id for c, _ in hits} & {cards[p].id for _, p in exact[:5]}) >= 3
    saved = index.save(tmp_path / "ivf")
    assert read_manifest(saved)["faiss_index_type"] == IVF
    loaded = ModelIndex.load(saved, embedder)
    assert loaded.index_type == IVF and loaded.cards == index.cards
    assert ids(loaded.search(query, task="image-to-text", k=5)) == ids(hits)


def test_very_selective_filter_on_ivf_falls_back_to_exact(embedder):
    cards = synthetic(300) + [card("rare/one", "image-to-text", "speech audio", license="rare-licence")]
    index = ModelIndex.build(cards, embedder, approx_threshold=100, nprobe=1)
    exact_calls = []
    original = index.store.exact_search
    index.store.exact_search = lambda *a: exact_calls.append(a) or original(*a)
    hits = index.search("receipt invoice", k=5, where=CardFilter.of(licenses=["rare-licence"]))
    assert ids(hits) == ["rare/one"] and len(exact_calls) == 1


def test_adding_past_the_threshold_upgrades_to_ivf(embedder):
    index = ModelIndex.build(synthetic(90), embedder, approx_threshold=100)
    assert index.index_type == FLAT
    index.add([card(f"more/{i}", "summarization", "news article summary") for i in range(20)])
    assert index.index_type == IVF and len(index) == 110 == len(index.store)
    assert ids(index.search("news article summary", task="summarization", k=3))[0].startswith("more/")


def test_upsert_updates_metadata_in_place_and_reembeds_only_changed_text(index, embedder):
    calls = len(embedder.calls)
    popular = CARDS[0].model_copy(update={"downloads": 99})
    reworded = CARDS[2].model_copy(update={"description": "describes the scene of a street photo"})
    new = card("a/new", "summarization", "summarizes news articles")
    result = index.upsert([popular, reworded, new, CARDS[3]])
    assert (result.added, result.updated, result.reembedded, result.unchanged) == (1, 1, 1, 1) and result.changed
    assert [len(c) for c in embedder.calls[calls:]] == [1, 1]
    assert index.card_at(0).downloads == 99 and index.task_max("image-to-text", "downloads") == 99
    assert ids(index.search("street photo scene", task="image-to-text", k=1)) == ["a/caption"]
    assert not index.upsert([popular]).changed


def test_remove_keeps_the_other_vectors(index, embedder):
    before = index.search("translates english to french", k=7)
    calls = len(embedder.calls)
    assert index.remove([("a/opus-mt-en-de", "translation"), ("nope", "translation")]) == 1
    assert len(embedder.calls) == calls and len(index) == 6 and index.position_of("a/opus-mt-en-de", "translation") is None
    after = index.search("translates english to french", k=6)
    assert after == [hit for hit in before if hit[0].id != "a/opus-mt-en-de"]
    assert index.allowed(CardFilter.of(task="translation")).sum() == 2


def test_index_file_checksum_is_checked(index, embedder, tmp_path):
    folder = index.save(tmp_path / "idx")
    manifest = read_manifest(folder)
    assert manifest["format_version"] == 2 and len(manifest["index_sha256"]) == 64
    ModelIndex.build(CARDS[::-1], embedder).store.write(folder / "index.faiss")
    with pytest.raises(ModelIndexError, match=r"index.faiss changed since the index was built"):
        ModelIndex.load(folder, embedder)


def test_version_1_manifests_still_load(index, embedder, tmp_path):
    folder = index.save(tmp_path / "idx")
    manifest = json.loads((folder / "manifest.json").read_text())
    v1 = {k: manifest[k] for k in ("embedding_model", "dimension", "count", "cards_sha256", "faiss_index_type")}
    (folder / "manifest.json").write_text(json.dumps({"format_version": 1, **v1}))
    assert ModelIndex.load(folder, embedder).cards == CARDS
    (folder / "manifest.json").write_text(json.dumps({"format_version": 3, **v1}))
    with pytest.raises(ModelIndexError, match="format_version 3; this version reads 1, 2"):
        ModelIndex.load(folder, embedder)


def test_manifest_token_limit_must_match_the_embedder(tmp_path):
    class Cut(HashEmbedder):
        max_seq_length = 64

    folder = ModelIndex.build(CARDS, Cut(dimension=64)).save(tmp_path / "cut")
    assert read_manifest(folder)["embedding_max_tokens"] == 64
    other = Cut(dimension=64)
    other.max_seq_length = 128
    with pytest.raises(ModelIndexError, match=r"cut at 64 tokens.*max_seq_length=64"):
        ModelIndex.load(folder, other)


def test_vector_store_validates_settings_and_dimensions():
    with pytest.raises(ConfigError, match="approx_threshold"):
        VectorStore(8, approx_threshold=0)
    store = VectorStore(8)
    with pytest.raises(ModelIndexError, match="3-dimensional vectors for an index of 8"):
        store.add(np.ones((2, 3), dtype=np.float32))
    assert ivf_lists(100_000) == 316 and ivf_lists(10) == 16
