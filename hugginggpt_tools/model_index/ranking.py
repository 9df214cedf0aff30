"""The ranking score of a model card for a need, in documented parts.

For a query (the task's need: its type, its text arguments and the user's request) and a card::

    score = similarity                                            cosine(query vector, card vector)
          + w_popularity * log10(1 + downloads) / log10(1 + max downloads of the card's task)
          + w_language   * language_match(query languages, card languages)
          + w_likes      * log10(1 + likes) / log10(1 + max likes of the card's task)
          + w_recency    * 0.5 ** (days since last_modified / half_life_days)

* **similarity** (about -0.1 to 0.8 with MiniLM) carries the meaning: "OCR a receipt" against
  "TrOCR fine-tuned on SROIE receipts".
* **popularity** (0 to ``w_popularity``) is HuggingGPT's download rank made smooth: a model with
  the task's most downloads gets the full weight, one with a tenth of them about 85% of it on
  a catalog whose top model has 10 million. The maximum is over all the task's cards
  (runnable or not), so a card's score does not depend on which others can run.
* **language** (0 to ``w_language``) rewards cards whose languages cover those the request names
  (:func:`~.languages.language_match`): a ``en-de`` pair in the id for "to German", a card
  listing ``zh`` for Chinese audio. 0 for every card when the request names no language.
* **likes** and **recency** are off by default (weight 0): likes mostly duplicate downloads,
  and the shipped catalog has no update times (cards refreshed from the Hub do).

Ties are broken by model id. :class:`RankingWeights` holds the weights.

A model to *download* (the fix named when nothing can run) is chosen differently from one to run:
:func:`suggestion_key` puts first the cards a laptop can run (:func:`laptop_sized`, from the
parameter count :func:`estimated_parameters` reads in the card's id and description) that the
``transformers`` library can load (no other library's tag, :data:`OTHER_LIBRARY_TAGS`), then the
best language match (an ``opus-mt-en-fr`` pair for "into French"; when the request names no
language, the language its text is written in, else English, so "find names in this text" does
not suggest a French-only model: :func:`~.languages.reading_languages`), then the score.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError
from ..schemas import ModelCard
from .languages import MULTI, CardLanguages, QueryLanguages, language_match

if TYPE_CHECKING:  # pragma: no cover
    from .filters import CardFilter
    from .index import ModelIndex

COMPONENTS = ("similarity", "popularity", "language", "likes", "recency")
"""The parts of a score, in the order tables show them."""


@dataclass(frozen=True)
class RankingWeights:
    """Weights of the score's parts after similarity (see the module docstring)."""

    popularity: float = 0.15
    language: float = 0.15
    likes: float = 0.0
    recency: float = 0.0
    half_life_days: float = 365.0

    def __post_init__(self) -> None:
        bad = {k: v for k, v in asdict(self).items() if not (isinstance(v, (int, float)) and v >= 0)}
        if bad or self.half_life_days <= 0:
            raise ConfigError(
                f"Ranking weights must be numbers >= 0 (half_life_days > 0), got {bad or asdict(self)}. "
                "Defaults: popularity=0.15, language=0.15, likes=0, recency=0, half_life_days=365."
            )


@dataclass(frozen=True)
class ScoredCard:
    """A card at an index position with each weighted part of its score."""

    position: int
    card: ModelCard
    similarity: float
    popularity: float = 0.0
    language: float = 0.0
    likes: float = 0.0
    recency: float = 0.0

    @property
    def score(self) -> float:
        return self.similarity + self.popularity + self.language + self.likes + self.recency

    def components(self) -> dict[str, float]:
        """The parts by name, rounded for display."""
        return {name: round(float(getattr(self, name)), 4) for name in COMPONENTS}


def _log_share(values: np.ndarray, maxima: np.ndarray) -> np.ndarray:
    """log10(1 + value) / log10(1 + max), 0 where the maximum is 0."""
    denominator = np.log10(1.0 + np.maximum(maxima, 0.0))
    share = np.log10(1.0 + np.maximum(values, 0.0)) / np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, share, 0.0)


def _timestamp(value: str | None) -> float:
    """Unix time of an ISO 8601 string; NaN when absent or unreadable."""
    if not value:
        return math.nan
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return math.nan


def recency_share(last_modified: Sequence[str | None], half_life_days: float, now: float) -> np.ndarray:
    """0.5 ** (age in days / half life) per card; 0 when the update time is unknown."""
    stamps = np.array([_timestamp(v) for v in last_modified], dtype=np.float64)
    ages = np.maximum(now - stamps, 0.0) / 86_400.0
    return np.where(np.isnan(stamps), 0.0, np.power(0.5, np.nan_to_num(ages) / half_life_days))


def score_positions(
    index: "ModelIndex",
    query_vector: np.ndarray,
    positions: Sequence[int],
    *,
    languages: QueryLanguages | None = None,
    weights: RankingWeights | None = None,
    now: float | None = None,
) -> list[ScoredCard]:
    """Every card at ``positions`` scored for ``query_vector`` (a unit vector), best first."""
    weights = weights or RankingWeights()
    positions = list(positions)
    if not positions:
        return []
    cards = [index.card_at(p) for p in positions]
    sims = index.similarities(query_vector, positions)[0]
    parts = {"similarity": sims.astype(np.float64)}
    if weights.popularity:
        parts["popularity"] = weights.popularity * _log_share(
            np.array([c.downloads for c in cards], float), np.array([index.task_max(c.task, "downloads") for c in cards], float))
    if weights.likes:
        parts["likes"] = weights.likes * _log_share(
            np.array([c.likes for c in cards], float), np.array([index.task_max(c.task, "likes") for c in cards], float))
    if weights.recency:
        parts["recency"] = weights.recency * recency_share(
            [c.last_modified for c in cards], weights.half_life_days, time.time() if now is None else now)
    if weights.language and languages:
        parts["language"] = weights.language * np.array(
            [language_match(languages, index.card_languages(p)) for p in positions], float)
    scored = [
        ScoredCard(position=p, card=c, **{name: float(values[i]) for name, values in parts.items()})
        for i, (p, c) in enumerate(zip(positions, cards))
    ]
    return sorted(scored, key=lambda s: (-s.score, s.card.id, s.position))


def search_ranked(
    index: "ModelIndex",
    query: str,
    *,
    k: int = 10,
    where: "CardFilter | None" = None,
    weights: RankingWeights | None = None,
    pool: int = 256,
) -> list[ScoredCard]:
    """The ``k`` best cards for ``query`` by the full score, among those ``where`` allows.

    Every allowed card is scored when there are at most ``pool`` of them; otherwise the
    ``pool`` most similar (a FAISS search, approximate on a large index) are. A ``runnable``
    predicate in ``where`` is checked in score order until ``k`` cards pass. The languages
    ``query`` names count with their direction only for translation (or when no task is set).
    """
    from .filters import CardFilter
    from .languages import languages_for_task, query_languages

    where = where or CardFilter()
    vector = index.embed_queries([query])[0]
    positions = index.candidate_positions(vector, where, limit=max(pool, 4 * k))
    languages = languages_for_task(query_languages(query), where.task)
    scored = score_positions(index, vector, positions, languages=languages, weights=weights)
    if where.runnable is None:
        return scored[:k]
    passing: list[ScoredCard] = []
    for item in scored:
        if where.runnable(item.card):
            passing.append(item)
            if len(passing) == k:
                break
    return passing


LAPTOP_PARAMETERS = 1.5e9
"""The most parameters :func:`laptop_sized` allows: about 6 GB of float32 weights, which a laptop's
memory and CPU still run (a 4.7B translation model or a 6B chat model do not)."""

SUGGESTION_POOL = 256
"""How many of a task's best cards (by score, or downloads) :func:`suggestion_key` orders: reading
sizes from every description of a 20,000-card catalog would take about a second."""

SIZE_WORDS: dict[str, float] = {"tiny": 20e6, "mini": 30e6, "small": 60e6, "base": 150e6, "medium": 350e6,
                                "large": 500e6, "huge": 700e6, "xl": 2e9, "xxl": 11e9}
"""Parameters of the usual size words of model ids (``t5-small``, ``DialoGPT-medium``, ``flan-t5-xxl``)."""

LANGUAGE_MODEL_PARAMETERS = 7e9
"""What a text generator with no count or size word whose description calls it a large language
model is taken to have (most such models have billions of parameters)."""

GENERATIVE_TASKS = frozenset({"text-generation", "conversational", "text2text-generation"})
"""Task types whose "large language models" are large (a classifier's card cites "FinBERT: A Large
Language Model for ..." of a BERT-base model)."""

OTHER_LIBRARY_TAGS = frozenset({
    "fairseq", "speechbrain", "espnet", "asteroid", "sklearn", "skops", "keras", "diffusers",
    "stable-diffusion-diffusers", "yolo", "yolov5", "yolov8", "ultralytics", "spacy", "flair", "fastai",
    "tensorflowtts", "nemo", "paddlepaddle", "pyannote-audio",
})
"""Tags of cards made for a library other than ``transformers`` (its weights hold no model the
``transformers`` backend loads, so downloading them is no fix)."""

_ID_COUNT_RE = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)([mb])(?![a-z0-9])", re.IGNORECASE)
"""A parameter count in a model id's name: ``pygmalion-6b``, ``nllb-200-distilled-600M``, ``ms-1.7b``
(not ``yolov8m``, ``m2m100`` or ``8bit``)."""

_TEXT_COUNT_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(m|b|million|billion)\b[\s-]*param"
    r"|\ban?\s+(\d+(?:\.\d+)?)\s*(m|b|million|billion)\b(?:[\s-]+[\w()-]+){0,4}?[\s-]+model\b", re.IGNORECASE)
"""A parameter count in a description: "124M parameters", "a 6 billion parameter model", "a 4.7B
multilingual encoder-decoder (seq-to-seq) model" (not "trained on 366B tokens")."""

_LANGUAGE_MODEL_RE = re.compile(r"\blarge\b(?:\W+[\w-]+){0,4}?\W+language models?\b", re.IGNORECASE)
"""A description calling the model a large language model ("a large language model", "Large
Open-science Open-access Multilingual Language Model")."""


def _count(number: str, unit: str) -> float:
    return float(number) * (1e9 if unit.lower().startswith("b") else 1e6)


def estimated_parameters(card: ModelCard) -> float | None:
    """The parameter count of ``card``'s model as the card tells it, or None when it does not.

    In order: the largest count written in the id's name (``blenderbot-3B``, ``bloom-560m``);
    the largest size word in it (:data:`SIZE_WORDS`: ``wav2vec2-large-xlsr-53`` is large); the
    first count of parameters or of the model in the description ("124M parameters", "a 4.7B
    multilingual model"; a count of tokens or images is no size, and the id outranks the
    description, which often names other models' sizes); :data:`LANGUAGE_MODEL_PARAMETERS` for a
    text generator (:data:`GENERATIVE_TASKS`) whose description calls it a large language model.
    """
    name = card.id.rsplit("/", 1)[-1]
    counts = [_count(m.group(1), m.group(2)) for m in _ID_COUNT_RE.finditer(name)]
    if counts:
        return max(counts)
    words = [SIZE_WORDS[token] for token in re.split(r"[-_.\s]+", name.lower()) if token in SIZE_WORDS]
    if words:
        return max(words)
    found = _TEXT_COUNT_RE.search(card.description)
    if found:
        return _count(found.group(1) or found.group(3), found.group(2) or found.group(4))
    if card.task in GENERATIVE_TASKS and _LANGUAGE_MODEL_RE.search(card.description):
        return LANGUAGE_MODEL_PARAMETERS
    return None


def laptop_sized(card: ModelCard) -> bool:
    """Whether a laptop can run ``card``'s model: at most :data:`LAPTOP_PARAMETERS` by
    :func:`estimated_parameters` (a card that gives no size counts as one: most are fine-tunes of
    base-sized models)."""
    size = estimated_parameters(card)
    return size is None or size <= LAPTOP_PARAMETERS


def other_library(card: ModelCard) -> bool:
    """Whether ``card`` is tagged with a library other than ``transformers`` (:data:`OTHER_LIBRARY_TAGS`)."""
    return not OTHER_LIBRARY_TAGS.isdisjoint(tag.lower() for tag in card.tags)


def exact_pair(languages: QueryLanguages | None, card: CardLanguages) -> bool:
    """Whether ``card``'s id names the very pair a translation asks for: its target and, when
    given, its source (``opus-mt-ja-en`` for Japanese into English), not a wildcard (``mul-en``,
    ``en-x``) that :func:`~.languages.language_match` scores as high."""
    if languages is None or languages.target is None or card.pair is None:
        return False
    source, target = card.pair
    return target == languages.target and (source == languages.source if languages.source else source != MULTI)


def suggestion_key(card: ModelCard, merit: float, language: float = 0.0,
                   exact: bool = False) -> tuple[bool, bool, float, bool, float, str]:
    """Sort key (smallest first) of the card to suggest downloading for a need no model can run
    now: a card the ``transformers`` library loads (not :func:`other_library`), then one a laptop
    runs (:func:`laptop_sized`), then the best ``language`` match (:func:`~.languages.language_match`
    of the languages the material is in: those the request names, else the text's, else English;
    a card that names no language scores between one that lists them and one that does not), the
    pair model of the languages asked before a wildcard one (``exact``:
    :func:`exact_pair`), then the highest ``merit`` (its ranking score for a request, its
    downloads without one), then the id."""
    return (other_library(card), not laptop_sized(card), -language, not exact, -merit, card.id)


def download_rank(index: "ModelIndex", positions: Sequence[int]) -> list[ModelCard]:
    """The cards at ``positions`` by downloads, most first (JARVIS's ranking; ties by id)."""
    cards = [index.card_at(p) for p in positions]
    return sorted(cards, key=lambda c: (-c.downloads, c.id))


__all__ = [
    "COMPONENTS",
    "LAPTOP_PARAMETERS",
    "OTHER_LIBRARY_TAGS",
    "SIZE_WORDS",
    "SUGGESTION_POOL",
    "RankingWeights",
    "ScoredCard",
    "download_rank",
    "estimated_parameters",
    "exact_pair",
    "laptop_sized",
    "other_library",
    "recency_share",
    "score_positions",
    "search_ranked",
    "suggestion_key",
]
