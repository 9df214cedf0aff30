"""The ranking score's parts: languages of requests and cards, weights, recency, ranked search."""

from __future__ import annotations

import math

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.filters import CardFilter
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.languages import (
    CardLanguages,
    QueryLanguages,
    card_languages,
    id_language_pair,
    language_match,
    language_name,
    languages_for_task,
    normalize_code,
    query_languages,
)
from hugginggpt_tools.model_index.ranking import (
    RankingWeights,
    download_rank,
    recency_share,
    score_positions,
    search_ranked,
)
from hugginggpt_tools.schemas import ModelCard, Task
from hugginggpt_tools.selection import task_languages


@pytest.mark.parametrize(("text", "mentioned", "source", "target"), [
    ("translate to German", {"de"}, None, "de"),
    ("Translate this English text into German", {"en", "de"}, "en", "de"),
    ("German to English please", {"de", "en"}, "de", "en"),
    ("translate from French to English", {"fr", "en"}, "fr", "en"),
    ("an en-de model", {"en", "de"}, "en", "de"),
    ("transcribe the Japanese audio", {"ja"}, None, None),
    ("what does 你好 mean in English", {"zh", "en"}, "zh", None),
    ("polish this paragraph", set(), None, None),
    ("Polish news", {"pl"}, None, None),
    ("read the receipt aloud", set(), None, None),
])
def test_query_languages(text, mentioned, source, target):
    found = query_languages(text)
    assert (set(found.mentioned), found.source, found.target) == (mentioned, source, target)


def test_explicit_source_and_target_win():
    found = query_languages("translate it to French", target="Spanish", source="en")
    assert (found.source, found.target, set(found.mentioned)) == ("en", "es", {"en", "es", "fr"})


@pytest.mark.parametrize(("model_id", "pair"), [
    ("Helsinki-NLP/opus-mt-en-de", ("en", "de")),
    ("Helsinki-NLP/opus-mt-mul-en", ("mul", "en")),
    ("facebook/wmt21-dense-24-wide-en-x", ("en", "x")),
    ("staka/fugumt-ja-en", ("ja", "en")),
    ("facebook/textless_sm_cs_en", ("cs", "en")),
    ("K024/mt5-zh-ja-en-trimmed", None),
    ("damo-vilab/text-to-video-ms-1.7b", None),
    ("t5-base", None),
])
def test_id_language_pairs(model_id, pair):
    assert id_language_pair(model_id) == pair


def test_card_languages_normalise_codes():
    made = card_languages(ModelCard(id="x/y", task="translation", languages=["ru-RU", "eng", "jp", "multilingual"]))
    assert made.codes == {"ru", "en", "ja"} and made.multilingual and made.pair is None
    assert normalize_code("zh_CN") == "zh"


def test_language_match_prefers_the_right_pair_and_direction():
    to_german = query_languages("translate to German")
    en_de, en_es = CardLanguages(pair=("en", "de")), CardLanguages(pair=("en", "es"))
    listed = CardLanguages(codes=frozenset({"en", "de", "fr"}))
    assert language_match(to_german, en_de) == 1.0 and language_match(to_german, en_es) == 0.0
    assert language_match(to_german, listed) == pytest.approx(0.8)
    assert language_match(to_german, CardLanguages()) == 0.5
    de_en = query_languages("German to English")
    assert language_match(de_en, CardLanguages(pair=("de", "en"))) == 1.0
    assert language_match(de_en, en_de) == 0.0 and language_match(de_en, CardLanguages(pair=("mul", "en"))) == 1.0
    assert language_match(QueryLanguages(), en_de) == 0.0


def test_non_translation_tasks_ignore_translation_targets():
    found = query_languages("Transcribe the French audio and translate it to English")
    assert (found.source, found.target) == ("fr", "en")
    assert languages_for_task(found, "automatic-speech-recognition") == QueryLanguages(frozenset({"fr"}))
    assert languages_for_task(found, "translation") == found
    task = Task(id=1, task="translation", args={"text": "hello", "target_language": "German"})
    assert task_languages(task, "please translate").target == "de"


def test_weights_are_validated():
    with pytest.raises(ConfigError, match="Ranking weights must be numbers >= 0"):
        RankingWeights(popularity=-1)
    with pytest.raises(ConfigError, match="half_life_days"):
        RankingWeights(half_life_days=0)


def test_recency_halves_per_half_life():
    now = 1_700_000_000.0
    year_ago = "2022-11-14T22:13:20+00:00"
    shares = recency_share([year_ago, None, "garbage"], half_life_days=365.0, now=now)
    assert shares[0] == pytest.approx(0.5, abs=0.01) and shares[1] == 0.0 and shares[2] == 0.0


CARDS = [
    ModelCard(id="mt/opus-mt-en-de", task="translation", downloads=200_000, likes=10, backends=["x"],
              description="translation model english german", last_modified="2020-01-01T00:00:00Z"),
    ModelCard(id="mt/opus-mt-en-es", task="translation", downloads=2_000_000, likes=400, backends=["x"],
              description="translation model english spanish", last_modified="2025-01-01T00:00:00Z"),
    ModelCard(id="mt/tiny", task="translation", downloads=0, backends=["x"], description="translation model"),
    ModelCard(id="ocr/printed", task="image-to-text", downloads=5, backends=["x"], description="reads printed text"),
]


@pytest.fixture
def index() -> ModelIndex:
    return ModelIndex.build(CARDS, HashEmbedder())


def test_score_parts_follow_the_documented_formula(index):
    vector = index.embed_queries(["translation model"])[0]
    weights = RankingWeights(popularity=0.2, language=0.3, likes=0.1, recency=0.05)
    scored = score_positions(index, vector, index.positions_for_task("translation"),
                             languages=query_languages("to German"), weights=weights, now=1_767_225_600.0)
    by_id = {s.card.id: s for s in scored}
    en_de, en_es, tiny = by_id["mt/opus-mt-en-de"], by_id["mt/opus-mt-en-es"], by_id["mt/tiny"]
    assert en_de.popularity == pytest.approx(0.2 * math.log10(200_001) / math.log10(2_000_001))
    assert en_es.popularity == pytest.approx(0.2) and tiny.popularity == 0.0
    assert (en_de.language, en_es.language, tiny.language) == (0.3, 0.0, pytest.approx(0.15))
    assert en_es.likes == pytest.approx(0.1) and en_de.likes == pytest.approx(0.1 * math.log10(11) / math.log10(401))
    assert 0 < en_de.recency < en_es.recency < 0.05 and tiny.recency == 0.0
    assert en_de.score == pytest.approx(sum(en_de.components().values()), abs=1e-3)
    assert [s.card.id for s in scored][0] == "mt/opus-mt-en-de"


def test_download_rank_is_jarvis_order(index):
    assert [c.id for c in download_rank(index, index.positions_for_task("translation"))] == [
        "mt/opus-mt-en-es", "mt/opus-mt-en-de", "mt/tiny"]


def test_search_ranked_uses_languages_filters_and_runnable(index):
    found = search_ranked(index, "translation model into German", k=2, where=CardFilter.of(task="translation"))
    assert [s.card.id for s in found] == ["mt/opus-mt-en-de", "mt/opus-mt-en-es"]
    runnable = search_ranked(index, "translation model into German", k=5,
                             where=CardFilter.of(task="translation", runnable=lambda c: c.id != "mt/opus-mt-en-de"))
    assert [s.card.id for s in runnable] == ["mt/opus-mt-en-es", "mt/tiny"]
    everything = search_ranked(index, "reads printed text", k=1)
    assert everything[0].card.id == "ocr/printed"


def test_language_names_come_from_the_one_language_table() -> None:
    assert [language_name(c) for c in ("de", "zh", "pt", "fa", "pl", "la", "xx")] == [
        "German", "Chinese", "Portuguese", "Persian", "Polish", "Latin", "xx"]


def test_the_other_targets_of_a_list_are_not_the_source():
    """"into French and Spanish": each translation's source is not the other target (the Spanish
    one was taken for French to Spanish and offered t5-small)."""
    from hugginggpt_tools.model_index.languages import query_languages

    for target in ("fr", "es"):
        found = query_languages("Translate story.txt into French and Spanish", target=target)
        assert (found.source, found.target) == (None, target)
    assert query_languages("Translate from German into French, Spanish and Italian", target="it").source == "de"
    assert query_languages("this English text into German").source == "en"
