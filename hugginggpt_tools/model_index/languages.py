"""Languages of a request and of a model card, and how well they match.

Ranking uses this to prefer ``Helsinki-NLP/opus-mt-en-de`` over ``opus-mt-en-es`` for
"translate to German": embeddings hardly separate language codes, so the languages a request
names are matched against the card's languages and against a source-target pair in its id.

* :func:`query_languages` finds the languages a text names ("German", "from French to
  English", "en-de") and, for text in a non-Latin script, the script's language. A language
  after "to"/"into" is a *target*, after "from" (or before "to") a *source*.
* :func:`card_languages` reads a card's language codes (normalised: ``ru-RU`` -> ``ru``,
  ``eng`` -> ``en``, ``jp`` -> ``ja``) and a pair such as ``en-de`` in its id.
* :func:`language_match` scores the two in ``[0, 1]`` (see its docstring).
* A target no code is known for ("into Klingon", ``target_language="Klingon"``) is kept as
  :attr:`QueryLanguages.unknown_target`, so no model of another language is taken for it
  (:func:`may_translate_into`).
* :func:`reading_languages` is what a model to suggest for download should read when a request
  names no language: the language its text is written in, else English
  (:data:`DEFAULT_LANGUAGE`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..schemas import ModelCard

LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "spanish": "es", "castilian": "es",
    "italian": "it", "portuguese": "pt", "brazilian": "pt", "dutch": "nl", "flemish": "nl", "russian": "ru",
    "ukrainian": "uk", "belarusian": "be", "bulgarian": "bg", "czech": "cs", "slovak": "sk",
    "slovenian": "sl", "croatian": "hr", "serbian": "sr", "bosnian": "bs", "macedonian": "mk",
    "romanian": "ro", "hungarian": "hu", "greek": "el", "turkish": "tr", "albanian": "sq",
    "lithuanian": "lt", "latvian": "lv", "estonian": "et", "finnish": "fi", "swedish": "sv",
    "norwegian": "no", "danish": "da", "icelandic": "is", "irish": "ga", "welsh": "cy", "catalan": "ca",
    "basque": "eu", "galician": "gl", "esperanto": "eo", "latin": "la", "chinese": "zh", "mandarin": "zh",
    "cantonese": "yue", "japanese": "ja", "korean": "ko", "vietnamese": "vi", "thai": "th", "lao": "lo",
    "khmer": "km", "burmese": "my", "malay": "ms", "indonesian": "id", "tagalog": "tl", "filipino": "tl",
    "hindi": "hi", "urdu": "ur", "bengali": "bn", "punjabi": "pa", "gujarati": "gu", "marathi": "mr",
    "tamil": "ta", "telugu": "te", "kannada": "kn", "malayalam": "ml", "nepali": "ne", "sinhala": "si",
    "arabic": "ar", "hebrew": "he", "persian": "fa", "farsi": "fa", "kurdish": "ku", "armenian": "hy",
    "georgian": "ka", "azerbaijani": "az", "kazakh": "kk", "uzbek": "uz", "mongolian": "mn",
    "tibetan": "bo", "uyghur": "ug", "swahili": "sw", "amharic": "am", "somali": "so", "hausa": "ha",
    "yoruba": "yo", "igbo": "ig", "zulu": "zu", "xhosa": "xh", "afrikaans": "af", "malagasy": "mg",
    "haitian": "ht", "luxembourgish": "lb", "maltese": "mt", "gaelic": "gd", "breton": "br", "corsican": "co",
    "faroese": "fo", "frisian": "fy", "javanese": "jv", "sundanese": "su", "tatar": "tt", "tajik": "tg",
    "kyrgyz": "ky", "turkmen": "tk", "pashto": "ps", "sindhi": "sd", "odia": "or", "assamese": "as",
    "maori": "mi", "samoan": "sm", "quechua": "qu", "guarani": "gn", "wolof": "wo", "lingala": "ln",
    "kinyarwanda": "rw", "shona": "sn", "tigrinya": "ti", "oromo": "om", "yiddish": "yi", "occitan": "oc",
    "bashkir": "ba", "chechen": "ce", "asturian": "ast", "hawaiian": "haw", "scots": "sco",
}
"""English names (and a few endonyms) of languages, lower-cased, to ISO 639-1 codes."""

_CASE_SENSITIVE_NAMES = {"Polish": "pl"}
"""Names that are also common words ("polish the text"): matched only when capitalised."""

_CODE_ALIASES: dict[str, str] = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt",
    "nld": "nl", "dut": "nl", "rus": "ru", "ukr": "uk", "pol": "pl", "ces": "cs", "cze": "cs", "ron": "ro",
    "rum": "ro", "hun": "hu", "ell": "el", "gre": "el", "tur": "tr", "fin": "fi", "swe": "sv", "nor": "no",
    "nob": "no", "nb": "no", "nn": "no", "dan": "da", "zho": "zh", "chi": "zh", "cmn": "zh", "cn": "zh",
    "jpn": "ja", "jp": "ja", "kor": "ko", "vie": "vi", "tha": "th", "ind": "id", "msa": "ms", "zsm": "ms",
    "hin": "hi", "urd": "ur", "ben": "bn", "ara": "ar", "heb": "he", "iw": "he", "fas": "fa", "per": "fa",
    "pes": "fa", "swh": "sw", "swa": "sw", "cat": "ca", "eus": "eu", "glg": "gl", "epo": "eo",
}
"""Three-letter and non-standard codes seen on model cards, to ISO 639-1."""

ISO_639_1 = frozenset(
    "aa ab af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii "
    "ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi "
    "mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw "
    "sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk "
    "ur uz ve vi vo wa wo xh yi yo za zh zu".split()
)

_ID_WORDS = frozenset({"mt", "sm", "ms", "sd", "lg"})
"""Language codes that in model ids almost always mean something else (opus-*mt*, *sm*all, *ms*, *sd*)."""

MULTI = "mul"
"""The code of "many languages" (``opus-mt-mul-en``); ``x`` in ``en-x`` means the same as a target."""

_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("[\u3040-\u30ff]", "ja"), ("[\uac00-\ud7af]", "ko"), ("[\u4e00-\u9fff]", "zh"),
    ("[\u0400-\u04ff]", "ru"), ("[\u0600-\u06ff]", "ar"), ("[\u0900-\u097f]", "hi"),
    ("[\u0370-\u03ff]", "el"), ("[\u0590-\u05ff]", "he"), ("[\u0e00-\u0e7f]", "th"),
)
"""Scripts whose letters tell the language of a text (kana before Han: Japanese uses both)."""

KNOWN_CODES = frozenset({*ISO_639_1, *LANGUAGE_NAMES.values(), *_CASE_SENSITIVE_NAMES.values(),
                         *_CODE_ALIASES.values()})
"""The normalised codes of the languages this module knows (:func:`known_language`)."""

_TARGET_WORDS = {"to", "into"}
_SOURCE_WORDS = {"from"}


@lru_cache(maxsize=1)
def _names_by_code() -> dict[str, str]:
    names: dict[str, str] = {}
    for name, code in [*LANGUAGE_NAMES.items(), *_CASE_SENSITIVE_NAMES.items()]:
        names.setdefault(code, name.title())
    return names


def language_name(code: str) -> str:
    """A language code's English name (the first name :data:`LANGUAGE_NAMES` lists for it), or
    the code itself when none does: ``"de"`` -> ``"German"``."""
    return _names_by_code().get(code, code)


def normalize_code(code: str) -> str:
    """A card's language value as a lower-case base code: ``ru-RU`` -> ``ru``, ``eng`` -> ``en``."""
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return _CODE_ALIASES.get(base, base)


@dataclass(frozen=True)
class QueryLanguages:
    """The languages a request names: ``source`` and ``target`` of a translation, and all of them."""

    mentioned: frozenset[str] = frozenset()
    source: str | None = None
    target: str | None = None
    unknown_target: str | None = None
    """A target language named as written ("Klingon") when no code is known for it
    (:func:`known_language`): no model of another language may stand for it."""

    def __bool__(self) -> bool:
        return bool(self.mentioned)

    def content(self) -> frozenset[str]:
        """The languages of the material itself (a translation's target left out)."""
        return frozenset(c for c in self.mentioned if c != self.target)


@dataclass(frozen=True)
class CardLanguages:
    """A card's languages: normalised codes, a (source, target) pair from its id, multilingual flag."""

    codes: frozenset[str] = frozenset()
    pair: tuple[str, str] | None = None
    multilingual: bool = False


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern[str]:
    names = sorted(LANGUAGE_NAMES, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(names) + r")\b", re.IGNORECASE)


def _mentions(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, code, role)`` of each language named in ``text``, in order.

    ``role`` is ``"source"`` or ``"target"`` when the wording gives it, else ``""``.
    """
    found = [(m.start(), m.end(), LANGUAGE_NAMES[m.group(1).lower()], "") for m in _name_pattern().finditer(text)]
    for name, code in _CASE_SENSITIVE_NAMES.items():
        found += [(m.start(), m.end(), code, "") for m in re.finditer(rf"\b{name}\b", text)]
    for m in re.finditer(r"\b([a-z]{2})\s*(?:->|→|>|-|_to_|2)\s*([a-z]{2})\b", text, re.IGNORECASE):
        first, second = m.group(1).lower(), m.group(2).lower()
        if first in ISO_639_1 and second in ISO_639_1 and first != second:
            found += [(m.start(1), m.end(1), first, "source"), (m.start(2), m.end(2), second, "target")]
    return sorted(found)


def _word_before(text: str, start: int) -> str:
    words = re.findall(r"[a-z]+", text[max(0, start - 20):start].lower())
    return words[-1] if words else ""


def _word_after(text: str, end: int) -> str:
    words = re.findall(r"[a-z]+", text[end:end + 20].lower())
    return words[0] if words else ""


_LIST_GAP = re.compile(r"\s*(?:,|&|\band\b|\bplus\b|\bas well as\b)\s*(?:and\s+)?", re.IGNORECASE)
"""What stands between two languages of a list ("French, German and Italian")."""


def _role(text: str, start: int, end: int) -> str:
    """``"target"`` after "to"/"into", ``"source"`` after "from" or before "to"; else ``""``."""
    if _word_before(text, start) in _TARGET_WORDS:
        return "target"
    if _word_before(text, start) in _SOURCE_WORDS or _word_after(text, end) in _TARGET_WORDS:
        return "source"
    return ""


def script_language(text: str) -> str | None:
    """The language a non-Latin script in ``text`` suggests (kana: ja, Hangul: ko, Han: zh, ...)."""
    for pattern, code in _SCRIPTS:
        if re.search(pattern, text):
            return code
    return None


def query_languages(text: str, *, source: str | None = None, target: str | None = None) -> QueryLanguages:
    """The languages ``text`` names, with a translation's direction where the wording gives it.

    "to German" / "into German" makes German the target, "from French" or "French to ..."
    the source, and so do pairs of codes such as ``en-de``; ``source`` and ``target`` (codes
    or names, e.g. a task's ``target_language`` argument) take precedence. Text in a
    non-Latin script counts as a mention of its language (and as the source). With a target
    and exactly one other language named, that one is the source ("this English text into
    German"); the other targets of a list ("into French and Spanish") are not sources. With no
    target found so, the name after "translate ... into" is the target ("into Simplified Chinese":
    ``zh``); when it is no language known here ("into Klingon", or a ``target`` such as
    "Klingon"), it is kept as written in :attr:`QueryLanguages.unknown_target`.
    """
    unknown = target.strip() if target and not known_language(_as_code(target) or "") else None
    source, target = _as_code(source), _as_code(target)
    mentioned = {c for c in (source, target) if c}
    targets: set[str] = set()  # every language named as a target ("into French and Spanish": both)
    previous: tuple[int, str] = (-1, "")
    for start, end, code, role in _mentions(text):
        role = role or _role(text, start, end)
        if not role and previous[1] == "target" and _LIST_GAP.fullmatch(text, previous[0], start):
            role = "target"
        previous = (end, role)
        if role == "target":
            targets.add(code)
            target = target or code
        elif role == "source" and source is None:
            source = code
        mentioned.add(code)
    scripted = script_language(text)
    if scripted is not None:
        mentioned.add(scripted)
        if source is None and scripted != target:
            source = scripted
    phrase = _target_phrase(text) if target is None else None
    if phrase is not None:  # "into Simplified Chinese": zh; "into Klingon": unknown
        target = _as_code(phrase)
        unknown = None if known_language(target or "") else phrase
        mentioned.add(target)  # type: ignore[arg-type]
    others = mentioned - {target} - targets
    if target is not None and source is None and len(others) == 1:
        source = next(iter(others))
    return QueryLanguages(frozenset(mentioned), source, target, unknown)


def known_language(code: str) -> bool:
    """Whether ``code`` (normalised, :func:`normalize_code`) is a language this module knows: an
    ISO 639-1 code, one :data:`LANGUAGE_NAMES` maps to, or a card alias's ("yue", "en")."""
    return code in KNOWN_CODES


_TARGET_PHRASE_RE = re.compile(
    r"\btranslat\w*\b(?:(?!\b(?:and|then|but|or)\b)[^.;,!?\n])*?\b(?:in)?to\s+(?:the\s+)?"
    r"(?:((?-i:[A-Z][\w'-]*)(?:\s+(?-i:[A-Z][\w'-]*))?)(?:\s+language)?|([a-z][\w'-]*)\s+language)"
    r"(?=\s*(?:[.;,!?\n]|$|\b(?:and|then|please)\b))",
    re.IGNORECASE)
""""translate ... into Klingon": a name right after "to"/"into" in the clause that says translate,
ending it: one or two capitalised words ("Simplified Chinese"), or any word before "language"
("the klingon language")."""


def _target_phrase(text: str) -> str | None:
    """The language named after "translate ... into" (:data:`_TARGET_PHRASE_RE`) as written, quoted
    texts left out ("translate 'fly to Mars'" names none)."""
    from ..planning.resources import quoted_spans  # local: model_index does not load the planner

    masked = text
    for start, end in quoted_spans(text):
        masked = masked[:start] + "\u2026" * (end - start) + masked[end:]
    m = _TARGET_PHRASE_RE.search(masked)
    return (m.group(1) or m.group(2)) if m else None


def _as_code(value: str | None) -> str | None:
    """A language name or code as a normalised code (None stays None): a name with words around
    it ("Simplified Chinese", "Brazilian Portuguese") is the last language it names; what names
    none is kept lower-cased ("Klingon" -> ``"klingon"``, see :func:`known_language`)."""
    if not value:
        return None
    code = LANGUAGE_NAMES.get(value.strip().lower()) or normalize_code(value)
    if not known_language(code):
        named = _mentions(value)
        code = named[-1][2] if named else code
    return code


def id_language_pair(model_id: str) -> tuple[str, str] | None:
    """A (source, target) pair written in a model id, e.g. ``opus-mt-en-de`` -> ``("en", "de")``.

    Exactly two consecutive tokens must be language codes (``mul`` allowed as the source,
    ``x`` as the target); a run of three or more (``mt5-zh-ja-en``) is a language list, not a
    direction.
    """
    tokens = re.split(r"[-_.]", model_id.rsplit("/", 1)[-1].lower())
    runs: list[list[str]] = [[]]
    for token in tokens:
        code = _CODE_ALIASES.get(token, token) if len(token) == 3 else token
        is_code = (code in ISO_639_1 and code not in _ID_WORDS) or (code == MULTI and not runs[-1]) or (code == "x" and runs[-1])
        if is_code:
            runs[-1].append(code)
        elif runs[-1]:
            runs.append([])
    pairs = [run for run in runs if len(run) == 2]
    return (pairs[-1][0], pairs[-1][1]) if pairs else None


def may_translate_into(card: ModelCard, languages: QueryLanguages) -> bool:
    """Whether ``card`` may translate into the target of ``languages``: always when that target is
    a language this module knows (ranking then weighs the card's languages); for an
    :attr:`~QueryLanguages.unknown_target` ("Klingon"), only an LLM (a card tagged ``llm``, which may
    know it) or a card that lists it, by code or name, or has it as the target of its id's pair."""
    if languages.unknown_target is None:
        return True
    if "llm" in card.tags:
        return True
    wanted = {languages.unknown_target.lower(), _as_code(languages.unknown_target)}
    found = card_languages(card)
    return bool(wanted & found.codes) or (found.pair is not None and found.pair[1] in wanted)


def card_languages(card: ModelCard) -> CardLanguages:
    """The languages of ``card`` from its ``languages`` list, its tags and its id."""
    values = [normalize_code(v) for v in card.languages if v]
    multilingual = any(v in ("multilingual", MULTI) for v in values) or "multilingual" in card.tags
    codes = frozenset(v for v in values if v not in ("multilingual", MULTI))
    return CardLanguages(codes, id_language_pair(card.id), multilingual)


DIRECTED_TASKS = frozenset({"translation"})
"""Task types for which the direction of the languages (source, target) matters."""


def languages_for_task(languages: QueryLanguages, task: str | None) -> QueryLanguages:
    """The languages that concern ``task``: all, with direction, for translation (or no task);
    for other task types only the languages of the material (a translation target is not)."""
    if task is None or task in DIRECTED_TASKS:
        return languages
    return QueryLanguages(languages.content())


DEFAULT_LANGUAGE = "en"
"""The language a request that names none, and whose text does not clearly tell another, is taken
to be in (the offline planner reads English; most catalog cards are English)."""


def reading_languages(languages: QueryLanguages | None,
                      text_language: str | Callable[[], str | None] | None = None) -> QueryLanguages:
    """The languages the material of a need is in, for the model to suggest downloading:
    ``languages`` when the request names any (as :func:`query_languages` found them), else
    ``text_language`` (the language its text is clearly written in; a function giving it is
    called only then, so a request that names a language is not language-detected), else
    :data:`DEFAULT_LANGUAGE`. "Find names in this text" with an English text suggests a model
    whose card lists English, not a French one that ranks as high."""
    if languages:
        return languages
    found = text_language() if callable(text_language) else text_language
    return QueryLanguages(frozenset({normalize_code(found or DEFAULT_LANGUAGE)}))


UNKNOWN_MATCH = 0.5
"""Match of a card that names no language: neither evidence for nor against."""

LIST_WITH_DIRECTION = 0.8
"""Match of a card whose language list covers a translation whose direction it cannot confirm."""


def language_match(query: QueryLanguages, card: CardLanguages) -> float:
    """How well ``card`` covers the languages of ``query``, in ``[0, 1]`` (0 when the query names none).

    * a pair in the id (``en-de``): for a query with a target, 1 when the target matches
      (and the source too, when the query gives one), else 0; ``x`` (``en-x``) and ``mul``
      (``mul-en``) match only the languages the card lists (any known language when it lists
      none: never "Klingon"); without a target, the share of the query's languages in the pair;
    * a language list: the share of the query's languages it covers, times 0.8 when the
      query asks for a direction the list cannot confirm;
    * only "multilingual", or nothing: 0.5 (unknown).
    """
    if not query:
        return 0.0
    if card.pair is not None:
        return _pair_match(query, card.pair, card.codes)
    wanted = query.mentioned
    if card.codes:
        share = len(wanted & card.codes) / len(wanted)
        return share * (LIST_WITH_DIRECTION if query.target else 1.0)
    return UNKNOWN_MATCH


def _covers(code: str, codes: frozenset[str]) -> bool:
    """Whether the ``x`` or ``mul`` side of a pair covers ``code``: a language the card lists (any
    known one when it lists none beyond the pair)."""
    return code in codes if len(codes) > 2 else known_language(code)


def _pair_match(query: QueryLanguages, pair: tuple[str, str], codes: frozenset[str] = frozenset()) -> float:
    source, target = pair
    if query.target is not None:
        target_ok = target == query.target or target == "x" and _covers(query.target, codes)
        source_ok = (query.source is None or source == query.source
                     or source == MULTI and _covers(query.source, codes))
        return 1.0 if target_ok and source_ok else 0.0
    covered = [c for c in query.mentioned if c in pair or source == MULTI or target == "x"]
    return len(covered) / len(query.mentioned)


__all__ = [
    "DEFAULT_LANGUAGE",
    "DIRECTED_TASKS",
    "CardLanguages",
    "ISO_639_1",
    "KNOWN_CODES",
    "LANGUAGE_NAMES",
    "language_name",
    "QueryLanguages",
    "card_languages",
    "id_language_pair",
    "known_language",
    "language_match",
    "languages_for_task",
    "may_translate_into",
    "normalize_code",
    "query_languages",
    "reading_languages",
    "script_language",
]
