"""Bundled models on the model index's all-MiniLM-L6-v2 embedder: sentence similarity, extractive
summaries and extractive answers. They register themselves on import (through :mod:`.bundled_text`)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, ClassVar

from ._inputs import text_input
from ._letters import asked_header, header_answer, headers, letter_furniture, signature
from ._sentences import split_sentences
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- sentence similarity


class _EmbedderPackages:
    """The import names of the model index's embedder (its model's package, then what its encoder
    imports), read from :mod:`..model_index.embedding` when first asked for: one list for both, and
    importing this module still imports no numpy (the model_index package does)."""

    def __get__(self, instance: object, owner: type | None = None) -> tuple[str, ...]:
        from ..model_index.embedding import _ENCODER_PACKAGES, MODEL_PACKAGE

        return (MODEL_PACKAGE, *(name for name, _pip in _ENCODER_PACKAGES))


class _MiniLMModel(BundledModel):
    """A bundled model on the model index's all-MiniLM-L6-v2 embedder (shared, loaded once)."""

    packages = _EmbedderPackages()  # type: ignore[assignment]

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


_CONCLUSION_RE = re.compile(
    r"(?:(?:so|anyway|but|and|well|finally|all in all)\b[,:]?\s+)?(?:in (?:short|summary|sum|brief|conclusion|a "
    r"nutshell|the end)|to (?:sum up|summari[sz]e|conclude|cut a long story short)|overall|all in all|all told|"
    r"on balance|long story short|ultimately|the (?:bottom line|upshot|verdict|takeaway|key takeaway|short answer)|"
    r"bottom line|tl;?dr|my verdict|verdict|(?:the|my) (?:real |main )?(?:reason|point|question) (?:i am|i'm|is|for)|"
    r"what i (?:need|am asking|want) is)\b", re.IGNORECASE)
"""How a sentence that sums the text up opens ("In short, ...", "Overall ...", "To sum up, ...",
"Anyway, the real reason I am writing: ..."): the point of a text that comes to it last."""
_BRIDGE_RE = re.compile(r"(?:here(?:'s| is| are) (?:how|why|what|the (?:details|steps|reasons))|let me (?:explain|tell "
                        r"you)|(?:this|that) (?:is|was) (?:how|why|what)|the (?:details|steps|reasons|changes) "
                        r"(?:are|follow)|(?:it|this) (?:went|goes) (?:like this|as follows))\b", re.IGNORECASE)


def _bridge(sentence: str) -> bool:
    """Whether ``sentence`` only leads on to what follows: a lead-in ending on a colon ("We changed
    three things:") or a short pointer ("Here is what happened.", "Let me explain."); it says
    nothing by itself."""
    return sentence.endswith(":") or (len(sentence.split()) <= 8 and bool(_BRIDGE_RE.match(sentence)))


@register_bundled
class MiniLMExtractiveSummarizer(_MiniLMModel):
    """An extractive summary with all-MiniLM-L6-v2: the sentences that open what the text goes on about.

    Sentences are scored by directed centrality (PacSum, Zheng and Lapata 2019): the similarity
    (cosine of their embeddings, less a threshold ``edge_threshold`` of the way from the text's
    lowest to its highest pair similarity, floored at 0) of a sentence to the sentences *after* it,
    plus ``backward_weight`` times that to the sentences before it. A sentence that introduces what
    the rest of the text develops scores high (a news lead, an email's request after its greeting,
    a how-to's opening); one that only echoes what came before, or is off topic, scores low. So the
    text's position is weighed together with its content, not by a fixed lead rule. Scores are
    scaled to 0-1 and multiplied by a length prior: a sentence of fewer than ``short_words`` words
    ("Hi all," "The mayor thanked the volunteers.") counts in proportion, one over ``long_words``
    (a table or a list run together with no full stops) in inverse proportion. A sentence that only
    leads on to what follows ("We changed three things:", "Here is what happened.") counts
    ``bridge_weight`` times its score, the first aside (a heading); one that sums the text up ("In
    short, ...", "Overall ...", "To sum up, ...", "Anyway, the real reason I am writing: ...") scores
    ``conclusion_weight`` (times its length prior) at least, so a text that comes to its point
    last (a report's finding, a review's verdict, an email's request after news) is summarized by it.

    The summary is the :func:`summary_length` best (as many as the request asks for, "a one-line
    summary"), picked one at a time by maximal marginal relevance: score less ``mmr_penalty`` times
    the similarity to the closest sentence already taken, never one nearly the same as a taken one
    (similarity ``redundancy`` or more; the pairwise similarities are computed once). Unless the
    request asks for a length, sentences are added while the summary has fewer than ``min_words``
    words, up to twice the number: two items of a list or two lines of a receipt ("GREEN VALLEY
    MARKET", "123 Oak Street") are no summary. They come out in the text's order. It quotes the
    text; it writes nothing new. A text of one or two sentences is its own summary.

    The cost is bounded: a text of more than ``max_sentences`` sentences (a long report, a 1.5 MB
    log) is scored on its first ``lead_sentences`` and an evenly spaced sample of the rest,
    ``max_sentences`` in all (a few seconds on one CPU thread, where embedding every sentence of
    1.5 MB of text took minutes); ``data["considered"]`` says how many were scored.
    """

    model_id = "bundled/minilm-extractive-summarizer"
    task = "summarization"
    redundancy: ClassVar[float] = 0.85
    edge_threshold: ClassVar[float] = 0.3
    backward_weight: ClassVar[float] = 0.0
    short_words: ClassVar[int] = 8
    long_words: ClassVar[int] = 80
    mmr_penalty: ClassVar[float] = 0.3
    min_words: ClassVar[int] = 20
    bridge_weight: ClassVar[float] = 0.5
    conclusion_weight: ClassVar[float] = 1.0
    max_sentences: ClassVar[int] = 256
    lead_sentences: ClassVar[int] = 128

    def considered(self, count: int) -> list[int]:
        """The indexes of the sentences scored out of ``count``: all of them up to ``max_sentences``,
        else the first ``lead_sentences`` and an evenly spaced sample of the rest, the last included."""
        if count <= self.max_sentences:
            return list(range(count))
        lead = min(self.lead_sentences, self.max_sentences - 1)
        rest = self.max_sentences - lead
        step = (count - 1 - lead) / max(rest - 1, 1)
        return list(range(lead)) + sorted({count - 1 - round(i * step) for i in range(rest)})

    def scores(self, sentences: list[str], vectors: np.ndarray) -> np.ndarray:
        """Each sentence's score, 0 to 1: its directed centrality scaled to 0-1, times its length prior;
        a bridge's weighed down, a concluding sentence's raised (see the class's docstring)."""
        import numpy as np

        similarity = vectors @ vectors.T
        off = similarity[~np.eye(len(sentences), dtype=bool)]
        low, high = float(off.min()), float(off.max())
        edges = np.maximum(similarity - (low + self.edge_threshold * (high - low)), 0.0)
        np.fill_diagonal(edges, 0.0)
        centrality = np.triu(edges).sum(axis=1) + self.backward_weight * np.tril(edges).sum(axis=1)
        spread = float(centrality.max() - centrality.min())
        scaled = (centrality - centrality.min()) / spread if spread > 0 else np.ones(len(sentences))
        words = np.array([max(len(sentence.split()), 1) for sentence in sentences], dtype=float)
        prior = np.ones(len(sentences))
        if self.short_words:
            prior = np.minimum(prior, words / self.short_words)
        if self.long_words:
            prior = np.minimum(prior, self.long_words / words)
        scaled = scaled * prior
        if self.bridge_weight < 1:
            scaled = np.where([bool(k) and _bridge(sentence) for k, sentence in enumerate(sentences)],
                              self.bridge_weight * scaled, scaled)
        if self.conclusion_weight:
            concluding = np.array([bool(_CONCLUSION_RE.match(sentence)) for sentence in sentences])
            scaled = np.where(concluding, np.maximum(scaled, self.conclusion_weight * prior), scaled)
        return scaled

    def pick(self, sentences: list[str], scores: np.ndarray, similarity: np.ndarray, wanted: int,
             asked: bool = False) -> list[int]:
        """The indexes of the summary's sentences, in the text's order: ``wanted`` of them picked one at
        a time by maximal marginal relevance on ``similarity`` (the sentences' pairwise cosine
        similarities, computed once; each sentence's similarity to the closest one taken is kept up
        to date as sentences are taken), a sentence nearly the same as a taken one skipped. Unless
        the length was ``asked`` for, sentences are added while the summary has fewer than
        ``min_words`` words (the items of a list, the lines of a receipt), at most ``wanted`` more."""
        import numpy as np

        closest = np.full(len(sentences), -np.inf)
        taken = np.zeros(len(sentences), dtype=bool)
        chosen: list[int] = []
        words = 0
        limit = wanted if asked else 2 * wanted
        while not taken.all() and len(chosen) < limit and (len(chosen) < wanted or words < self.min_words):
            penalty = self.mmr_penalty * closest if chosen else 0.0
            gains = np.where(taken, -np.inf, scores - penalty)
            best = int(gains.argmax())
            taken[best] = True
            if chosen and float(closest[best]) >= self.redundancy:
                continue
            chosen.append(best)
            words += len(sentences[best].split())
            closest = np.maximum(closest, similarity[:, best])
        return sorted(chosen)

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        sentences = split_sentences(text_input(inputs, "text", self.task))
        if len(sentences) <= 2:
            return TaskOutput(text=" ".join(sentences), data={"sentences": list(range(len(sentences))),
                                                              "of": len(sentences), "considered": len(sentences)})
        considered = self.considered(len(sentences))
        if len(considered) < len(sentences):
            logger.info("Summarizing %d sentences from the %d of the text (the first %d and a sample of the rest)",
                        len(considered), len(sentences), min(self.lead_sentences, len(considered)))
        pool = [sentences[k] for k in considered]
        vectors = self.embedder.encode(pool)
        scores = self.scores(pool, vectors)
        chosen = self.pick(pool, scores, vectors @ vectors.T, summary_length(len(sentences), ctx.request),
                           asked=bool(_ASKED_LENGTH_RE.search(ctx.request or "")))
        return TaskOutput(text=" ".join(pool[k] for k in chosen),
                          data={"sentences": [considered[k] for k in chosen], "of": len(sentences),
                                "considered": len(pool), "scores": [round(float(scores[k]), 4) for k in chosen]})


# ----------------------------------------------------------------------------- extractive answers


_QUESTION_WORDS = frozenset("""a about an and any anyone anything are as at be been by can could did do does for from get
got had has have how in is it its many much of on or per some than that the there these this those to was were what when
where which who whom whose why will with would""".split())
"""Words of a question that name nothing to look for in the text."""


def _stems(text: str) -> set[str]:
    """Crude stems of ``text``'s words: lower-cased, a final "s" dropped, cut to five letters ("runs"
    and "run", "starting" and "start", "recalled" and "recall" match)."""
    stems = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        if len(word) > 3 and word.endswith("s"):
            word = word[:-1]
        stems.add(word[:5])
    return stems


_ASKS_AMOUNT_RE = re.compile(r"\b(?:when|how (?:much|many|long|old|often|far)|what (?:time|date|year|day))\b", re.I)
_HAS_AMOUNT_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|noon|midnight)\b",
    re.I)
_ASKS_WHO_RE = re.compile(r"\bwho(?:m|se)?\b", re.I)
_NAME_RE = re.compile(r"(?<=[^\W\d_,;:] )[A-Z][^\W\d_]+")
"""A capitalized word after a word (not opening the sentence, not after a comma): a name."""


def _answer_type_met(question: str, passage: str) -> bool:
    """Whether ``passage`` holds the kind of thing ``question`` asks for: a number, date or time for
    "when", "how much", "how many", "how long"; a name (a capitalized word inside a sentence) for "who"."""
    if _ASKS_AMOUNT_RE.search(question):
        return bool(_HAS_AMOUNT_RE.search(passage))
    if _ASKS_WHO_RE.search(question):
        return bool(_NAME_RE.search(passage))
    return False



@register_bundled
class MiniLMExtractiveQA(_MiniLMModel):
    """Extractive question answering with all-MiniLM-L6-v2: the context's sentence closest in
    meaning to the question (cosine similarity of their embeddings), with the sentence next to it
    when that one scores within ``margin`` of it ("What did the mayor promise?" over "... elected
    Maria Lopez as mayor. She promised to ..."). It quotes the context: it finds the passage that
    holds the answer, it does not cut the answer out of it, reason or write anything new.

    A letter's parts are read as such: a question about who signed, wrote or sent it ("Who signed
    the letter?", "From whom is it?", "Who is the email from?") is answered with the name after its
    closing ("Kind regards," "Sincerely," "Best,", with the role on the line after it) or, with no
    closing, its "From:" line (:func:`signature`), not with the salutation ("Dear ...") that the
    similarity alone finds; and the salutation, closing and signature (:func:`letter_furniture`)
    answer no question that does not ask who ("What did Owen bring back?" is not "Cheers, Owen").
    An e-mail's or memo's header lines (:func:`headers`) are read the same way: a question that asks
    who it went to, when it was sent or what it is about ("Who is the memo addressed to?", "When
    was the email sent?", "What is the subject of the email?"; :func:`asked_header`) is answered with
    the "To:"/"Cc:", "Date:"/"Sent:" or "Subject:" value; otherwise header lines answer nothing (the
    "To: All staff" that "Where should staff gather?" is closest to), but for a "who" question the
    "From:" and "To:" lines, and none is quoted with the sentence next to it.

    It says when the text does not answer the question rather than quote a random passage: the
    passage counts as an answer when its similarity is ``confident`` or more, or ``floor`` or more
    and it shares a word with the question other than question words ("Who runs the bakery?" and
    "... run by Tom Baker ..."; a question made only of question words needs just ``floor``) or holds
    what the question asks for (a number, date or time for "when", "how much", "how many"; a name,
    a capitalized word inside a sentence, for "who").
    Otherwise the text says 'no passage of the text answers "..."' with the closest passage and
    its similarity, and ``data["found"]`` is false (``data["answer"]`` empty).
    """

    model_id = "bundled/minilm-extractive-qa"
    task = "question-answering"
    margin: ClassVar[float] = 0.1
    confident: ClassVar[float] = 0.4
    floor: ClassVar[float] = 0.2

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        question = text_input(inputs, "text", self.task)
        sentences = split_sentences(text_input(inputs, "context", self.task))
        vectors = self.embedder.encode([question, *sentences])
        scores = vectors[1:] @ vectors[0]
        role = asked_header(question)
        given = (signature(sentences) if role == "sender" else header_answer(sentences, role)) if role else None
        if given is not None:
            name, used = given
            return TaskOutput(text=name, data={"answer": name, "found": True, "score": round(float(scores[used[0]]), 4),
                                               "sentences": used, "of": len(sentences),
                                               "by": "signature" if role == "sender" else "header"})
        who = bool(_ASKS_WHO_RE.search(question))
        header_lines = headers(sentences)
        furniture = set() if who else letter_furniture(sentences)
        furniture |= {k for k, (said, _value) in header_lines.items() if not (who and said in ("sender", "recipient"))}
        if len(furniture) < len(sentences):
            scores[sorted(furniture)] = -2.0  # below any cosine similarity: never chosen
        best = int(scores.argmax())
        chosen = [best]
        near = [k for k in (best - 1, best + 1) if 0 <= k < len(sentences) and scores[k] >= scores[best] - self.margin
                and best not in header_lines and k not in header_lines]
        if near:
            chosen = sorted([best, max(near, key=lambda k: scores[k])])
        passage = " ".join(sentences[k] for k in chosen)
        score = round(float(scores[best]), 4)
        anchors = {stem for stem in _stems(question) if stem not in _QUESTION_WORDS}
        found = score >= self.confident or score >= self.floor and (
            not anchors or bool(anchors & _stems(passage)) or _answer_type_met(question, passage))
        if not found:
            closest = passage if len(passage) <= 200 else passage[:197] + "..."
            return TaskOutput(text=f'no passage of the text answers "{question}" (the closest, similarity '
                                   f'{score:.2f}, is "{closest}")',
                              data={"answer": "", "found": False, "closest": passage, "score": score,
                                    "sentences": chosen, "of": len(sentences)})
        return TaskOutput(text=passage, data={"answer": passage, "found": True, "score": score,
                                              "sentences": chosen, "of": len(sentences)})


__all__ = ["MiniLMExtractiveQA", "MiniLMExtractiveSummarizer", "MiniLMSimilarityModel", "summary_length"]
