"""Entities found by their written form (URLs, e-mail addresses, dates, phone numbers, amounts of
money) and their merge with a model's named entities: what :class:`~.bundled_text.SpacyNERModel` adds
to spaCy's guesses."""

from __future__ import annotations

import bisect
import re

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
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-]|@)")
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
    their written form (``_URL_RE``, ``EMAIL_RE``, ``_DATE_RE``, ``_PHONE_RE``, ``_MONEY_RE``), in
    the entity format of :class:`SpacyNERModel` (labels ``URL``, ``EMAIL``, ``DATE``, ``PHONE``,
    ``MONEY``), in the text's order and none overlapping (tried in that order: the digits of a URL
    or a date are no phone number). Version numbers ("2.10.4"), ISBNs, times ("10:30"), years and
    plain numbers match none."""
    found: list[tuple[int, int, str]] = []  # sorted by start, none overlapping: their ends are sorted too
    for label, regex in (("URL", _URL_RE), ("EMAIL", EMAIL_RE), ("DATE", _DATE_RE), ("PHONE", _PHONE_RE),
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


_DIGIT_RUN_RE = re.compile(r"(?<![\w.])\+?\(?\d[\d ()./-]{5,}\d(?![\w.]\d)")
"""Digits run together with spaces, dots, dashes, slashes or brackets: a phone number in a format
``_PHONE_RE`` does not know ("4481 2290"), or a date, a time or a reference."""
_DATE_OR_TIME_RE = re.compile(r"(?<!\d)\d{1,2}[.:]\d{2}(?![\d.:/-]\d)|(?<!\d)\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?!\d)")
"""A time ("10.30", "11:45") or a date of numbers ("12/03/24", "2024-01-15") inside a run of digits."""


def holds_phone_number(text: str) -> bool:
    """Whether ``text`` holds a phone number: one of :func:`pattern_entities`' PHONE entities, or 7 to 15
    digits run together after a word that says phone ("Mobile: 4481 2290"), not a date or a time
    ("12/03/2024", "10.30 - 11.45")."""
    if any(entity["entity"] == "PHONE" for entity in pattern_entities(text)):
        return True
    return any(7 <= sum(ch.isdigit() for ch in run.group()) <= 15 and not _DATE_OR_TIME_RE.search(run.group())
               and _PHONE_CUE_RE.search(text, max(0, run.start() - 40), run.start())
               for run in _DIGIT_RUN_RE.finditer(text))


def line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of ``text[start:end]`` on each of its lines, white space at their ends left out and
    blank ones dropped: where an entity the model read across a line break ("March 3, 2024\n\nHi", a
    date and a salutation) is read again, a line at a time."""
    return [(start + match.start(), start + match.end()) for match in re.finditer(r"[^\s](?:[^\n]*[^\s])?",
                                                                                 text[start:end])]


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


_KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (r"e-?mails?(?:\s+address(?:es)?|\s+ids?)?|e-?mail-?address(?:es)?", ("EMAIL",), "e-mail addresses"),
    (r"(?:phone|telephone|mobile|cell(?:phone)?|fax|contact)(?:\s+(?:numbers?|nos?\b\.?))?|phone-?numbers?",
     ("PHONE",), "phone numbers"),
    (r"urls?|links?|web\s*(?:sites?|addresses|address|pages?)|hyperlinks?", ("URL",), "web addresses"),
    (r"(?:person(?:'s)?|people's|personal)\s+names|people|persons?|individuals|"
     r"(?:whom?|anyone|anybody|someone|everyone)(?=\s+(?:is|are|was|were)?\s*(?:mentioned|named|referred))|"
     r"characters|attendees|participants",
     ("PERSON",), "people"),
    # "the names and places in the transcript": every proper name (a company's too), not only people's
    (r"names?(?!\s+(?:of|the|all|every|any|each)\b)|proper\s+nouns", ("PERSON", "ORG", "NORP", "PRODUCT", "EVENT",
                                                                      "WORK_OF_ART", "FAC", "GPE", "LOC", "LAW",
                                                                      "LANGUAGE"), "names"),
    (r"places?|locations?|cit(?:y|ies)|towns?|countries|country|geographic\w*|venues?", ("GPE", "LOC", "FAC"),
     "places"),
    (r"(?:street\s+|postal\s+|mailing\s+|home\s+)?address(?:es)?", ("FAC", "GPE", "LOC"), "addresses"),
    (r"dates?|times?|days?|deadlines?|when", ("DATE", "TIME"), "dates and times"),
    (r"organi[sz]ations?|companies|company|firms?|businesses|institutions?|agenc(?:y|ies)|corporations?",
     ("ORG",), "organizations"),
    (r"money|monetary\s+(?:values|amounts)|amounts?|prices?|costs?|sums?|fees?|payments?|currenc(?:y|ies)|"
     r"dollar\s+amounts?", ("MONEY",), "amounts of money"),
    (r"percent(?:ages?|s)?", ("PERCENT",), "percentages"),
    (r"nationalit(?:y|ies)", ("NORP",), "nationalities"),
    (r"events", ("EVENT",), "events"),
    (r"products", ("PRODUCT",), "products"),
)
"""The kinds of entity a request can ask for, as its words name them: the pattern, the labels (spaCy's, and
:func:`pattern_entities`'), and how to say it in the answer."""
_KIND_RES = [(re.compile(rf"(?<![\w.-])(?:{pattern})(?:\s+names?)?(?![\w-])", re.IGNORECASE), labels, said)
             for pattern, labels, said in _KINDS]
"""Each kind's pattern, a "name" right after it its own ("the company name" asks for organizations, not every name)."""
_ASKING_RE = re.compile(
    r"\b(?:list|extract|find|pull\s+out|get|give|show|tell\s+me|identify|highlight|tag|spot|detect|recogni[sz]e|mark|"
    r"name(?=\s+(?:the|all|every|any|each)\b)|(?:which|what|who)(?:['’]s|\s+(?:is|are|was|were)\b)?|"
    r"where(?:['’]s|\s+(?:is|are|was|were)\b)|all|every|any|each)\b", re.IGNORECASE)
"""A word that asks for things, the kinds named in the few words after it: not "the" ("an article about the
company merger" asks for no organizations). A question's word takes its verb "to be" with it ("what is the phone
number", "what's her email", "where is the address"); "where" only so ("the cities where people live" asks for
no people)."""
_BETWEEN_WORDS = frozenset(
    "the all every any each of and or also as well plus me us out a an some its their his her named distinct unique "
    "different other individual main key important relevant specific mentioned listed kinds types sorts name names".split())
"""The words that may come between an asking word and a kind it asks for, or between two kinds asked
("pull out every email address and phone number", "all the people and dates")."""
_GENERAL_RE = re.compile(r"\b(?:named[\s-]+)?entit(?:y|ies)\b|\bNER\b", re.IGNORECASE)
"""Entities asked for in general ("find the named entities", "tag the entities"): all are wanted."""


def _asks_for(between: str) -> bool:
    """Whether the text ``between`` an asking word (or a kind asked) and a kind keeps the kind asked for: the
    words of :data:`_BETWEEN_WORDS` only, and at most one other word right before the kind ("the important
    meeting dates"); no sentence's end ("a summary of last year's costs" asks for none)."""
    if re.search(r"[.?!;:]", between):
        return False
    words = re.findall(r"[\w'’-]+", between.lower())
    others = [k for k, word in enumerate(words) if word not in _BETWEEN_WORDS]
    return not others or others == [len(words) - 1]


def _kind_mentions(text: str) -> list[tuple[int, int, int]]:
    """The kinds ``text`` names (``_KIND_RES``) as (start, end, index into ``_KINDS``), in the text's order,
    none overlapping: the one starting first, then the longest, then an earlier kind of ``_KINDS`` ("email
    address" names no place, "the company name" an organization, not every name)."""
    found = sorted((m.start(), -m.end(), index) for index, (regex, _labels, _said) in enumerate(_KIND_RES)
                   for m in regex.finditer(text))
    taken: list[tuple[int, int, int]] = []
    for start, neg_end, index in found:
        if not taken or taken[-1][1] <= start:
            taken.append((start, -neg_end, index))
    return taken


def _unquoted(request: str) -> str:
    """``request`` with the files, web addresses and texts it quotes or gives after a colon blanked out: the
    kind words there are what the text is about, not what is asked ("Extract the named entities from this
    text: 'John met the company CEO'")."""
    from ..planning.resources import FILE_NAME_RE, find_resources  # local: not needed to find entities

    text = request or ""
    for resource in find_resources(text):
        if resource.mentioned:
            text = text[:resource.start] + " " * (resource.end - resource.start) + text[resource.end:]
    return FILE_NAME_RE.sub(lambda m: " " * len(m.group()), text)


def _asked_kinds(text: str) -> list[int]:
    """The kinds (indexes into ``_KINDS``) that ``text`` asks for, in its order: each a kind named a few words
    after an asking word (``_ASKING_RE``) or after a kind asked (:func:`_asks_for`), or the asking word
    itself ("who is mentioned")."""
    kinds = _kind_mentions(text)
    asked: list[int] = []
    anchor = None  # where the last asking word, or the last kind asked, ends
    for ask in [*_ASKING_RE.finditer(text), None]:
        stop = ask.start() if ask else len(text)
        while kinds and kinds[0][0] < stop:
            start, end, index = kinds.pop(0)
            if anchor is not None and _asks_for(text[anchor:start]):
                asked.append(index)
                anchor = end
        while kinds and ask and kinds[0][0] < ask.end():
            asked.append(kinds.pop(0)[2])
        anchor = ask.end() if ask else anchor
    return asked


def _asks_in_general(text: str) -> bool:
    """Whether ``text`` asks for entities in general ("the named entities"), not for entities of a kind it
    names ("person and organization entities")."""
    return any(not any(end <= m.start() and not text[end:m.start()].strip() for _, end, _ in
                       _kind_mentions(text[:m.start()])) for m in _GENERAL_RE.finditer(text))


def asked_entity_kinds(request: str) -> tuple[set[str], list[str]] | None:
    """The entity labels ``request`` asks for and how to name them, when it names kinds of entity ("list all
    the people and dates mentioned in notes.txt": PERSON, DATE and TIME; "pull out every email address and
    phone number": EMAIL and PHONE); None when it names none or asks for entities in general ("find the named
    entities"): all are wanted. A kind counts when it is what an asking word asks for, in the few words after
    it (:func:`_asked_kinds`; "which companies", "extract all prices and URLs"), not a word of the request's
    quoted text or of a file's name (:func:`_unquoted`), nor one a sentence is about ("summarize this
    article about the company merger")."""
    text = _unquoted(request)
    asked = _asked_kinds(text)
    if not asked or _asks_in_general(text):
        return None
    labels: set[str] = set()
    said: list[str] = []
    for index in dict.fromkeys(asked):
        labels.update(_KINDS[index][1])
        said.append(_KINDS[index][2])
    return labels, said


def only_asked(entities: list[dict[str, object]], labels: set[str]) -> list[dict[str, object]]:
    """The ``entities`` whose label is in ``labels``, each entity (label and words, case and spacing aside) once:
    the first time the text names it ("Carlos" said three times is one person)."""
    seen: set[tuple[object, str]] = set()
    kept = []
    for entity in entities:
        key = (entity["entity"], " ".join(str(entity["word"]).lower().split()))
        if entity["entity"] in labels and key not in seen:
            seen.add(key)
            kept.append(entity)
    return kept


__all__ = ["EMAIL_RE", "asked_entity_kinds", "holds_phone_number", "line_spans", "merge_entities", "only_asked", "pattern_entities"]
