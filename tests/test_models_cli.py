"""``hugginggpt models search|add|list|remove`` and ``hugginggpt index refresh`` end to end, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_hub import FakeHub, hub_model

from hugginggpt_tools.cli import main
from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.model_index.index import clear_index_cache
from hugginggpt_tools.schemas import ModelCard

CARDS = [
    ModelCard(id="mt/opus-mt-en-de", task="translation", backends=["transformers"], downloads=200_000,
              license="cc-by-4.0", description="translation model english german"),
    ModelCard(id="mt/opus-mt-en-es", task="translation", backends=["transformers"], downloads=2_000_000,
              license="apache-2.0", description="translation model english spanish"),
    ModelCard(id="ocr/printed", task="image-to-text", backends=["transformers"], downloads=5_000, license="mit",
              languages=["en"], description="reads printed text of receipts"),
    ModelCard(id="cap/photos", task="image-to-text", backends=["transformers"], downloads=90_000,
              description="writes captions for photos"),
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hash_base_index) -> dict[str, Path]:
    """A hash-embedded base index and an empty catalog, named by the environment as a user would."""
    base = hash_base_index(CARDS)
    monkeypatch.setenv("HUGGINGGPT_INDEX_DIR", str(base))
    monkeypatch.setenv("HUGGINGGPT_CATALOG_DIR", str(tmp_path / "catalog"))
    monkeypatch.setenv("HUGGINGGPT_MODEL_DIRS", "")
    return {"base": base, "catalog": tmp_path / "catalog", "root": tmp_path}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_search_explain_prints_each_part_of_the_score(env, capsys):
    code, out, _ = run(capsys, "models", "search", "translation model into German", "--task", "translation", "--explain")
    assert code == 0
    header, first, second = out.splitlines()[:3]
    assert header.split() == ["rank", "id", "task", "score", "similarity", "popularity", "language", "likes",
                              "recency", "downloads", "runnable"]
    assert first.split()[1] == "mt/opus-mt-en-de" and second.split()[1] == "mt/opus-mt-en-es"
    assert first.split()[6] == "0.150" and second.split()[6] == "0.000"
    assert "score = similarity + popularity + language + likes + recency" in out


def test_search_json_rows_and_k(env, capsys):
    code, out, _ = run(capsys, "models", "search", "reads printed text", "--json", "-k", "2")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 2 and rows[0]["id"] == "ocr/printed" and rows[0]["rank"] == 1
    first = rows[0]
    assert first["score"] == pytest.approx(sum(first[k] for k in ("similarity", "popularity", "language", "likes",
                                                                 "recency")), abs=1e-3)
    assert first["runnable"] is None and first["downloads"] == 5_000
    code, _, err = run(capsys, "models", "search", "x", "-k", "0")
    assert code == 2 and "-k must be at least 1" in err


def test_search_filters_by_licence_and_language(env, capsys):
    _, out, _ = run(capsys, "models", "search", "model", "--license", "MIT", "--license", "apache-2.0", "--json")
    assert {r["id"] for r in json.loads(out)} == {"ocr/printed", "mt/opus-mt-en-es"}
    _, out, _ = run(capsys, "models", "search", "model", "--language", "English", "--json")
    assert {r["id"] for r in json.loads(out)} == {"ocr/printed", "mt/opus-mt-en-de", "mt/opus-mt-en-es"}
    _, out, _ = run(capsys, "models", "search", "model", "--language", "de", "--json")
    assert [r["id"] for r in json.loads(out)] == ["mt/opus-mt-en-de"]


def test_add_makes_a_local_model_a_runnable_candidate(env, capsys):
    folder = env["root"] / "my-ocr"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"architectures": ["VisionEncoderDecoderModel"]}))
    (folder / "README.md").write_text("Reads printed text of receipts, fine-tuned on my shop's receipts.")
    code, out, _ = run(capsys, "models", "search", "reads printed text", "--runnable", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "models", "add", str(folder))
    assert code == 0 and "Added local/my-ocr (image-to-text)" in out and str(folder.resolve()) in out
    _, out, _ = run(capsys, "models", "search", "reads printed text of receipts", "--runnable", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["local/my-ocr"] and rows[0]["runnable"] == "transformers"
    _, out, _ = run(capsys, "models", "list", "--user")
    assert "1 user model cards" in out and "local/my-ocr  image-to-text" in out
    code, out, _ = run(capsys, "models", "remove", "local/my-ocr")
    assert code == 0 and "Removed local/my-ocr (image-to-text)" in out
    _, out, _ = run(capsys, "models", "search", "reads printed text", "--runnable", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "models", "remove", "local/my-ocr")
    assert code == 2 and "No user model 'local/my-ocr'" in err


def test_add_without_a_task_it_can_tell_fails_with_the_fix(env, capsys):
    folder = env["root"] / "t5"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"architectures": ["T5ForConditionalGeneration"]}))
    code, _, err = run(capsys, "models", "add", str(folder))
    assert code == 2 and "--task TASK" in err
    code, out, _ = run(capsys, "models", "add", str(folder), "--task", "summarization", "--id", "me/t5-sum")
    assert code == 0 and "Added me/t5-sum (summarization)" in out


def test_index_refresh_fetches_and_merges(env, capsys, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    models = [hub_model("hub/en-fr", "translation", 700, language=["en", "fr"]),
              hub_model("hub/ja-en", "translation", 300)]
    with FakeHub(models, {"hub/en-fr": "Translates English into French."}) as hub:
        code, out, err = run(capsys, "index", "refresh", "--task", "translation", "--limit", "5", "--endpoint", hub.url)
    assert code == 0, err
    assert "Fetched 2 model cards for 1 task types" in out and "The index now holds 6 model cards" in out
    assert "translation" in err  # the progress bar
    _, out, _ = run(capsys, "models", "search", "translates English into French", "--task", "translation", "--json")
    assert json.loads(out)[0]["id"] == "hub/en-fr" and json.loads(out)[0]["source"] == "hub"
    _, out, _ = run(capsys, "models", "list")
    assert "2 user and Hub model cards" in out


@pytest.mark.integration
def test_real_index_ranks_the_german_model_first(capsys, monkeypatch, tmp_path):
    """On the shipped index with MiniLM, "translate to German" now puts opus-mt-en-de above en-es."""
    monkeypatch.setenv("HUGGINGGPT_INDEX_DIR", str(REPO_DIR / "indexes" / "default"))
    monkeypatch.setenv("HUGGINGGPT_CATALOG_DIR", str(tmp_path / "none"))
    clear_index_cache()
    code, out, _ = run(capsys, "models", "search", "translate this text to German", "--task", "translation",
                       "--json", "-k", "3")
    rows = json.loads(out)
    assert code == 0 and rows[0]["id"] == "Helsinki-NLP/opus-mt-en-de" and rows[0]["language"] > 0
    assert "Helsinki-NLP/opus-mt-en-es" not in [r["id"] for r in rows[:1]]
    clear_index_cache()
