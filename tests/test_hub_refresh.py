"""Refreshing the catalog from a Hub-like HTTP server on 127.0.0.1, and registering Hub ids."""

from __future__ import annotations

import json

import pytest
from fake_embedder import HashEmbedder
from fake_hub import FakeHub, hub_model

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ModelIndexError
from hugginggpt_tools.model_index.hub import HubClient, card_for_hub_id, card_from_model_info
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.refresh import STATE_FILE, refresh_catalog
from hugginggpt_tools.model_index.user_catalog import UserCatalog, merged_index
from hugginggpt_tools.schemas import ModelCard

README_DE = """---
language:
- en
- de
license: apache-2.0
tags:
- translation
datasets:
- wmt16
---
# opus-mt-en-de

Translates **English** text into German. See [the paper](https://example.com/paper).

```python
pipe("Hello")
```
"""

MODELS = [
    hub_model("acme/en-de", "translation", 5000, likes=40, language=["en", "de"], license="apache-2.0"),
    hub_model("acme/en-fr", "translation", 9000, likes=3, tags=["en", "fr", "region:us", "endpoints_compatible"]),
    hub_model("acme/de-en", "translation", 700),
    hub_model("acme/captioner", "image-to-text", 100, license="mit"),
    hub_model("acme/receipt-ocr", "image-to-text", 50_000),
    hub_model("acme/unknown-kind", "made-up-task", 10**6),
]
READMES = {
    "acme/en-de": README_DE,
    "acme/en-fr": "# en-fr\nTranslates English into French.",
    "acme/receipt-ocr": "Reads the printed text of receipts and invoices (OCR).",
    "acme/captioner": "Writes a caption for a photo.",
}


@pytest.fixture
def online(monkeypatch):
    """Let huggingface_hub talk to the loopback server (the test session runs with HF_HUB_OFFLINE=1)."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def hub(online):
    with FakeHub([dict(m) for m in MODELS], READMES) as server:
        yield server


def client(hub: FakeHub, waits: list[float] | None = None, **kwargs) -> HubClient:
    sleeps = waits if waits is not None else []
    return HubClient(hub.url, sleep=sleeps.append, **kwargs)


def test_refresh_lists_by_downloads_reads_readmes_and_writes_cards(hub, tmp_path):
    catalog = UserCatalog(tmp_path / "catalog")
    result = refresh_catalog(catalog, tasks=["translation", "OCR"], limit=2, client=client(hub))
    assert result.tasks == ["translation", "image-to-text"]
    assert (result.listed, result.written, result.resumed) == (4, 4, 0)
    cards = {c.id: c for c in catalog.hub_cards()}
    assert list(cards) == ["acme/en-fr", "acme/en-de", "acme/receipt-ocr", "acme/captioner"]
    en_de = cards["acme/en-de"]
    assert en_de.task == "translation" and en_de.source == "hub" and en_de.backends == ["transformers", "hf-inference"]
    assert (en_de.downloads, en_de.likes, en_de.license) == (5000, 40, "apache-2.0")
    assert en_de.languages == ["en", "de"] and "dataset:wmt16" in en_de.tags
    assert en_de.description == "opus-mt-en-de Translates English text into German. See the paper."
    assert en_de.last_modified.startswith("2025-01-15T10:00:00")
    en_fr = cards["acme/en-fr"]
    assert en_fr.languages == ["en", "fr"] and "region:us" not in en_fr.tags and "endpoints_compatible" not in en_fr.tags
    assert not (catalog.folder / STATE_FILE).exists()
    listed = [r for r in hub.requests if r.startswith("/api/models?")]
    assert len(listed) == 2 and all("sort=downloads" in r and "limit=2" in r for r in listed)
    assert "pipeline_tag=translation" in listed[0] and "pipeline_tag=image-to-text" in listed[1]


def test_gated_readme_is_skipped_not_fatal(hub, tmp_path):
    hub.fail_next("/acme/en-fr/resolve/main/README.md", 403)
    catalog = UserCatalog(tmp_path / "catalog")
    result = refresh_catalog(catalog, tasks=["translation"], limit=2, client=client(hub))
    assert result.written == 2 and next(c for c in catalog.hub_cards() if c.id == "acme/en-fr").description == ""


def test_refresh_follows_pages(hub, tmp_path):
    hub.page_size = 1
    catalog = UserCatalog(tmp_path / "catalog")
    result = refresh_catalog(catalog, tasks=["translation"], limit=3, client=client(hub), readme=False)
    assert [c.id for c in catalog.hub_cards()] == ["acme/en-fr", "acme/en-de", "acme/de-en"]
    assert result.written == 3 and hub.counts["/api/models"] == 3
    assert not any("README" in r for r in hub.requests)


def test_rate_limit_waits_for_retry_after_then_succeeds(hub, tmp_path):
    hub.fail_next("/api/models", 429, times=2, headers={"Retry-After": "7"})
    hub.fail_next("/acme/en-de/resolve/main/README.md", 503)
    waits: list[float] = []
    catalog = UserCatalog(tmp_path / "catalog")
    result = refresh_catalog(catalog, tasks=["translation"], limit=3, client=client(hub, waits))
    assert waits == [7.0, 7.0, 1.0] and result.waits == waits
    assert result.written == 3 and hub.counts["/api/models"] == 3


def test_rate_limit_that_outlasts_the_retries_stops_and_the_next_run_resumes(hub, tmp_path):
    catalog = UserCatalog(tmp_path / "catalog")
    hub.fail_next("/acme/de-en/resolve/main/README.md", 429, times=10, headers={"Retry-After": "1"})
    with pytest.raises(ModelIndexError, match=r"rate limiting.*run the command again"):
        refresh_catalog(catalog, tasks=["translation", "image-to-text"], limit=3, client=client(hub, max_retries=2))
    assert [c.id for c in catalog.hub_cards()] == ["acme/en-fr", "acme/en-de"]
    state = (catalog.folder / STATE_FILE).read_text().splitlines()
    assert json.loads(state[0])["params"]["limit"] == 3 and len(state) == 3
    hub.fail.clear()
    before = dict(hub.counts)
    result = refresh_catalog(catalog, tasks=["translation", "image-to-text"], limit=3, client=client(hub))
    assert (result.resumed, result.written) == (2, 3)
    assert hub.counts["/acme/en-fr/resolve/main/README.md"] == before["/acme/en-fr/resolve/main/README.md"]
    assert [c.id for c in catalog.hub_cards()] == ["acme/en-fr", "acme/en-de", "acme/de-en", "acme/receipt-ocr",
                                                   "acme/captioner"]
    assert not (catalog.folder / STATE_FILE).exists()


def test_a_new_refresh_updates_cards_in_place(hub, tmp_path):
    catalog = UserCatalog(tmp_path / "catalog")
    refresh_catalog(catalog, tasks=["translation"], limit=3, client=client(hub), readme=False)
    next(m for m in hub.models if m["id"] == "acme/en-de")["downloads"] = 123_456
    refresh_catalog(catalog, tasks=["translation"], limit=3, client=client(hub), readme=False)
    cards = catalog.hub_cards()
    assert len(cards) == 3 and len(catalog.hub_file.read_text().splitlines()) == 3
    assert next(c for c in cards if c.id == "acme/en-de").downloads == 123_456


def test_unknown_task_and_bad_limit_are_refused(hub, tmp_path):
    catalog = UserCatalog(tmp_path / "catalog")
    with pytest.raises(ModelIndexError, match=r"Unknown task type 'painting'.*image-to-text"):
        refresh_catalog(catalog, tasks=["painting"], client=client(hub))
    with pytest.raises(ModelIndexError, match="--limit must be at least 1"):
        refresh_catalog(catalog, tasks=["translation"], limit=0, client=client(hub))


def test_offline_mode_is_reported_with_the_fix(tmp_path):
    with FakeHub(MODELS) as server:
        with pytest.raises(ModelIndexError, match="offline mode is on.*Unset HF_HUB_OFFLINE"):
            refresh_catalog(UserCatalog(tmp_path), tasks=["translation"], client=HubClient(server.url))


def test_not_found_is_not_retried(hub):
    waits: list[float] = []
    with pytest.raises(ModelIndexError, match=r"model 'acme/missing'.*HTTP 404"):
        client(hub, waits).model_info("acme/missing")
    assert waits == []


def test_refreshed_cards_merge_into_the_index_incrementally(hub, tmp_path):
    embedder = HashEmbedder()
    base = ModelIndex.build([ModelCard(id="base/sum", task="summarization", backends=["x"], description="summaries")],
                            embedder).save(tmp_path / "base")
    settings = Settings(index_dir=base, catalog_dir=tmp_path / "catalog")
    catalog = UserCatalog(settings.catalog_dir)
    refresh_catalog(catalog, tasks=["translation"], limit=2, client=client(hub))
    merged = merged_index(settings, embedder)
    assert [c.id for c in merged.cards] == ["base/sum", "acme/en-fr", "acme/en-de"]
    assert merged.manifest["base_cards_sha256"] and (catalog.index_dir / "index.faiss").is_file()
    calls = len(embedder.calls)
    next(m for m in hub.models if m["id"] == "acme/en-de")["downloads"] = 1
    refresh_catalog(catalog, tasks=["translation"], limit=3, client=client(hub))
    again = merged_index(settings, embedder)
    assert len(embedder.calls) == calls + 1 and embedder.calls[-1] == [again.cards[-1].embedding_text()]
    assert again.cards[-1].id == "acme/de-en" and again.cards[2].downloads == 1


def test_card_from_model_info_skips_foreign_task_types():
    from huggingface_hub.hf_api import ModelInfo

    info = ModelInfo(**hub_model("x/y", "made-up-task", 1), siblings=None)
    assert card_from_model_info(info) is None
    made = card_from_model_info(info, "", task="summarization")
    assert made is not None and made.task == "summarization" and made.description == ""


def test_register_hub_id_reads_metadata_or_needs_a_task_offline(hub):
    card = card_for_hub_id("acme/receipt-ocr", client=client(hub))
    assert (card.task, card.source, card.downloads) == ("image-to-text", "user", 50_000)
    assert "receipts" in card.description
    offline = HubClient("http://127.0.0.1:9", max_retries=0, sleep=lambda s: None)
    with pytest.raises(ModelIndexError, match=r"Pass its task type.*--task"):
        card_for_hub_id("acme/new", client=offline)
    minimal = card_for_hub_id("acme/new", task="ASR", client=offline)
    assert (minimal.id, minimal.task, minimal.source) == ("acme/new", "automatic-speech-recognition", "user")

