"""Bundled models on the model index's all-MiniLM-L6-v2 embedder: sentence similarity, extractive
summaries and extractive answers. They register themselves on import (through :mod:`.bundled_text`)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, ClassVar

from ._answer_kinds import (
    ASKS_WHO_RE,
    answer_type_met,
    answer_type_missing,
    asked_kinds,
    can_hold,
    content_stems,
    counts_text,
    lacking_name,
    stems,
    value_line,
)
from ._inputs import text_input
from ._letters import asked_header, header_answer, headers, introduction, letter_furniture, signature
from ._sentences import LIST_ITEM_RE, TERMINATED_RE, headings, join_sentences, split_sentences, split_texts
from ._table_rows import ranked_rows
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
    """all-MiniLM-L6-v2 sentence embeddings (the model index's embedder); cosine similarity, with a plain
    reading of it (:meth:`reading`): "similarity 0.874 (cosine, -1 to 1); roughly: nearly the same meaning";
    ``data`` holds ``similarity`` and ``reading``."""

    model_id = "bundled/all-MiniLM-L6-v2"
    task = "sentence-similarity"
    readings: ClassVar[tuple[tuple[float, str], ...]] = (
        (0.80, "nearly the same meaning"),
        (0.60, "close in meaning, or a different point on the same subject"),
        (0.15, "related, but not the same meaning"),
        (float("-inf"), "different topics"),
    )
    """The reading of a score at or above each cut-off, highest first. Calibrated on 66 sentence pairs
    written for it: paraphrases scored 0.63 to 0.97 (half of them 0.80 or more), pairs on the same subject
    making different claims 0.11 to 0.90 (18 of 22 from 0.15 to 0.60; a negation, "smoking is (not)
    allowed", 0.90), unrelated pairs -0.08 to 0.09."""

    @classmethod
    def reading(cls, score: float) -> str:
        """What ``score`` (a cosine similarity) roughly says about the two texts' meaning (:attr:`readings`)."""
        return next(said for cut, said in cls.readings if score >= cut)

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        texts = [text_input(inputs, name, self.task) for name in ("text", "text2")]
        first, second = self.embedder.encode(texts)
        score = round(float(first @ second), 4)
        reading = self.reading(score)
        return TaskOutput(text=f"similarity {score:.3f} (cosine, -1 to 1); roughly: {reading}",
                          data={"similarity": score, "reading": reading})


# ----------------------------------------------------------------------------- extractive summaries

_COUNT = r"(one|a single|single|two|three|four|five|\d{1,2})"
_UNIT = r"(?:lines?|sentences?|(?:bullet )?points?|bullets?)"
_ASKED_LENGTH_RE = re.compile(
    rf"\b{_COUNT}[- ](?:line|sentence|point)s?[- ](?:summary|summaries|synopsis|recap|overview|abstract|digest|"
    rf"version|tl;?dr)\b|\b(?:in|to|into|within|under|at most|no more than|max(?:imum)?(?: of)?) {_COUNT} {_UNIT}\b",
    re.IGNORECASE)
_NUMBERS = {"one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def asked_length(request: str) -> int | None:
    """How many sentences ``request`` asks a summary to keep ("a one-line summary", "in two
    sentences", "in 3 bullet points", "keep it to four sentences"), or None when it asks no count. A
    count of lines that is not the summary's ("the 10-line poem", "a one-line caption", "line by
    line") is not read as one."""
    asked = _ASKED_LENGTH_RE.search(request)
    if not asked:
        return None
    word = (asked.group(1) or asked.group(2)).lower().removeprefix("a ").strip()
    return int(word) if word.isdigit() else _NUMBERS[word]


def summary_length(sentences: int, asked: int | None = None) -> int:
    """How many sentences a summary of ``sentences`` keeps: as many as were ``asked`` for
    (:func:`asked_length`), else about a quarter, 1 to 5; never more than there are."""
    if asked is not None:
        return max(1, min(sentences, asked))
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
    MARKET", "123 Oak Street") are no summary. They come out in the text's order, a line each where
    they are items (:func:`~._sentences.join_sentences`: a slide's lines, a list's items, not run together).
    It quotes the text; it writes nothing new. A text of one or two sentences is its own summary, and so is
    a short list (:meth:`short_list`: a slide's title and bullets, at most ``list_items`` lines and
    ``list_words`` words) unless the request asks for a length.

    An e-mail's or letter's furniture is left out of the summary: its header lines ("From:", "To:",
    "Subject:", "Date:"; :func:`headers`), its salutation, closing and signature
    (:func:`letter_furniture`), and a greeting that only says who is speaking ("Hi, this is Kai from
    the garage."; :func:`introduction`), unless there is nothing else; the length is still about a
    quarter of the whole text. Several texts summarized together (joined by
    :data:`~._sentences.TEXTS_SEPARATOR`, as the planner joins the transcripts of two recordings for
    "summarize them together") are each scored on their own, and each pick is of a text none taken
    is of while there is one, so the summary covers every text (unless the request asks for fewer
    sentences than there are texts); ``data["texts"]`` says how many there were.

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
    list_words: ClassVar[int] = 40
    list_items: ClassVar[int] = 8
    bridge_weight: ClassVar[float] = 0.5
    conclusion_weight: ClassVar[float] = 1.0
    max_sentences: ClassVar[int] = 256
    lead_sentences: ClassVar[int] = 128

    def short_list(self, sentences: list[str]) -> bool:
        """Whether ``sentences`` are the items of a short list, kept whole as its own summary: each a line with no
        sentence end or a list item (a slide's title and bullets, "- Fixed a crash."), at most ``list_items`` of
        them and ``list_words`` words in all (a receipt's dozen lines are summarized)."""
        return (len(sentences) <= self.list_items and sum(len(sentence.split()) for sentence in sentences) <= self.list_words
                and all(not TERMINATED_RE.search(sentence) or LIST_ITEM_RE.match(sentence) for sentence in sentences))

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
        low, high = (float(off.min()), float(off.max())) if off.size else (0.0, 0.0)  # one sentence: no pairs
        threshold = low + self.edge_threshold * (high - low) if high > low else 0.0  # two sentences: one pair
        edges = np.maximum(similarity - threshold, 0.0)
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
             asked: bool = False, parts: list[int] | None = None) -> list[int]:
        """The indexes of the summary's sentences, in the text's order: ``wanted`` of them picked one at
        a time by maximal marginal relevance on ``similarity`` (the sentences' pairwise cosine
        similarities, computed once; each sentence's similarity to the closest one taken is kept up
        to date as sentences are taken), a sentence nearly the same as a taken one skipped. Unless
        the length was ``asked`` for, sentences are added while the summary has fewer than
        ``min_words`` words (the items of a list, the lines of a receipt), at most ``wanted`` more.
        With ``parts`` (which of several texts each sentence is of), each pick is of a text none
        taken is of while there is one, so the summary covers every text it has room for."""
        import numpy as np

        closest = np.full(len(sentences), -np.inf)
        taken = np.zeros(len(sentences), dtype=bool)
        part_of = np.zeros(len(sentences), dtype=int) if parts is None else np.asarray(parts)
        covered = np.zeros(int(part_of.max()) + 1 if len(part_of) else 1, dtype=bool)
        chosen: list[int] = []
        words = 0
        limit = wanted if asked else 2 * wanted
        while not taken.all() and len(chosen) < limit and (len(chosen) < wanted or words < self.min_words):
            penalty = self.mmr_penalty * closest if chosen else 0.0
            open_part = ~covered[part_of] & ~taken
            gains = np.where(taken | (~open_part if open_part.any() else False), -np.inf, scores - penalty)
            best = int(gains.argmax())
            taken[best] = True
            if chosen and float(closest[best]) >= self.redundancy:
                continue
            chosen.append(best)
            covered[part_of[best]] = True
            words += len(sentences[best].split())
            closest = np.maximum(closest, similarity[:, best])
        return sorted(chosen)

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        sentences: list[str] = []
        parts: list[int] = []  # which text each sentence is of
        body: list[int] = []  # the sentences that can be picked: no header line, salutation or sign-off
        texts = split_texts(text_input(inputs, "text", self.task))
        for part, text in enumerate(texts):
            own = split_sentences(text)
            furniture = set(headers(own)) | headings(own) | letter_furniture(own) | {
                k for k, one in enumerate(own) if introduction(one)}
            kept = [k for k in range(len(own)) if k not in furniture] or list(range(len(own)))
            body += [len(sentences) + k for k in kept]
            sentences += own
            parts += [part] * len(own)
        several = {"texts": len(texts)} if len(texts) > 1 else {}
        asked = asked_length(ctx.request or "")
        wanted = summary_length(len(sentences), asked)  # of the whole text, as its reader sees it
        if len(sentences) <= max(2, len(texts)) or len(body) == 1 or asked is None and self.short_list(
                [sentences[k] for k in body]):
            return TaskOutput(text=join_sentences([sentences[k] for k in body]),
                              data={"sentences": body, "of": len(sentences), "considered": len(body), **several})
        considered = [body[k] for k in self.considered(len(body))]
        if len(considered) < len(body):
            logger.info("Summarizing %d sentences from the %d of the text (the first %d and a sample of the rest)",
                        len(considered), len(body), min(self.lead_sentences, len(considered)))
        pool = [sentences[k] for k in considered]
        pool_parts = [parts[k] for k in considered]
        vectors = self.embedder.encode(pool)
        if several:  # each text scored on its own: its lead is what it goes on about
            import numpy as np

            scores = np.zeros(len(pool))
            for part in range(len(texts)):
                mine = [k for k, of in enumerate(pool_parts) if of == part]
                if mine:
                    scores[mine] = self.scores([pool[k] for k in mine], vectors[mine])
        else:
            scores = self.scores(pool, vectors)
        chosen = self.pick(pool, scores, vectors @ vectors.T, wanted if asked is not None else max(wanted, len(texts)),
                           asked=asked is not None, parts=pool_parts if several else None)
        return TaskOutput(text=join_sentences([pool[k] for k in chosen]),
                          data={"sentences": [considered[k] for k in chosen], "of": len(sentences),
                                "considered": len(pool), "scores": [round(float(scores[k]), 4) for k in chosen],
                                **several})


# ----------------------------------------------------------------------------- extractive answers



@register_bundled
class MiniLMExtractiveQA(_MiniLMModel):
    """Extractive question answering with all-MiniLM-L6-v2: the context's sentence closest in
    meaning to the question (cosine similarity of their embeddings, plus ``overlap_weight`` times the
    share of the question's own words it has: "When is the launch date?" is answered by the sentence
    that moves the launch date, not by "The next meeting is on 10 March."), with the sentence next to
    it when that one scores within ``margin`` of it ("What did the mayor promise?" over "... elected
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

    A table read as one sentence per row ("name: Bob Jones, city: Leeds, salary: 41000.") is ranked
    where a question asks for its highest or lowest (:func:`~._table_rows.ranked_rows`: "Which employee
    has the highest salary?" is answered with the row of the largest salary, "Who in Design earns the
    least?" among the Design rows); ``data["by"]`` is "table" and ``data["field"]`` the column. A
    question that counts the text itself ("How many words are in story.txt?"; :func:`counts_text`)
    is declined, as is one that ranks a table by no column it can tell; ``data["reason"]`` says why.

    It says when the text does not answer the question rather than quote a random passage: the
    passage counts as an answer when its similarity is ``confident`` or more, or ``floor`` or more
    and it shares a word with the question other than question words ("Who runs the bakery?" and
    "... run by Tom Baker ..."; a question made only of question words needs just ``floor``) or holds
    what the question asks for (a number, date or time for "when", "how much", "how many"; a colour
    word for "what colour"; a name, a capitalized word inside a sentence, for "who"). Whatever its
    similarity, a passage that cannot hold the kind of answer asked for (:func:`asked_kinds`,
    :func:`can_hold`) is no answer: no colour word for "What colour was her coat?", no number, date
    or word of time for "When ...?", no time of day for "What time ...?" (not "OPEN DAILY"), no month,
    day or year for "Which month/day/year ...?" (nor a mere list of them when it asks which ranks
    first: "Jan Feb Mar" for "Which month had the most sales?"), no amount of money for "How much
    does it cost?", no age for "How old ...?", no number that counts for "How many ...?" (not one of
    a date or an address), no place word or name for "Where ...?", no cause ("because", "so", "due
    to", or a phrase after the question's words: "blocked on ...") for "Why ...?", no phone number,
    e-mail or web address when asked for one ("What's the phone number?"; such a passage answers
    below ``confident`` too). A passage that names the field asked for ("region: South" for "Which
    region ...?", a table's row) can hold any kind. A short label line that cannot hold the kind
    asked for is quoted with the line after it when that one can (:func:`value_line`: "Dentist
    appointment" over "Tuesday 3:30 pm"); else the closest passage that can hold it is the answer if
    it counts as one by its own similarity and shared words. Otherwise the text says 'no passage of
    the text answers "..."' with the closest passage and its similarity, ``data["lacks"]`` names the
    kind it cannot hold, and ``data["found"]`` is false (``data["answer"]`` empty). A declined
    question is no result (``no_result`` :data:`NO_ANSWER`): a task that would read the answer aloud,
    summarize or translate it is skipped, and the decline is given to the user as it is.
    """

    model_id = "bundled/minilm-extractive-qa"
    task = "question-answering"
    margin: ClassVar[float] = 0.1
    confident: ClassVar[float] = 0.4
    floor: ClassVar[float] = 0.2
    overlap_weight: ClassVar[float] = 0.1

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        question = text_input(inputs, "text", self.task)
        sentences = split_sentences(text_input(inputs, "context", self.task))
        counted = counts_text(question)
        if counted:
            return _declined(question, sentences, _COUNT_REASON.format(counted=counted))
        vectors = self.embedder.encode([question, *sentences])
        scores = vectors[1:] @ vectors[0]
        role = asked_header(question)
        given = (signature(sentences) if role == "sender" else header_answer(sentences, role)) if role else None
        if given is not None:
            name, used = given
            return TaskOutput(text=name, data={"answer": name, "found": True, "score": round(float(scores[used[0]]), 4),
                                               "sentences": used, "of": len(sentences),
                                               "by": "signature" if role == "sender" else "header"})
        ranked = ranked_rows(question, sentences)
        if ranked is not None:
            if not ranked.rows:
                return _declined(question, sentences, f"the text is a table and {ranked.reason}")
            rows = " ".join(sentences[k] for k in ranked.rows)
            return TaskOutput(text=rows, data={"answer": rows, "found": True, "sentences": ranked.rows,
                                               "score": round(float(max(scores[k] for k in ranked.rows)), 4),
                                               "of": len(sentences), "by": "table", "field": ranked.field,
                                               "highest": ranked.most})
        return self._quoted(question, sentences, scores)

    def _quoted(self, question: str, sentences: list[str], scores: np.ndarray) -> TaskOutput:
        """The answer quoted from ``sentences`` (``scores`` their similarity to ``question``), or why none is."""
        who = bool(ASKS_WHO_RE.search(question))
        header_lines = headers(sentences)
        furniture = set() if who else letter_furniture(sentences)
        furniture |= {k for k, (said, _value) in header_lines.items() if not (who and said in ("sender", "recipient"))}
        excluded = furniture | set(header_lines)
        anchors = content_stems(question)
        ranking = scores + self.overlap_weight * self._shares(anchors, sentences)
        if len(furniture) < len(sentences):
            ranking[sorted(furniture)] = -2.0  # below any cosine similarity: never chosen
        best = int(ranking.argmax())
        chosen = self._with_neighbour(scores, best, ranking, header_lines)
        passage = " ".join(sentences[k] for k in chosen)
        missing = answer_type_missing(question, passage)
        value = value_line(question, sentences, best, excluded) if missing else None
        if value is not None:  # a label on its own line, its value on the next: "Dentist appointment", "Tuesday 3pm"
            chosen, missing = [best, value], None
            passage = f"{sentences[best]} {sentences[value]}"
        score = round(float(scores[best]), 4)
        if not missing and self._counts(question, anchors, passage, score):
            return TaskOutput(text=passage, data={"answer": passage, "found": True, "score": score,
                                                  "sentences": chosen, "of": len(sentences)})
        if missing:  # the closest passage that can hold the kind asked, if it answers by its own merit
            holders = [k for k in range(len(sentences)) if ranking[k] > -2.0 and k not in excluded
                       and answer_type_missing(question, sentences[k]) is None]
            if holders:
                other = max(holders, key=lambda k: float(ranking[k]))
                near = self._with_neighbour(scores, other, ranking, header_lines)
                held = " ".join(sentences[k] for k in near)
                if self._counts(question, anchors, sentences[other], float(scores[other]), fallback=True):
                    return TaskOutput(text=held, data={"answer": held, "found": True, "sentences": near,
                                                       "score": round(float(scores[other]), 4), "of": len(sentences)})
        closest = passage if len(passage) <= 200 else passage[:197] + "..."
        lacks = f", holds no {lacking_name(missing)}" if missing else ""
        return TaskOutput(text=f'no passage of the text answers "{question}" (the closest, similarity '
                               f'{score:.2f}{lacks}, is "{closest}")',
                          data={"answer": "", "found": False, "closest": passage, "score": score,
                                "sentences": chosen, "of": len(sentences), "lacks": missing}, no_result=NO_ANSWER)

    @staticmethod
    def _shares(anchors: set[str], sentences: list[str]) -> np.ndarray:
        """The share of the question's own words (``anchors``) that each of ``sentences`` has, 0 to 1."""
        import numpy as np

        if not anchors:
            return np.zeros(len(sentences))
        return np.array([len(anchors & stems(sentence)) / len(anchors) for sentence in sentences])

    def _with_neighbour(self, scores: np.ndarray, best: int, ranking: np.ndarray, header_lines: dict) -> list[int]:
        """``best`` and the sentence next to it whose similarity is within ``margin`` of its own (the closer of
        two), in the text's order; no header line, and none that is never chosen (its ``ranking`` is -2)."""
        near = [k for k in (best - 1, best + 1) if 0 <= k < len(scores) and scores[k] >= scores[best] - self.margin
                and ranking[k] > -2.0 and best not in header_lines and k not in header_lines]
        return sorted([best, max(near, key=lambda k: scores[k])]) if near else [best]

    def _counts(self, question: str, anchors: set[str], passage: str, score: float, fallback: bool = False) -> bool:
        """Whether ``passage`` (similarity ``score``) counts as an answer: ``confident`` or more, or ``floor`` or
        more and it shares a word with the question (``anchors``; none needed when it has none) or holds what the
        question asks for (:func:`answer_type_met`). A ``fallback`` passage, a sentence passed over for one closer
        in meaning that cannot hold the kind asked, must share a word itself (not by the sentence next to it:
        "Ivo" for "What colour was Ivo's hat?" beside "he painted the hull dark green")."""
        if score >= self.confident:
            return True
        return score >= self.floor and (not anchors or bool(anchors & stems(passage))
                                        or not fallback and answer_type_met(question, passage))


NO_ANSWER = "no answer"
"""The ``no_result`` of a question no passage answers (:class:`~.base.TaskOutput`): a task that would take the
answer is skipped, "task 1 (question-answering) found no answer, so there was nothing to read aloud"."""

_COUNT_REASON = ("it asks for the number of {counted} in the text itself, which no passage of it says: this answerer "
                 "quotes passages, it does not count (on the command line, wc -w FILE counts words and wc -l lines)")


def _declined(question: str, sentences: list[str], reason: str) -> TaskOutput:
    """The answer that no passage of ``sentences`` answers ``question``, for ``reason``, with no closest passage."""
    return TaskOutput(text=f'no passage of the text answers "{question}": {reason}',
                      data={"answer": "", "found": False, "closest": "", "score": 0.0, "sentences": [],
                            "of": len(sentences), "lacks": None, "reason": reason}, no_result=NO_ANSWER)


__all__ = ["MiniLMExtractiveQA", "MiniLMExtractiveSummarizer", "MiniLMSimilarityModel", "asked_kinds", "asked_length",
           "can_hold", "summary_length"]
